package dev.stepflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Java sources for the dependency rules: the package of a file, and the names it depends on,
 * from import lines and from fully qualified names written inline in code (comments and string
 * literals do not count).
 */
final class SourceScan {
  static final Path MAIN_SOURCES = Path.of("src/main/java");

  /** First segments that start a package name; a qualified name with another root is a variable. */
  private static final Set<String> PACKAGE_ROOTS =
      Set.of("java", "javax", "jakarta", "jdk", "sun", "com", "org", "net", "io", "dev", "picocli");

  private static final Pattern PACKAGE =
      Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
  private static final Pattern IMPORT =
      Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;", Pattern.MULTILINE);
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("(?<![\\w$.])((?:[a-z_][\\w$]*\\s*\\.\\s*)+[A-Z_$][\\w$]*)");

  /** One dependency of a source file: a name it imports or writes out in full. */
  record Dependency(String file, int line, String name) {
    @Override
    public String toString() {
      return file + ":" + line + " -> " + name;
    }
  }

  /** A scanned source file. */
  record Source(String file, String packageName, List<Dependency> dependencies) {}

  private SourceScan() {}

  static Source read(Path path) {
    try {
      return parse(MAIN_SOURCES.relativize(path).toString(), Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Source parse(String file, String text) {
    String code = withoutCommentsAndLiterals(text);
    Matcher pkg = PACKAGE.matcher(code);
    String packageName = pkg.find() ? pkg.group(1) : "";
    List<Dependency> dependencies = new ArrayList<>();
    StringBuilder body = new StringBuilder(code);
    Matcher imports = IMPORT.matcher(code);
    while (imports.find()) {
      dependencies.add(new Dependency(file, lineOf(code, imports.start(1)), imports.group(1)));
      blank(body, imports.start(), imports.end());
    }
    if (pkg.find(0)) {
      blank(body, pkg.start(), pkg.end());
    }
    Matcher names = QUALIFIED_NAME.matcher(body);
    while (names.find()) {
      String name = names.group(1).replaceAll("\\s", "");
      if (PACKAGE_ROOTS.contains(name.substring(0, name.indexOf('.')))) {
        dependencies.add(new Dependency(file, lineOf(code, names.start(1)), name));
      }
    }
    return new Source(file, packageName, dependencies);
  }

  private static void blank(StringBuilder text, int start, int end) {
    for (int i = start; i < end; i++) {
      if (text.charAt(i) != '\n') {
        text.setCharAt(i, ' ');
      }
    }
  }

  private static int lineOf(String text, int offset) {
    return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
  }

  /**
   * Replaces comments, string, char and text-block literals by spaces, keeping line breaks so that
   * line numbers stay right.
   */
  static String withoutCommentsAndLiterals(String text) {
    StringBuilder out = new StringBuilder(text);
    int i = 0;
    while (i < text.length()) {
      int end = literalOrCommentEnd(text, i);
      if (end > i) {
        blank(out, i, end);
        i = end;
      } else {
        i++;
      }
    }
    return out.toString();
  }

  /** The end of the comment or literal starting at {@code i}, or {@code i} when none starts. */
  private static int literalOrCommentEnd(String text, int i) {
    if (text.startsWith("//", i)) {
      int newline = text.indexOf('\n', i);
      return newline < 0 ? text.length() : newline;
    }
    if (text.startsWith("/*", i)) {
      int close = text.indexOf("*/", i + 2);
      return close < 0 ? text.length() : close + 2;
    }
    if (text.startsWith("\"\"\"", i)) {
      return quotedEnd(text, i + 3, "\"\"\"");
    }
    char c = text.charAt(i);
    if (c == '"' || c == '\'') {
      return quotedEnd(text, i + 1, String.valueOf(c));
    }
    return i;
  }

  private static int quotedEnd(String text, int from, String close) {
    int i = from;
    while (i < text.length()) {
      if (text.charAt(i) == '\\') {
        i += 2;
      } else if (text.startsWith(close, i)) {
        return i + close.length();
      } else {
        i++;
      }
    }
    return text.length();
  }
}
