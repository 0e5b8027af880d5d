package dev.signet.server.custody;

/** Where a custody key's private half lives. */
public enum CustodyKind {
  /** In the database, sealed with AES-256-GCM under the master key; unsealed in memory to sign. */
  SOFTWARE,
  /** Generated inside the PKCS#11 token, non-extractable; the database holds its reference. */
  HSM
}
