package dev.signet.keys.kms;

import dev.signet.keys.Algorithm;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.signers.PSSSigner;

/**
 * The software key a fake KMS holds, signing the way the real service does (a digest for ECDSA and
 * RSA-PSS, the message for Ed25519), and an independent JDK verifier for the tests' assertions.
 */
record SoftKey(Algorithm algorithm, KeyPair pair) {
  // RSA key generation takes seconds on a busy machine; tests share one key (and one "other"
  // key) per algorithm.
  private static final java.util.Map<String, SoftKey> CACHE =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The shared key for {@code alg}. */
  static SoftKey of(Algorithm alg) {
    return CACHE.computeIfAbsent(alg + "/main", k -> generate(alg));
  }

  /** A second shared key for {@code alg}, for "signed by another key" cases. */
  static SoftKey other(Algorithm alg) {
    return CACHE.computeIfAbsent(alg + "/other", k -> generate(alg));
  }

  static SoftKey generate(Algorithm alg) {
    try {
      KeyPairGenerator g;
      switch (alg.keyType()) {
        case OKP -> g = KeyPairGenerator.getInstance("Ed25519");
        case EC -> {
          g = KeyPairGenerator.getInstance("EC");
          g.initialize(
              new ECGenParameterSpec(
                  switch (alg) {
                    case ES256 -> "secp256r1";
                    case ES384 -> "secp384r1";
                    default -> "secp521r1";
                  }));
        }
        default -> {
          g = KeyPairGenerator.getInstance("RSA");
          g.initialize(2048);
        }
      }
      return new SoftKey(alg, g.generateKeyPair());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  PublicKey publicKey() {
    return pair.getPublic();
  }

  byte[] spki() {
    return pair.getPublic().getEncoded();
  }

  String pem() {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(spki())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** Ed25519's raw 32-byte public key, as Vault transit returns it. */
  byte[] rawEd25519() {
    byte[] spki = spki();
    return java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
  }

  byte[] signDigest(byte[] digest) {
    try {
      if (algorithm.keyType() == Algorithm.KeyType.EC) {
        Signature s = Signature.getInstance("NONEwithECDSA");
        s.initSign(pair.getPrivate());
        s.update(digest);
        return s.sign();
      }
      RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) pair.getPrivate();
      Digest hash = algorithm == Algorithm.PS256 ? new SHA256Digest() : new SHA512Digest();
      PSSSigner signer =
          PSSSigner.createRawSigner(
              new RSABlindedEngine(), hash, hash, hash.getDigestSize(), PSSSigner.TRAILER_IMPLICIT);
      signer.init(
          true,
          new RSAPrivateCrtKeyParameters(
              rsa.getModulus(),
              rsa.getPublicExponent(),
              rsa.getPrivateExponent(),
              rsa.getPrimeP(),
              rsa.getPrimeQ(),
              rsa.getPrimeExponentP(),
              rsa.getPrimeExponentQ(),
              rsa.getCrtCoefficient()));
      signer.update(digest, 0, digest.length);
      return signer.generateSignature();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  byte[] signMessage(byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(pair.getPrivate());
      s.update(message);
      return s.sign();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Verifies a native signature over {@code message} with the JDK alone (nothing of Signet's). */
  static boolean jdkVerifies(Algorithm alg, PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s =
          switch (alg) {
            case EdDSA -> Signature.getInstance("Ed25519");
            case ES256 -> Signature.getInstance("SHA256withECDSA");
            case ES384 -> Signature.getInstance("SHA384withECDSA");
            case ES512 -> Signature.getInstance("SHA512withECDSA");
            case PS256 -> {
              Signature p = Signature.getInstance("RSASSA-PSS");
              p.setParameter(
                  new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
              yield p;
            }
            case PS512 -> {
              Signature p = Signature.getInstance("RSASSA-PSS");
              p.setParameter(
                  new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, 1));
              yield p;
            }
            default -> throw new IllegalArgumentException(alg.toString());
          };
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (Exception e) {
      return false;
    }
  }
}
