package dev.stepflow.docs;

/** The little Markdown the generated docs need: table rows and code spans. */
final class Markdown {
  private Markdown() {}

  /** One table row; a '|' inside a cell is escaped so it cannot split the cell. */
  static String row(String... cells) {
    StringBuilder out = new StringBuilder("|");
    for (String cell : cells) {
      out.append(' ').append(cell.replace("|", "\\|")).append(" |");
    }
    return out.append('\n').toString();
  }

  /** A code span whose fence is longer than any run of backticks inside the text. */
  static String code(String text) {
    String fence = "`";
    while (text.contains(fence)) {
      fence += "`";
    }
    boolean padded = text.startsWith("`") || text.endsWith("`");
    String inner = padded ? " " + text + " " : text;
    return fence + inner + fence;
  }
}
