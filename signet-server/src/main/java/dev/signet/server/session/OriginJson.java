package dev.signet.server.session;

import dev.signet.server.origin.Credential;
import dev.signet.server.origin.Origin;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A verified {@link Origin} as JSON, so that every process on the database sees a session's origin
 * as the exchange verified it. Only this package writes the column; reading it back is still strict
 * (a row that does not decode refuses the session rather than guessing).
 */
final class OriginJson {
  private OriginJson() {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  static String write(Origin origin) {
    ArrayNode list = JSON.createArrayNode();
    for (Credential c : origin.credentials()) {
      ObjectNode o = list.addObject();
      o.put("method", c.method());
      switch (c) {
        case Credential.Oidc oidc -> {
          o.put("issuerName", oidc.issuerName());
          o.put("issuer", oidc.issuer());
          o.put("subject", oidc.subject());
          o.put("audience", oidc.audience());
          o.put("issuedAt", oidc.issuedAt().toString());
          o.put("expiresAt", oidc.expiresAt().toString());
          o.put("tokenId", oidc.tokenId());
          ObjectNode claims = o.putObject("claims");
          new java.util.TreeMap<>(oidc.claims()).forEach(claims::put);
        }
        case Credential.Certificate cert -> {
          o.put("subjectDn", cert.subjectDn());
          o.put("issuerDn", cert.issuerDn());
          ObjectNode subject = o.putObject("subject");
          new java.util.TreeMap<>(cert.subject())
              .forEach((k, values) -> values.forEach(subject.withArray(k)::add));
          ArrayNode oids = o.putArray("templateOids");
          new java.util.TreeSet<>(cert.templateOids()).forEach(oids::add);
          o.put("sha256", cert.sha256());
          o.put("caSha256", cert.caSha256());
        }
        case Credential.ProjectToken t -> {
          o.put("tokenId", t.tokenId());
          o.put("project", t.project());
          ArrayNode ops = o.putArray("operations");
          new java.util.TreeSet<>(t.operations()).forEach(ops::add);
          o.put("expiresAt", t.expiresAt().toString());
        }
      }
    }
    return JSON.writeValueAsString(list);
  }

  /** The origin of a stored session. */
  static Origin read(String json, String sessionId) throws SessionException {
    if (json.length() > SessionLimits.MAX_ORIGIN_JSON_CHARS) {
      throw bad(sessionId);
    }
    try {
      JsonNode list = JSON.readTree(json);
      if (list == null || !list.isArray()) {
        throw bad(sessionId);
      }
      List<Credential> out = new ArrayList<>();
      for (JsonNode o : list) {
        out.add(credential(o, sessionId));
      }
      return new Origin(out);
    } catch (JacksonException | DateTimeParseException e) {
      throw bad(sessionId);
    }
  }

  private static Credential credential(JsonNode o, String id) throws SessionException {
    return switch (text(o, "method", id)) {
      case "oidc" -> {
        Map<String, String> claims = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object(o, "claims", id).properties()) {
          claims.put(e.getKey(), string(e.getValue(), id));
        }
        yield new Credential.Oidc(
            text(o, "issuerName", id),
            text(o, "issuer", id),
            text(o, "subject", id),
            text(o, "audience", id),
            Instant.parse(text(o, "issuedAt", id)),
            Instant.parse(text(o, "expiresAt", id)),
            text(o, "tokenId", id),
            claims);
      }
      case "mtls" -> {
        Map<String, List<String>> subject = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object(o, "subject", id).properties()) {
          subject.put(e.getKey(), strings(e.getValue(), id));
        }
        yield new Credential.Certificate(
            text(o, "subjectDn", id),
            text(o, "issuerDn", id),
            subject,
            new LinkedHashSet<>(strings(field(o, "templateOids", id), id)),
            text(o, "sha256", id),
            text(o, "caSha256", id));
      }
      case "token" ->
          new Credential.ProjectToken(
              text(o, "tokenId", id),
              text(o, "project", id),
              Set.copyOf(strings(field(o, "operations", id), id)),
              Instant.parse(text(o, "expiresAt", id)));
      default -> throw bad(id);
    };
  }

  private static JsonNode field(JsonNode o, String name, String id) throws SessionException {
    JsonNode n = o.isObject() ? o.get(name) : null;
    if (n == null) {
      throw bad(id);
    }
    return n;
  }

  private static JsonNode object(JsonNode o, String name, String id) throws SessionException {
    JsonNode n = field(o, name, id);
    if (!n.isObject()) {
      throw bad(id);
    }
    return n;
  }

  private static String text(JsonNode o, String name, String id) throws SessionException {
    return string(field(o, name, id), id);
  }

  private static String string(JsonNode n, String id) throws SessionException {
    if (!n.isString()) {
      throw bad(id);
    }
    return n.asString();
  }

  private static List<String> strings(JsonNode n, String id) throws SessionException {
    if (!n.isArray()) {
      throw bad(id);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode s : n) {
      out.add(string(s, id));
    }
    return out;
  }

  private static SessionException bad(String id) {
    return new SessionException(
        SessionException.Reason.UNAVAILABLE, "session " + id + " has an unreadable stored origin");
  }
}
