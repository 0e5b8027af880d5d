package dev.signet.server.signing;

import dev.signet.server.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request body: one JSON object with known members only (a misspelt member is refused, not
 * ignored), duplicate members refused. Errors are 400s naming the member.
 */
public final class JsonBody {
  static final JsonMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final JsonNode root;

  private JsonBody(JsonNode root) {
    this.root = root;
  }

  /** Parses {@code body}; an empty body is an empty object. */
  public static JsonBody parse(byte[] body, Set<String> members) throws ApiException {
    if (body.length == 0) {
      return new JsonBody(JSON.createObjectNode());
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JacksonException e) {
      throw bad("the body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw bad("the body must be a JSON object");
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!members.contains(e.getKey())) {
        throw bad(
            "unknown member "
                + clip(e.getKey())
                + " (known: "
                + String.join(", ", members.stream().sorted().toList())
                + ")");
      }
    }
    return new JsonBody(root);
  }

  public @Nullable String optionalString(String name, int maxChars) throws ApiException {
    JsonNode n = root.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isString()) {
      throw bad(name + " must be a string");
    }
    String s = n.asString();
    if (s.length() > maxChars) {
      throw bad(name + " is longer than " + maxChars + " characters");
    }
    return s;
  }

  public String string(String name, int maxChars) throws ApiException {
    String s = optionalString(name, maxChars);
    if (s == null || s.isEmpty()) {
      throw bad(name + " is required");
    }
    return s;
  }

  public @Nullable JsonNode node(String name) {
    return root.get(name);
  }

  public List<String> strings(String name, int maxItems, int maxChars) throws ApiException {
    JsonNode n = root.get(name);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw bad(name + " must be an array of strings");
    }
    if (n.size() > maxItems) {
      throw bad(name + " has more than " + maxItems + " items");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode item = n.get(i);
      if (item == null || !item.isString() || item.asString().length() > maxChars) {
        throw bad(name + "[" + i + "] must be a string of at most " + maxChars + " characters");
      }
      out.add(item.asString());
    }
    return List.copyOf(out);
  }

  /** Parses JSON the service itself wrote. */
  public static JsonNode tree(String json) {
    return JSON.readTree(json);
  }

  /** A response map as a JSON tree. */
  public static JsonNode toTree(Object value) {
    return JSON.valueToTree(value);
  }

  static ApiException bad(String message) {
    return new ApiException(400, "bad_request", message);
  }

  static String clip(String s) {
    String one = s.replaceAll("[\\p{Cntrl}]", "?");
    return one.length() > 60 ? one.substring(0, 60) + "…" : one;
  }
}
