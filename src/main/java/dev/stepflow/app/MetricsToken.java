package dev.stepflow.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The bearer token {@code GET /metrics} asks for when {@code --metrics-token-file} names one: the
 * file's first line (Prometheus's {@code authorization.credentials_file} reads the same file). No
 * file: anyone may scrape. Compared in constant time.
 */
final class MetricsToken {
  /** A token shorter than this is refused at start: a scrape token is a secret, not a password. */
  static final int MIN_LENGTH = 16;

  private final byte[] expected;

  private MetricsToken(byte[] expected) {
    this.expected = expected;
  }

  static MetricsToken read(Path file) {
    if (file == null) {
      return new MetricsToken(null);
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StartFailure(
          "Cannot read --metrics-token-file " + file + ": " + StartFailure.reasons(e), e);
    }
    String token = text.lines().findFirst().orElse("").strip();
    if (token.length() < MIN_LENGTH || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new StartFailure(
          "--metrics-token-file "
              + file
              + " must hold a token of at least "
              + MIN_LENGTH
              + " printable characters without spaces on its first line, e.g. from"
              + " 'openssl rand -hex 32'.");
    }
    return new MetricsToken(token.getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether a request with this {@code Authorization} header (maybe null) may scrape. */
  boolean accepts(String authorization) {
    if (expected == null) {
      return true;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected);
  }
}
