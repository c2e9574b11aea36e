package dev.stepflow.domain;

/**
 * A step as the instance's log (GET instance) shows it: the record with its output cut to a
 * preview. When {@code outputCut}, {@code step.outputJson()} holds only the first characters of the
 * output's JSON text (not JSON on its own): the store keeps that preview with the step and the
 * output apart, and the log reads only the preview, so a log of large outputs never loads them. The
 * step endpoint reads the whole record instead.
 */
public record LoggedStep(StepRecord step, boolean outputCut) {
  /** How many characters of an output's JSON text the log shows (Cloudflare's 1,024). */
  public static final int OUTPUT_PREVIEW_CHARS = 1024;

  /**
   * What the store keeps as the preview of {@code outputJson}: its first {@link
   * #OUTPUT_PREVIEW_CHARS} + 1 characters (null for none). One more than the log shows tells that
   * the output is longer; no character is split in two.
   */
  public static String previewOf(String outputJson) {
    return cut(outputJson, OUTPUT_PREVIEW_CHARS + 1);
  }

  /**
   * The step whose output was read as its preview: a preview longer than {@link
   * #OUTPUT_PREVIEW_CHARS} means the output is longer, and the log keeps the first {@link
   * #OUTPUT_PREVIEW_CHARS} characters.
   */
  public static LoggedStep ofPreview(StepRecord step) {
    String output = step.outputJson();
    String shown = cut(output, OUTPUT_PREVIEW_CHARS);
    return shown == null || shown.length() == output.length()
        ? new LoggedStep(step, false)
        : new LoggedStep(step.withOutputJson(shown), true);
  }

  /** {@code text} itself when it has at most {@code max} characters, else its first {@code max}. */
  private static String cut(String text, int max) {
    if (text == null || text.length() <= max || text.codePointCount(0, text.length()) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max));
  }
}
