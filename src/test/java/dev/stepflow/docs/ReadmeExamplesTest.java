package dev.stepflow.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's code under a {@code <!-- example: PATH -->} marker is the example projects' own
 * code: each such block must be a run of whole lines of the file it names, so the README cannot
 * show code that no longer compiles or no longer passes the example's tests.
 */
class ReadmeExamplesTest {
  private static final Path README = Path.of("README.md");
  private static final Pattern MARKED_BLOCK =
      Pattern.compile("<!-- example: (\\S+) -->\\n```java\\n(.*?)\\n```", Pattern.DOTALL);

  record Marked(Path file, String code) {}

  @Test
  void everyMarkedBlockIsCodeOfTheFileItNames() throws IOException {
    List<Marked> blocks = markedBlocks(Files.readString(README));

    assertThat(blocks)
        .extracting(Marked::file)
        .contains(
            Path.of("examples/booking-saga/src/main/java/com/example/booking/BookingSaga.java"),
            Path.of("examples/booking-saga/src/test/java/com/example/booking/BookingSagaTest.java"),
            Path.of("examples/host-app/src/main/java/com/example/host/HostApp.java"));
    for (Marked block : blocks) {
      assertThat(block.file()).as("the file a README example names").isRegularFile();
      String file = "\n" + Files.readString(block.file());
      assertThat(file)
          .as("README's example from %s must be whole lines of that file", block.file())
          .contains("\n" + block.code() + "\n");
    }
  }

  @Test
  void aBlockWithOneLineChangedIsNotCodeOfItsFile() throws IOException {
    Marked original =
        markedBlocks(Files.readString(README)).stream()
            .filter(b -> b.file().endsWith("BookingSaga.java"))
            .findFirst()
            .orElseThrow();
    String changed = original.code().replaceFirst("\"reserve-hotel\"", "\"book-hotel\"");

    assertThat(changed).isNotEqualTo(original.code());
    assertThat("\n" + Files.readString(original.file())).doesNotContain("\n" + changed + "\n");
  }

  static List<Marked> markedBlocks(String markdown) {
    List<Marked> blocks = new ArrayList<>();
    Matcher m = MARKED_BLOCK.matcher(markdown);
    while (m.find()) {
      blocks.add(new Marked(Path.of(m.group(1)), m.group(2)));
    }
    return blocks;
  }
}
