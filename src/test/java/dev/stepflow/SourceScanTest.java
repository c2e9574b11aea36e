package dev.stepflow;

import static dev.stepflow.SourceScan.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.SourceScan.Dependency;
import dev.stepflow.SourceScan.Source;
import org.junit.jupiter.api.Test;

/** The scanner behind {@link ArchitectureTest} finds every dependency and nothing else. */
class SourceScanTest {

  @Test
  void scannerFindsImportsOfEveryKind() {
    Source source =
        parse(
            "A.java",
            """
            package dev.stepflow.engine;

            import dev.stepflow.http.Envelopes;
            import static dev.stepflow.app.Main.run;
            import jakarta.ws.rs.*;
            """);

    assertThat(source.packageName()).isEqualTo("dev.stepflow.engine");
    assertThat(source.dependencies())
        .containsExactly(
            new Dependency("A.java", 3, "dev.stepflow.http.Envelopes"),
            new Dependency("A.java", 4, "dev.stepflow.app.Main.run"),
            new Dependency("A.java", 5, "jakarta.ws.rs.*"));
  }

  @Test
  void scannerFindsFullyQualifiedNamesWrittenInCode() {
    Source source =
        parse(
            "B.java",
            """
            package dev.stepflow.domain;

            @jakarta.annotation.Generated("x")
            class B {
              dev.stepflow.http.Envelopes envelopes = new dev.stepflow.http.Envelopes();
              java.util.List<String> names = out.add(row.from().x);
            }
            """);

    assertThat(source.dependencies())
        .containsExactly(
            new Dependency("B.java", 3, "jakarta.annotation.Generated"),
            new Dependency("B.java", 5, "dev.stepflow.http.Envelopes"),
            new Dependency("B.java", 5, "dev.stepflow.http.Envelopes"),
            new Dependency("B.java", 6, "java.util.List"));
  }

  @Test
  void scannerIgnoresCommentsAndLiterals() {
    Source source =
        parse(
            "C.java",
            """
            package dev.stepflow.domain;
            /** Unlike {@link dev.stepflow.http.Envelopes}, this is plain. */
            class C {
              // dev.stepflow.app.Main is not used here
              /* nor jakarta.ws.rs.Path */ char quote = '"';
              String text = "dev.stepflow.api.model.Workflow \\" jakarta.ws.rs.GET";
              String block = \"""
                  dev.stepflow.engine.service.InstanceControl
                  \""";
              char escaped = '\\'';
              dev.stepflow.store.InstanceStore store;
            }
            """);

    assertThat(source.dependencies())
        .containsExactly(new Dependency("C.java", 11, "dev.stepflow.store.InstanceStore"));
  }
}
