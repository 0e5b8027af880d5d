package dev.signet.server.custody;

import dev.signet.keys.Algorithm;
import java.time.Instant;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * One version of a custody key as the store holds it. Immutable: the arrays are copied in and out.
 *
 * @param spki the public key, DER SubjectPublicKeyInfo
 * @param sealed for {@link CustodyKind#SOFTWARE}: the private key sealed under the master key (see
 *     {@link SealedBlob}); null for HSM keys
 * @param hsmReference for {@link CustodyKind#HSM}: the RFC 7512 reference (token, object, id; no
 *     module and no PIN, which come from the server's configuration); null for software keys
 * @param retiredAt when it was retired, if it was
 * @param revokedAt the revocation's effective time, if it is revoked
 */
@SuppressWarnings("ArrayRecordComponent") // copied in the constructor and in the accessors
public record VersionRecord(
    String project,
    String name,
    int version,
    Algorithm algorithm,
    CustodyKind kind,
    byte[] spki,
    byte @Nullable [] sealed,
    @Nullable String hsmReference,
    VersionState state,
    Instant createdAt,
    @Nullable Instant retiredAt,
    @Nullable Instant revokedAt) {
  public VersionRecord {
    spki = spki.clone();
    sealed = sealed == null ? null : sealed.clone();
    if ((kind == CustodyKind.SOFTWARE) != (sealed != null)
        || (kind == CustodyKind.HSM) != (hsmReference != null)) {
      throw new IllegalArgumentException(
          "a software version has a sealed key, an HSM one a reference");
    }
    if ((state == VersionState.REVOKED) != (revokedAt != null)) {
      throw new IllegalArgumentException("a revoked version, and only it, has an effective time");
    }
  }

  @Override
  public byte[] spki() {
    return spki.clone();
  }

  @Override
  public byte @Nullable [] sealed() {
    return sealed == null ? null : sealed.clone();
  }

  /** The JWKS key ID of this version: {@code NAME-vN}, unique within a project. */
  public String keyId() {
    return name + "-v" + version;
  }

  /** {@code project/name v3}, as messages name a version. */
  public String display() {
    return project + "/" + name + " v" + version;
  }

  VersionRecord withState(VersionState s, @Nullable Instant retired, @Nullable Instant revoked) {
    return new VersionRecord(
        project,
        name,
        version,
        algorithm,
        kind,
        spki,
        sealed,
        hsmReference,
        s,
        createdAt,
        retired,
        revoked);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionRecord v
        && project.equals(v.project)
        && name.equals(v.name)
        && version == v.version
        && algorithm == v.algorithm
        && kind == v.kind
        && java.security.MessageDigest.isEqual(spki, v.spki)
        && (sealed == null
            ? v.sealed == null
            : v.sealed != null && java.security.MessageDigest.isEqual(sealed, v.sealed))
        && java.util.Objects.equals(hsmReference, v.hsmReference)
        && state == v.state
        && createdAt.equals(v.createdAt)
        && java.util.Objects.equals(retiredAt, v.retiredAt)
        && java.util.Objects.equals(revokedAt, v.revokedAt);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(project, name, version, state);
  }

  @Override
  public String toString() {
    return "VersionRecord["
        + display()
        + ", "
        + algorithm
        + ", "
        + kind
        + ", "
        + state
        + ", spki="
        + Base64.getEncoder().encodeToString(spki)
        + (sealed == null ? "" : ", sealed=[" + sealed.length + " bytes]")
        + "]";
  }
}
