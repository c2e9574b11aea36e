package dev.stepflow.client;

import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/**
 * Builds the path and query of a request below the base URL, percent-encoding every value. Only RFC
 * 3986's unreserved characters stay as they are, so an instance id such as {@code "*&#47;5 * * *
 * *-1786001400000"} (a cron instance) stays one path segment, and a query value cannot add a
 * parameter.
 */
final class ApiPath {
  private final StringBuilder path = new StringBuilder();
  private final StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");

  private ApiPath() {}

  /** A path that starts {@code /accounts/{accountId}}. */
  static ApiPath account(String accountId) {
    return new ApiPath().literal("accounts").segment(accountId);
  }

  /** Appends a fixed segment, written as given. */
  ApiPath literal(String segment) {
    path.append('/').append(segment);
    return this;
  }

  /** Appends a segment holding a value (a name, an id), encoded. */
  ApiPath segment(String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("a path value must not be null or empty: " + path);
    }
    path.append('/').append(encode(value));
    return this;
  }

  /** Appends {@code name=value} to the query when {@code value} is not null. */
  ApiPath query(String name, Object value) {
    if (value != null) {
      query.add(name + "=" + encode(value.toString()));
    }
    return this;
  }

  @Override
  public String toString() {
    return path.toString() + query;
  }

  /** Percent-encodes the UTF-8 bytes of {@code value}, all but A-Z a-z 0-9 - . _ ~. */
  static String encode(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isUnreserved(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static boolean isUnreserved(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }
}
