package dev.stepflow.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokens a running server accepts. It rereads the tokens file when the file changes (checked at
 * most once a second), so {@code token create} and {@code token revoke} take effect without a
 * restart; a file that became invalid is reported and the last valid tokens stay in force.
 */
public final class TokenRegistry {
  private static final Logger log = LoggerFactory.getLogger(TokenRegistry.class);
  private static final long RECHECK_NANOS = 1_000_000_000L;

  /** Longer presented values are refused without hashing them. */
  public static final int MAX_SECRET_LENGTH = 512;

  private final TokenFile file;
  private volatile Loaded loaded;
  private volatile long checkedAt;

  private record Loaded(List<ApiToken> tokens, List<byte[]> hashes, FileTime modified, long size) {}

  private TokenRegistry(TokenFile file, Loaded loaded) {
    this.file = file;
    this.loaded = loaded;
    this.checkedAt = System.nanoTime();
  }

  /** Loads {@code file}, which must exist and be valid. */
  public static TokenRegistry open(TokenFile file) {
    return new TokenRegistry(file, load(file));
  }

  public List<ApiToken> tokens() {
    refreshIfChanged();
    return loaded.tokens();
  }

  /**
   * The token whose secret this is. Every stored hash is compared, in constant time and without
   * stopping at a match, so the time taken says nothing about which hash came close.
   */
  public Optional<ApiToken> find(String secret) {
    if (secret.isEmpty() || secret.length() > MAX_SECRET_LENGTH) {
      return Optional.empty();
    }
    refreshIfChanged();
    Loaded current = loaded;
    byte[] presented = TokenSecrets.sha256(secret);
    ApiToken match = null;
    for (int i = 0; i < current.hashes().size(); i++) {
      if (MessageDigest.isEqual(presented, current.hashes().get(i))) {
        match = current.tokens().get(i);
      }
    }
    return Optional.ofNullable(match);
  }

  private void refreshIfChanged() {
    long now = System.nanoTime();
    if (now - checkedAt < RECHECK_NANOS) {
      return;
    }
    synchronized (this) {
      if (now - checkedAt < RECHECK_NANOS) {
        return;
      }
      checkedAt = now;
      try {
        FileTime modified = Files.getLastModifiedTime(file.path());
        long size = Files.size(file.path());
        if (modified.equals(loaded.modified()) && size == loaded.size()) {
          return;
        }
        loaded = load(file);
        log.info("Reloaded {} API tokens from {}", loaded.tokens().size(), file.path());
      } catch (IOException | RuntimeException e) {
        log.error("Keeping the tokens loaded before: {}", e.getMessage());
      }
    }
  }

  private static Loaded load(TokenFile file) {
    try {
      FileTime modified = Files.getLastModifiedTime(file.path());
      long size = Files.size(file.path());
      List<ApiToken> tokens = file.read();
      List<byte[]> hashes = tokens.stream().map(t -> HexFormat.of().parseHex(t.sha256())).toList();
      return new Loaded(tokens, hashes, modified, size);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read tokens file " + file.path() + ": " + e.getMessage());
    }
  }
}
