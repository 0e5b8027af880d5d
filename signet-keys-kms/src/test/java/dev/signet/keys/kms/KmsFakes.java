package dev.signet.keys.kms;

import dev.signet.keys.Algorithm;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The public face of this module's KMS fakes for other modules' tests (the CLI signs artifacts
 * through them): a fake on 127.0.0.1, the key reference that reaches it, and the environment a
 * client needs (credentials and endpoint, none of them real).
 */
public final class KmsFakes {
  private KmsFakes() {}

  /** A running fake; close it when done. */
  public interface Fake extends AutoCloseable {
    /** A key reference whose calls go to this fake. */
    String reference();

    /** {@code http://127.0.0.1:PORT}. */
    String url();

    /** Credentials, region and endpoint overrides for a client of this fake. */
    Map<String, String> env();

    /** How many signing calls the fake has answered. */
    int signCalls();

    @Override
    void close();
  }

  /** AWS KMS's JSON protocol; the endpoint is in the reference ({@code awskms://127.0.0.1:P/…}). */
  public static Fake aws(Algorithm alg) throws IOException {
    FakeAwsKms fake = new FakeAwsKms(alg);
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    env.put("AWS_SECRET_ACCESS_KEY", KmsTesting.AWS_SECRET);
    env.put("AWS_SESSION_TOKEN", KmsTesting.AWS_SESSION);
    env.put("AWS_REGION", "eu-west-1");
    return wrap(fake, fake.reference(), env, "Sign");
  }

  /** Cloud KMS's REST API; the endpoint comes from {@link GcpKmsKeys#ENDPOINT_ENV}. */
  public static Fake gcp(Algorithm alg) throws IOException {
    FakeGcpKms fake = new FakeGcpKms(alg);
    Map<String, String> env = new HashMap<>();
    env.put(GcpKmsKeys.TOKEN_ENV, KmsTesting.GCP_TOKEN);
    env.put(GcpKmsKeys.ENDPOINT_ENV, fake.url());
    return wrap(fake, fake.reference(), env, "asymmetricSign");
  }

  private static Fake wrap(
      FakeService fake, String reference, Map<String, String> env, String signOp) {
    Map<String, String> frozen = Map.copyOf(env);
    return new Fake() {
      @Override
      public String reference() {
        return reference;
      }

      @Override
      public String url() {
        return fake.url();
      }

      @Override
      public Map<String, String> env() {
        return frozen;
      }

      @Override
      public int signCalls() {
        return fake.calls(signOp);
      }

      @Override
      public void close() {
        fake.close();
      }
    };
  }
}
