package dev.signet.keys.kms;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import java.net.URI;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SignResponse;

/**
 * The only class that touches the AWS SDK. It is reached through {@link AwsKmsKeys#open} alone, so
 * commands that never open an {@code awskms://} key never load (or initialise) an SDK class.
 *
 * <p>The SDK's own retries are switched off: {@link Retry} retries every backend the same way,
 * which keeps throttling behaviour and the final error message uniform, and testable by counting
 * calls.
 */
final class AwsKmsClient {
  private AwsKmsClient() {}

  /** Ed25519 in AWS KMS signs RAW messages of at most this many bytes. */
  static final int MAX_RAW_MESSAGE = 4096;

  private static final Pattern ARN_REGION =
      Pattern.compile("arn:aws[a-z-]*:kms:([a-z0-9-]+):[0-9]{12}:(key|alias)/.+");

  private static final Set<String> DENIED =
      Set.of(
          "AccessDeniedException",
          "AccessDenied",
          "UnrecognizedClientException",
          "InvalidClientTokenId",
          "InvalidSignatureException",
          "SignatureDoesNotMatch",
          "IncompleteSignature",
          "MissingAuthenticationToken",
          "ExpiredTokenException",
          "ExpiredToken");

  private static final Set<String> NOT_ALLOWED =
      Set.of(
          "DisabledException",
          "KMSInvalidStateException",
          "InvalidKeyUsageException",
          "UnsupportedOperationException",
          "IncorrectKeyException");

  private static final Set<String> SERVER =
      Set.of(
          "KMSInternalException",
          "DependencyTimeoutException",
          "KeyUnavailableException",
          "InternalFailure",
          "ServiceUnavailable",
          "ServiceUnavailableException");

  /** What a key spec signs as: the JWS algorithm and the KMS signing algorithm. */
  private record Scheme(Algorithm algorithm, String signingAlgorithm) {}

  /** Service-specific first, as the AWS SDKs order them. */
  static final List<String> ENDPOINT_ENVS = List.of("AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL");

