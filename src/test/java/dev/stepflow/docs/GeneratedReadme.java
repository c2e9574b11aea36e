package dev.stepflow.docs;

import dev.stepflow.domain.Transitions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds generated-README.md from openapi/workflows.yaml and {@link Transitions#TABLE}. The output
 * is deterministic (no timestamps, no map-order surprises) so that {@code GeneratedReadmeTest} can
 * compare it byte for byte with the committed file. Run through scripts/generate-readme.
 */
public final class GeneratedReadme {

  /** The command that regenerates the file; named in its header and in the stale-file message. */
  static final String REGENERATE_COMMAND = "scripts/generate-readme";

  static final Path FILE = Path.of("generated-README.md");
  static final Path OPENAPI = Path.of("openapi", "workflows.yaml");

  private GeneratedReadme() {}

  /** Writes generated-README.md in the working directory, which must be the repository root. */
  public static void main(String[] args) throws IOException {
    write(render());
  }

  static void write(String content) throws IOException {
    Files.writeString(FILE, content);
  }

  public static String render() {
    try {
      return header()
          + EndpointReferenceDoc.render(OPENAPI)
          + "\n"
          + new TransitionTableDoc(Transitions.TABLE).render();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + OPENAPI.toAbsolutePath(), e);
    }
  }

  private static String header() {
    return "<!-- Generated file: do not edit. Regenerate with "
        + REGENERATE_COMMAND
        + " (renderer: src/test/java/dev/stepflow/docs/GeneratedReadme.java). -->\n\n"
        + "# Stepflow reference (generated)\n\n"
        + "This file is generated from `openapi/workflows.yaml` and the transition table"
        + " `dev.stepflow.domain.Transitions`. Do not edit it by hand: change the sources and run"
        + " `"
        + REGENERATE_COMMAND
        + "`. `GeneratedReadmeTest` fails when it is stale.\n\n";
  }
}
