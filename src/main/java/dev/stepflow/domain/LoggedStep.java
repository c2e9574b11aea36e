package dev.stepflow.domain;

/**
 * A step as the instance's log (GET instance) shows it: the record with its output cut to a
 * preview. When {@code outputCut}, {@code step.outputJson()} holds only the first characters of the
 * output's JSON text (not JSON on its own); the store read no more of it, so a log of large outputs
 * never loads them. The step endpoint reads the whole record instead.
 */
public record LoggedStep(StepRecord step, boolean outputCut) {
  /** How many characters of an output's JSON text the log shows (Cloudflare's 1,024). */
  public static final int OUTPUT_PREVIEW_CHARS = 1024;

  /**
   * The step whose output was read as at most {@link #OUTPUT_PREVIEW_CHARS} + 1 characters: one
   * more than the preview means the output is longer, and the preview keeps the first {@link
   * #OUTPUT_PREVIEW_CHARS} (never splitting a character in two).
   */
  public static LoggedStep ofPreview(StepRecord step) {
    String output = step.outputJson();
    if (output == null
        || output.length() <= OUTPUT_PREVIEW_CHARS
        || output.codePointCount(0, output.length()) <= OUTPUT_PREVIEW_CHARS) {
      return new LoggedStep(step, false);
    }
    String preview = output.substring(0, output.offsetByCodePoints(0, OUTPUT_PREVIEW_CHARS));
    return new LoggedStep(step.withOutputJson(preview), true);
  }
}
