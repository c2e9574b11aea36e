package dev.stepflow.auth;

import java.util.Locale;

/** What a token may do in its accounts: {@code read} answers GET only, {@code edit} everything. */
public enum Permission {
  READ,
  EDIT;

  /** The spelling in the tokens file and on the command line. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Permission parse(String text) {
    for (Permission p : values()) {
      if (p.wireName().equals(text)) {
        return p;
      }
    }
    throw new IllegalArgumentException("permission must be read or edit, not '" + text + "'");
  }

  /** Whether a request with this HTTP method needs {@link #EDIT}. */
  public static boolean needsEdit(String method) {
    return switch (method) {
      case "GET", "HEAD", "OPTIONS" -> false;
      default -> true;
    };
  }
}
