package dev.stepflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs DBOS Transact's side of the engine benchmark ({@code bench/dbos}, built by scripts/bench) as
 * a JVM of its own: DBOS brings its own Jackson, HikariCP and PostgreSQL driver, which must not mix
 * with Stepflow's class path. The process prints one {@code DBOS_RESULT {json}} line.
 */
final class DbosProcess {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RESULT = "DBOS_RESULT ";

  private DbosProcess() {}

  /** What one DBOS run measured. */
  record Result(double seconds, int warmed, String version) {}

  /**
   * Starts {@code instances} 3-step workflows (after {@code warmUp}) on the database {@code url}
   * with {@code clients} submitting threads; {@code module} is bench/dbos/target.
   */
  static Result run(
      Path module,
      Path logDir,
      String url,
      String user,
      int instances,
      WarmUp warmUp,
      int clients,
      List<String> jvm,
      Duration limit)
      throws IOException, InterruptedException {
    Path classpath = module.resolve("classpath.txt");
    if (!Files.isRegularFile(classpath)) {
      throw new IllegalStateException(classpath + " is missing; scripts/bench builds bench/dbos");
    }
    Files.createDirectories(logDir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm);
    command.addAll(
        List.of(
            "-cp",
            module.resolve("classes") + File.pathSeparator + Files.readString(classpath).strip(),
            "dev.stepflow.bench.dbos.DbosBench",
            "--db-url=" + url,
            "--db-user=" + user,
            "--instances=" + instances,
            "--warmup=" + warmUp.wave(),
            "--warmup-seconds=" + warmUp.atLeast().toSeconds(),
            "--clients=" + clients,
            "--limit-seconds=" + limit.toSeconds()));
    Path out = logDir.resolve("dbos.out.log");
    Path err = logDir.resolve("dbos.err.log");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    // the child ends itself at the limit; this bound only covers a JVM that hangs on the way out
    if (!p.waitFor(limit.toSeconds() + 30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("the DBOS run did not end within " + limit);
    }
    for (String line : Files.readAllLines(out)) {
      if (line.startsWith(RESULT)) {
        JsonNode json = JSON.readTree(line.substring(RESULT.length()));
        return new Result(
            json.get("seconds").asDouble(),
            json.get("warmed").asInt(),
            json.get("version").asText());
      }
    }
    throw new IllegalStateException(
        "the DBOS run exited with " + p.exitValue() + " and no result; see " + err);
  }
}
