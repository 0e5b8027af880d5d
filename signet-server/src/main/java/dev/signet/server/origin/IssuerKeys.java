package dev.signet.server.origin;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.signet.json.JsonWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The signing keys of one issuer, fetched through discovery and cached by {@code kid}.
 *
 * <p>Fetches happen when the cache is past its lifetime ({@code Cache-Control: max-age}, clamped)
 * or a token names an unknown kid, and never more often than {@link
 * OriginLimits#MIN_REFETCH_INTERVAL} per issuer, whatever the cause: a flood of tokens with bogus
 * kids, or an issuer that is down, costs one fetch per interval. Keys already cached keep verifying
 * while the issuer is unreachable, for up to {@link OriginLimits#MAX_STALE_KEYS}.
 */
final class IssuerKeys {
  /** A key and its verifier, built once per fetch (Nimbus verifiers are thread-safe). */
  record Key(JWK jwk, JWSVerifier verifier) {}

  private record Snapshot(Map<String, Key> keys, Instant fetchedAt, Instant freshUntil) {}

  private final IssuerConfig config;
  private final Fetcher fetcher;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile @Nullable Snapshot snapshot;
  private @Nullable Instant lastAttempt; // guarded by lock

  IssuerKeys(IssuerConfig config, Fetcher fetcher, Clock clock) {
    this.config = config;
    this.fetcher = fetcher;
    this.clock = clock;
  }

  Key key(String kid) throws OriginException {
    Snapshot s = snapshot;
    if (s != null && clock.instant().isBefore(s.freshUntil())) {
      Key k = s.keys().get(kid);
      if (k != null) {
        return k;
      }
    }
    lock.lock();
    try {
      Instant now = clock.instant();
      s = snapshot; // another thread may have fetched while this one waited
      Key cached = s == null ? null : s.keys().get(kid);
      boolean fresh = s != null && now.isBefore(s.freshUntil());
      if (cached != null && fresh) {
        return cached;
      }
      boolean staleUsable =
          cached != null
              && s != null
              && now.isBefore(s.fetchedAt().plus(OriginLimits.MAX_STALE_KEYS));
      if (lastAttempt != null
          && now.isBefore(lastAttempt.plus(OriginLimits.MIN_REFETCH_INTERVAL))) {
        if (cached != null && staleUsable) {
          return cached;
        }
        if (s == null) {
          throw new OriginException(
              OriginException.Reason.ISSUER_UNAVAILABLE,
              "issuer " + config.name() + ": no keys yet; the last fetch failed, retrying later");
        }
        throw unknownKey(kid);
      }
      lastAttempt = now;
      Snapshot fetched;
      try {
        fetched = fetch(now);
      } catch (OriginException e) {
        if (cached != null && staleUsable) {
          return cached;
        }
        throw e;
      }
      snapshot = fetched;
      Key k = fetched.keys().get(kid);
      if (k == null) {
        throw unknownKey(kid);
      }
      return k;
    } finally {
      lock.unlock();
    }
  }

  private Snapshot fetch(Instant now) throws OriginException {
    String base = config.issuer().endsWith("/") ? config.issuer() : config.issuer() + "/";
    URI discovery = URI.create(base + ".well-known/openid-configuration");
    String what = "issuer " + config.name() + ": discovery " + discovery;
    Fetcher.Response doc = fetcher.get(discovery, OriginLimits.MAX_DISCOVERY_BYTES, what);
    URI jwksUri = IssuerDocuments.jwksUri(doc.body(), config, what);
    String jwksWhat = "issuer " + config.name() + ": JWKS " + jwksUri;
    Fetcher.Response jwks = fetcher.get(jwksUri, OriginLimits.MAX_JWKS_BYTES, jwksWhat);
    Map<String, JWK> keys = IssuerDocuments.signingKeys(jwks.body(), jwksWhat);
    Duration ttl = jwks.maxAge().orElse(OriginLimits.DEFAULT_KEY_TTL);
    if (ttl.compareTo(OriginLimits.MIN_KEY_TTL) < 0) {
      ttl = OriginLimits.MIN_KEY_TTL;
    } else if (ttl.compareTo(OriginLimits.MAX_KEY_TTL) > 0) {
      ttl = OriginLimits.MAX_KEY_TTL;
    }
    Map<String, Key> prepared = new java.util.HashMap<>();
    for (var e : keys.entrySet()) {
      JWK jwk = e.getValue();
      try {
        JWSVerifier verifier =
            jwk instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) jwk);
        prepared.put(e.getKey(), new Key(jwk, verifier));
      } catch (JOSEException ex) {
        throw new OriginException(
            OriginException.Reason.BAD_DISCOVERY,
            jwksWhat
                + ": key "
                + OriginLimits.shown(e.getKey())
                + " cannot verify: "
                + IssuerDocuments.oneLine(ex.getMessage()),
            ex);
      }
    }
    return new Snapshot(Map.copyOf(prepared), now, now.plus(ttl));
  }

  private OriginException unknownKey(String kid) {
    return new OriginException(
        OriginException.Reason.UNKNOWN_KEY,
        "issuer "
            + config.name()
            + " publishes no key with kid "
            + JsonWriter.quoteOneLine(kid, OriginLimits.MAX_SHOWN));
  }
}
