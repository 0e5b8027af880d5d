package dev.signet.client;

import java.nio.charset.StandardCharsets;

/**
 * What the service returned with a signature to prove it was logged: the receipt (JSON, as {@code
 * signet audit verify --receipt} reads it) and the audit entry, the leaf bytes it is for ({@code
 * --entry}).
 *
 * @param what the signature it belongs to, for messages (a file name, "pipeline")
 */
@SuppressWarnings("ArrayRecordComponent") // copied in and out
public record ServiceReceipt(String what, String receiptJson, byte[] entry) {
  public ServiceReceipt {
    entry = entry.clone();
  }

  @Override
  public byte[] entry() {
    return entry.clone();
  }

  /** The audit entry as text: the leaf is canonical JSON. */
  public String entryText() {
    return new String(entry, StandardCharsets.UTF_8);
  }
}
