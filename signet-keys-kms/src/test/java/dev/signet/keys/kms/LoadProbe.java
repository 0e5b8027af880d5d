package dev.signet.keys.kms;

import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import java.util.HashMap;
import java.util.Map;

/**
 * Run in a child JVM by {@link AwsSdkLoadingTest}: opens one key through {@link KmsKeys}, signs
 * with it, and returns from {@code main} without {@code System.exit}, so the JVM ends only if no
 * backend left a non-daemon thread behind.
 */
public final class LoadProbe {
  private LoadProbe() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      env.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    SigningKey key = KmsKeys.open(KeyRef.parse(args[0]), env, KmsTesting.FAST);
    key.signMessage(new byte[] {1, 2, 3});
    System.out.println("PROBE-SIGNED " + key.algorithm());
  }
}