  static SigningKey open(KeyRef.AwsKms ref, Map<String, String> env, KmsOptions options)
      throws KeyException {
    String display = ref.display();
    Secrets secrets = new Secrets(env);
    KmsClientBuilder builder =
        KmsClient.builder()
            .region(region(ref, env, display))
            .credentialsProvider(credentials(env))
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(options.connectTimeout())
                    .socketTimeout(options.callTimeout())
                    .build())
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .apiCallAttemptTimeout(options.callTimeout())
                    .apiCallTimeout(options.callTimeout())
                    .retryStrategy(AwsRetryStrategy.doNotRetry())
                    .build());
    if (!ref.endpoint().isEmpty()) {
      builder.endpointOverride(endpoint(ref.endpoint()));
    } else {
      // The AWS SDKs' own endpoint settings, read from our env map rather than left to the SDK so
      // that the same https-or-loopback rule applies and tests can point Buildkite's
      // --signing-aws-kms-key (a bare key id) at a local server.
      for (String setting : ENDPOINT_ENVS) {
        String value = env.getOrDefault(setting, "").strip();
        if (!value.isEmpty()) {
          builder.endpointOverride(Http.baseUrl(value, setting, display));
          break;
        }
      }
    }
    KmsClient kms = builder.build();
    try {
      GetPublicKeyResponse pk =
          call(
              options,
              display,
              "GetPublicKey",
              secrets,
              () -> kms.getPublicKey(r -> r.keyId(ref.keyId())));
      String usage = String.valueOf(pk.keyUsageAsString());
      String spec = String.valueOf(pk.keySpecAsString());
      if (!usage.equals("SIGN_VERIFY")) {
        throw new KeyException(
            KeyException.Reason.NOT_ALLOWED,
            display
                + ": key usage is "
                + Text.oneLine(usage, null)
                + " (key spec "
                + Text.oneLine(spec, null)
                + "); a signing key needs usage SIGN_VERIFY");
      }
      Scheme scheme = scheme(spec, pk.signingAlgorithmsAsStrings(), display);
      if (pk.publicKey() == null) {
        throw Json.bad(display + ": GetPublicKey", "has no PublicKey");
      }
      PublicKey publicKey = Jca.spki(pk.publicKey().asByteArray(), display);
      // Sign with the key the alias pointed at when it was opened, never whatever it points at
      // later: the public key above is the one signatures are checked against.
      String keyArn = pk.keyId() == null || pk.keyId().isEmpty() ? ref.keyId() : pk.keyId();
      return RemoteKey.open(
          scheme.algorithm(),
          publicKey,
          display,
          (input, digest) -> sign(kms, keyArn, scheme, input, digest, options, display, secrets));
    } catch (KeyException | RuntimeException e) {
      kms.close();
      throw e;
    }
  }

  private static byte[] sign(
      KmsClient kms,
      String keyArn,
      Scheme scheme,
      byte[] input,
      boolean digest,
      KmsOptions options,
      String display,
      Secrets secrets)
      throws KeyException {
    if (!digest && input.length > MAX_RAW_MESSAGE) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          display
              + ": AWS KMS signs at most "
              + MAX_RAW_MESSAGE
              + " bytes with an Ed25519 key and this message has "
              + input.length
              + "; use an ECC_NIST_P256 key");
    }
    SignResponse r =
        call(
            options,
            display,
            "Sign",
            secrets,
            () ->
                kms.sign(s ->
                    s.keyId(keyArn)
                        .message(SdkBytes.fromByteArray(input))
                        .messageType(digest ? MessageType.DIGEST : MessageType.RAW)
                        .signingAlgorithm(scheme.signingAlgorithm())));
    if (r.signature() == null) {
      throw Json.bad(display + ": Sign", "has no Signature");
    }
    if (r.keyId() != null && keyArn.startsWith("arn:") && !r.keyId().equals(keyArn)) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED, display + ": Sign answered for a different key");
    }
    return r.signature().asByteArray();
  }

  /** The signing scheme for a key spec, or NOT_ALLOWED naming the spec. */
  private static Scheme scheme(String spec, List<String> offered, String display)
      throws KeyException {
    List<Scheme> wanted =
        switch (spec) {
          case "ECC_NIST_P256" -> List.of(new Scheme(Algorithm.ES256, "ECDSA_SHA_256"));
          case "ECC_NIST_P384" -> List.of(new Scheme(Algorithm.ES384, "ECDSA_SHA_384"));
          case "ECC_NIST_P521" -> List.of(new Scheme(Algorithm.ES512, "ECDSA_SHA_512"));
          case "ECC_NIST_EDWARDS25519" -> List.of(new Scheme(Algorithm.EdDSA, "ED25519_SHA_512"));
          case "RSA_2048", "RSA_3072", "RSA_4096" ->
              List.of(
                  new Scheme(Algorithm.PS512, "RSASSA_PSS_SHA_512"),
                  new Scheme(Algorithm.PS256, "RSASSA_PSS_SHA_256"));
          default ->
              throw new KeyException(
                  KeyException.Reason.NOT_ALLOWED,
                  display
                      + ": key spec "
                      + Text.oneLine(spec, null)
                      + " cannot sign here; use ECC_NIST_P256 (ES256, what Buildkite verifies),"
                      + " ECC_NIST_P384, ECC_NIST_P521, ECC_NIST_EDWARDS25519 or RSA with PSS");
        };
    for (Scheme s : wanted) {
      if (offered.isEmpty() || offered.contains(s.signingAlgorithm())) {
        return s;
      }
    }
    throw new KeyException(
        KeyException.Reason.NOT_ALLOWED,
        display
            + ": key spec "
            + spec
            + " offers none of "
            + wanted.stream().map(Scheme::signingAlgorithm).toList());
  }

  private static Region region(KeyRef.AwsKms ref, Map<String, String> env, String display)
      throws KeyException {
    for (String name : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
      String value = env.getOrDefault(name, "").strip();
      if (!value.isEmpty()) {
        return Region.of(value);
      }
    }
    Matcher arn = ARN_REGION.matcher(ref.keyId());
    if (arn.matches()) {
      return Region.of(arn.group(1));
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkException e) {
      throw new KeyException(
          KeyException.Reason.UNAVAILABLE,
          display + ": no AWS region; set AWS_REGION, or give the key as an ARN");
    }
  }

  private static AwsCredentialsProvider credentials(Map<String, String> env) {
    String id = env.getOrDefault("AWS_ACCESS_KEY_ID", "");
    String secret = env.getOrDefault("AWS_SECRET_ACCESS_KEY", "");
    String session = env.getOrDefault("AWS_SESSION_TOKEN", "");
    if (!id.isEmpty() && !secret.isEmpty()) {
      return StaticCredentialsProvider.create(
          session.isEmpty()
              ? AwsBasicCredentials.create(id, secret)
              : AwsSessionCredentials.create(id, secret, session));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /** https, except plain http to this machine, where LocalStack and test servers listen. */
  private static URI endpoint(String hostPort) {
    String host =
        hostPort.startsWith("[")
            ? hostPort.substring(0, hostPort.indexOf(']') + 1)
            : hostPort.replaceFirst(":[0-9]+$", "");
    return URI.create((Http.isLoopback(host) ? "http://" : "https://") + hostPort);
  }

  /** Secret values that must never reach a message, should a service or proxy echo them. */
  private record Secrets(@Nullable String secretKey, @Nullable String sessionToken) {
    Secrets(Map<String, String> env) {
      this(env.get("AWS_SECRET_ACCESS_KEY"), env.get("AWS_SESSION_TOKEN"));
    }

    String scrub(@Nullable String text) {
      return Text.oneLine(Text.oneLine(text, secretKey), sessionToken);
    }
  }

  @FunctionalInterface
  private interface SdkCall<T> {
    T call();
  }

  private static <T> T call(
      KmsOptions options, String display, String op, Secrets secrets, SdkCall<T> call)
      throws KeyException {
    return Retry.run(
        options,
        display + ": " + op,
        () -> {
          try {
            return call.call();
          } catch (SdkException e) {
            throw failure(e, display, op, secrets, options.callTimeout().toMillis());
          }
        });
  }

  /** Maps an SDK failure: returns what is worth retrying, throws what is not. */
  private static Retry.Transient failure(
      SdkException e, String display, String op, Secrets secrets, long timeoutMillis)
      throws KeyException {
    if (e instanceof AwsServiceException service) {
      var details = service.awsErrorDetails();
      String code = details == null ? "" : String.valueOf(details.errorCode());
      String message = secrets.scrub(details == null ? null : details.errorMessage());
      int status = service.statusCode();
      String detail =
          (code.isEmpty() ? "HTTP " + status : Text.oneLine(code, null))
              + (message.isEmpty() ? "" : ": " + message);
      if (service.isThrottlingException() || status == 429 || code.equals("ThrottlingException")) {
        return new Retry.Transient(Retry.Kind.THROTTLED, detail);
      }
      if (status >= 500 || SERVER.contains(code)) {
        return new Retry.Transient(Retry.Kind.SERVER, detail);
      }
      KeyException.Reason reason =
          DENIED.contains(code) || status == 401 || status == 403
              ? KeyException.Reason.DENIED
              : code.equals("NotFoundException")
                  ? KeyException.Reason.NOT_FOUND
                  : NOT_ALLOWED.contains(code)
                      ? KeyException.Reason.NOT_ALLOWED
                      : KeyException.Reason.SIGNING_FAILED;
      throw new KeyException(reason, display + ": " + op + " refused: " + detail);
    }
    if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
      return new Retry.Transient(Retry.Kind.NETWORK, "no response within " + timeoutMillis + " ms");
    }
    String message = secrets.scrub(e.getMessage());
    if (message.startsWith("Unable to load credentials")) {
      throw new KeyException(
          KeyException.Reason.DENIED,
          display
              + ": no AWS credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE,"
              + " or run with an instance, task or web-identity role");
    }
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException) {
        // The socket's read timeout and the SDK's attempt timeout are the same length; whichever
        // fires first, it is the same event.
        return new Retry.Transient(
            Retry.Kind.NETWORK, "no response within " + timeoutMillis + " ms");
      }
      if (t instanceof java.net.SocketException
          || t instanceof java.net.SocketTimeoutException
          || t instanceof java.net.UnknownHostException
          || t instanceof javax.net.ssl.SSLException
          || t instanceof java.io.InterruptedIOException) {
        return new Retry.Transient(Retry.Kind.NETWORK, Http.network(t));
      }
    }
    if (message.startsWith("Unable to unmarshall")) {
      // The parser's own message (offsets, stream classes) adds nothing a user can act on.
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED,
          display
              + ": "
              + op
              + ": the service sent a response the AWS SDK could not read (malformed JSON)");
    }
    throw new KeyException(
        KeyException.Reason.SIGNING_FAILED,
        display + ": " + op + " failed in the AWS SDK: " + message);
  }
}
