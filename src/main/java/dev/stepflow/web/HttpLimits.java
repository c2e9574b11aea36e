package dev.stepflow.web;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * What the front allows a client, each with a safe default and a rule checked when the record is
 * made (the messages name the command-line options).
 *
 * @param idleTimeout a connection with nothing to read or write for this long is closed; a request
 *     waiting that long for more of its body is answered 408
 * @param headerTimeout the request line and headers must arrive within this time of their first
 *     byte, or the connection is answered 408 and closed (slowloris)
 * @param bodyTimeout the whole request body must arrive within this time of the first read, or the
 *     request is answered 408 and the connection closed
 * @param maxConnections connections served at once; past it, new connections wait in the listen
 *     backlog until one closes, and the served ones are not disturbed
 * @param maxHeaderBytes request line and headers together; more is answered 431
 * @param maxHeaderCount request header fields; more are answered 431
 */
public record HttpLimits(
    Duration idleTimeout,
    Duration headerTimeout,
    Duration bodyTimeout,
    int maxConnections,
    int maxHeaderBytes,
    int maxHeaderCount) {

  public static final long DEFAULT_IDLE_SECONDS = 30;
  public static final long DEFAULT_HEADER_SECONDS = 10;
  public static final long DEFAULT_BODY_SECONDS = 30;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(DEFAULT_IDLE_SECONDS);
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(DEFAULT_HEADER_SECONDS);
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(DEFAULT_BODY_SECONDS);
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
  public static final int DEFAULT_MAX_HEADER_COUNT = 100;

  /** The most connections a default server takes, when file descriptors allow it. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;

  /** File descriptors kept for what is not a connection: jars, the database, logs, the JVM's. */
  static final long RESERVED_FILE_DESCRIPTORS = 128;

  public static final HttpLimits DEFAULT =
      new HttpLimits(
          DEFAULT_IDLE_TIMEOUT,
          DEFAULT_HEADER_TIMEOUT,
          DEFAULT_BODY_TIMEOUT,
          defaultMaxConnections(),
          DEFAULT_MAX_HEADER_BYTES,
          DEFAULT_MAX_HEADER_COUNT);

  public HttpLimits {
    requirePositive("--idle-timeout", idleTimeout);
    requirePositive("--header-timeout", headerTimeout);
    requirePositive("--body-timeout", bodyTimeout);
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "--max-connections must be 1 or more (found: " + maxConnections + ")");
    }
    if (maxHeaderBytes < 1024 || maxHeaderBytes > 1024 * 1024) {
      throw new IllegalArgumentException(
          "--max-header-bytes must be 1024 to 1048576 (found: " + maxHeaderBytes + ")");
    }
    if (maxHeaderCount < 10 || maxHeaderCount > 10_000) {
      throw new IllegalArgumentException(
          "--max-header-count must be 10 to 10000 (found: " + maxHeaderCount + ")");
    }
  }

  private static void requirePositive(String option, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          option + " must be a positive number of seconds (found: " + value + ")");
    }
  }

  /**
   * {@link #DEFAULT_MAX_CONNECTIONS}, or fewer when the process may open fewer files: a server that
   * runs out of file descriptors cannot accept anyone, nor open its database.
   */
  static int defaultMaxConnections() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long usable = unix.getMaxFileDescriptorCount() - RESERVED_FILE_DESCRIPTORS;
      return (int) Math.max(16, Math.min(DEFAULT_MAX_CONNECTIONS, usable));
    }
    return DEFAULT_MAX_CONNECTIONS;
  }

  public HttpLimits withIdleTimeout(Duration value) {
    return new HttpLimits(
        value, headerTimeout, bodyTimeout, maxConnections, maxHeaderBytes, maxHeaderCount);
  }

  public HttpLimits withHeaderTimeout(Duration value) {
    return new HttpLimits(
        idleTimeout, value, bodyTimeout, maxConnections, maxHeaderBytes, maxHeaderCount);
  }

  public HttpLimits withBodyTimeout(Duration value) {
    return new HttpLimits(
        idleTimeout, headerTimeout, value, maxConnections, maxHeaderBytes, maxHeaderCount);
  }

  public HttpLimits withMaxConnections(int value) {
    return new HttpLimits(
        idleTimeout, headerTimeout, bodyTimeout, value, maxHeaderBytes, maxHeaderCount);
  }

  public HttpLimits withMaxHeaderBytes(int value) {
    return new HttpLimits(
        idleTimeout, headerTimeout, bodyTimeout, maxConnections, value, maxHeaderCount);
  }

  public HttpLimits withMaxHeaderCount(int value) {
    return new HttpLimits(
        idleTimeout, headerTimeout, bodyTimeout, maxConnections, maxHeaderBytes, value);
  }
}
