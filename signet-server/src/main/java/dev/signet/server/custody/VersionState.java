package dev.signet.server.custody;

/** The life of one key version. */
public enum VersionState {
  /** Published; signs while it is the key's current version. */
  ACTIVE,
  /** Published; never signs again. */
  RETIRED,
  /** Never signs; published only until its revocation's effective time. */
  REVOKED
}
