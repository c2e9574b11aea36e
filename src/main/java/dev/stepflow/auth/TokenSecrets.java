package dev.stepflow.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Making and hashing token secrets. A secret is 32 random bytes, so a plain SHA-256 is enough to
 * keep it: there is nothing to guess, unlike a password, and a fast hash keeps every request cheap.
 */
public final class TokenSecrets {
  /** Marks Stepflow tokens so secret scanners and people can recognise a leaked one. */
  static final String PREFIX = "sfk_";

  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenSecrets() {}

  public static String newSecret() {
    return PREFIX + randomText(32);
  }

  public static String newId() {
    return HexFormat.of().formatHex(randomBytes(16));
  }

  public static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public static String sha256Hex(String secret) {
    return HexFormat.of().formatHex(sha256(secret));
  }

  private static String randomText(int bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
