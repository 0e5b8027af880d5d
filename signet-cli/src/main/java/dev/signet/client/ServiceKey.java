package dev.signet.client;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A key held by the Signet signing service, used like any other {@link SigningKey}: the service
 * signs {@link #signDigest digests} (and, for EdDSA, {@link #signMessage messages}); the key never
 * leaves it. Every signature is checked against the public key before it is returned, and its
 * receipt is kept ({@link #receipts()}) so the command can write it beside its output.
 */
@SuppressWarnings("ThreadLocalUsage") // per key instance on purpose: one key per command
public final class ServiceKey implements SigningKey, AutoCloseable {
  private final ServiceClient client;
  private final ServiceClient.KeyInfo info;
  private final List<ServiceReceipt> receipts = new ArrayList<>();
  // Per thread: a command signing several files in parallel names each signature, and takes its
  // receipt, on the thread that signed it.
  private final ThreadLocal<@Nullable String> nextName = new ThreadLocal<>();
  private final ThreadLocal<@Nullable ServiceReceipt> last = new ThreadLocal<>();

  private ServiceKey(ServiceClient client, ServiceClient.KeyInfo info) {
    this.client = client;
    this.info = info;
  }

  /** Connects and fetches the key's algorithm, kid and public key ({@code GET keys/{key}}). */
  public static ServiceKey open(KeyRef.Service ref, ServiceClient.Settings settings)
      throws KeyException {
    ServiceClient client = ServiceClient.connect(ref, settings);
    try {
      return new ServiceKey(client, client.key());
    } catch (KeyException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  public ServiceClient client() {
    return client;
  }

  /**
   * Names this thread's next signature in the audit log ({@code "name"}: a file name); optional.
   */
  public void nameNext(@Nullable String name) {
    nextName.set(name);
  }

  /** The receipt of this thread's latest signature (once), or null. */
  public @Nullable ServiceReceipt takeLastReceipt() {
    ServiceReceipt r = last.get();
    last.remove();
    return r;
  }

  @Override
  public Algorithm algorithm() {
    return info.algorithm();
  }

  @Override
  public String keyId() {
    return info.kid();
  }

  @Override
  public PublicKey publicKey() {
    return info.publicKey().publicKey();
  }

  @Override
  public String reference() {
    return client.display();
  }

  @Override
  public byte[] signMessage(byte[] message) throws KeyException {
    if (info.algorithm().prehashable()) {
      // The service signs digests of prehashable keys; hashing here sends less and is the same.
      return signDigest(digest(message));
    }
    ServiceClient.Signed s = client.signMessage(message, nextName.get());
    byte[] sig = signature(s);
    if (!info.publicKey().verifyMessage(message, sig)) {
      throw wrong();
    }
    keep(s);
    return sig;
  }

  @Override
  public byte[] signDigest(byte[] digest) throws KeyException {
    if (!info.algorithm().prehashable()) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          reference() + ": an Ed25519 key signs messages, not digests");
    }
    ServiceClient.Signed s = client.signDigest(hashName(), digest, nextName.get());
    byte[] sig = signature(s);
    if (!info.publicKey().verifyDigest(digest, sig)) {
      throw wrong();
    }
    keep(s);
    return sig;
  }

  /** The receipts of the signatures made so far, oldest first. */
  public synchronized List<ServiceReceipt> receipts() {
    return List.copyOf(receipts);
  }

  /** Takes the receipts made so far, leaving none (for commands that sign several files). */
  public synchronized List<ServiceReceipt> drainReceipts() {
    List<ServiceReceipt> out = List.copyOf(receipts);
    receipts.clear();
    return out;
  }

  private synchronized void keep(ServiceClient.Signed s) {
    String name = nextName.get();
    nextName.remove();
    ServiceReceipt r = s.receipt();
    ServiceReceipt named =
        new ServiceReceipt(name == null ? r.what() : name, r.receiptJson(), r.entry());
    receipts.add(named);
    last.set(named);
  }

  private byte[] signature(ServiceClient.Signed s) throws KeyException {
    if (s.body().get("kid") instanceof dev.signet.json.JsonString k
        && !k.value().equals(info.kid())) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED,
          reference()
              + ": the service signed with "
              + k.value()
              + ", not "
              + info.kid()
              + " (was the key rotated? run again)");
    }
    if (s.body().get("signature") instanceof dev.signet.json.JsonString b64) {
      try {
        return Base64.getDecoder().decode(b64.value());
      } catch (IllegalArgumentException e) {
        throw new KeyException(
            KeyException.Reason.SIGNING_FAILED, reference() + ": the signature is not base64");
      }
    }
    throw new KeyException(
        KeyException.Reason.SIGNING_FAILED, reference() + ": the answer has no signature");
  }

  private KeyException wrong() {
    return new KeyException(
        KeyException.Reason.SIGNING_FAILED,
        reference() + ": the service's signature does not verify under " + info.kid());
  }

  private String hashName() {
    return switch (info.algorithm().digest()) {
      case "SHA-256" -> "sha256";
      case "SHA-384" -> "sha384";
      default -> "sha512";
    };
  }

  private byte[] digest(byte[] message) throws KeyException {
    try {
      return java.security.MessageDigest.getInstance(info.algorithm().digest()).digest(message);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED, reference() + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
