package dev.stepflow.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The packaged Stepflow ({@code target/stepflow.jar}, passed by failsafe as the system property
 * {@code stepflow.jar}) running as a separate OS process on 127.0.0.1 and a free port. Its stdout
 * and stderr go to files next to each other, so no pipe can fill up and block the server. {@link
 * #close()} kills the process if it still runs; use it in try-with-resources so a failing test
 * never leaves a server behind.
 */
public final class StepflowProcess implements AutoCloseable {
  private static final Pattern SERVING =
      Pattern.compile("Stepflow is serving (https?://127\\.0\\.0\\.1:(\\d+))/client/v4");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

  /** The heap every server process gets, unless its JVM options say otherwise. */
  public static final String HEAP_LIMIT = "-Xmx256m";

  /**
   * {@code serve} options that hold every instance queued and lift the creation rates, for tests
   * that create many instances at once and want their statuses known.
   */
  public static final List<String> HOLD_QUEUE =
      List.of(
          "--max-running",
          "0",
          "--create-rate-per-workflow",
          "0",
          "--create-rate-per-account",
          "0");

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final Thread killOnExit;
  private final String origin;
  private final String token;
  private final Duration startup;

  private StepflowProcess(
      Process process,
      Path stdout,
      Path stderr,
      Thread killOnExit,
      String origin,
      String token,
      Duration start) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.killOnExit = killOnExit;
    this.origin = origin;
    this.token = token;
    this.startup = start;
  }

  /**
   * Starts {@code serve --data dataDir} and returns once it printed the address it serves. {@code
   * name} names the log files, written to {@code logDir}.
   */
  public static StepflowProcess start(Path dataDir, Path logDir, String name) throws IOException {
    return start(dataDir, logDir, name, List.of());
  }

  /** As {@link #start(Path, Path, String)}, with more {@code serve} options. */
  public static StepflowProcess start(
      Path dataDir, Path logDir, String name, List<String> serveOptions) throws IOException {
    return start(dataDir, logDir, name, List.of(), serveOptions);
  }

  /**
   * As {@link #start(Path, Path, String, List)}, with JVM options after {@link #HEAP_LIMIT} (a
   * later -Xmx wins).
   */
  public static StepflowProcess start(
      Path dataDir, Path logDir, String name, List<String> jvmOptions, List<String> serveOptions)
      throws IOException {
    return start(dataDir, logDir, name, jvmOptions, serveOptions, Map.of());
  }

  /**
   * As {@link #start(Path, Path, String, List, List)}, with {@code environment} added to the
   * process's environment (e.g. STEPFLOW_WORKFLOWS).
   */
  public static StepflowProcess start(
      Path dataDir,
      Path logDir,
      String name,
      List<String> jvmOptions,
      List<String> serveOptions,
      Map<String, String> environment)
      throws IOException {
    List<String> command = new ArrayList<>(jvm());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-jar",
            jar(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--data",
            dataDir.toString()));
    command.addAll(serveOptions);
    // the dev token of the data folder, unless the options chose other tokens or none
    boolean devToken =
        !serveOptions.contains("--insecure-no-auth") && !serveOptions.contains("--tokens");
    return launch(command, environment, dataDir, logDir, name, devToken);
  }

  /**
   * Starts {@code mainClass} from the test class path as a server process of its own (an
   * application that embeds Stepflow), with {@code systemProperties} ("-Dname=value") and the data
   * folder as its one argument. The main class prints the same "serving" line as {@code serve}.
   */
  public static StepflowProcess startEmbedded(
      String mainClass, List<String> systemProperties, Path dataDir, Path logDir, String name)
      throws IOException {
    List<String> command = new ArrayList<>(jvm());
    command.addAll(systemProperties);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), mainClass, dataDir.toString()));
    return launch(command, Map.of(), dataDir, logDir, name, true);
  }

  private static List<String> jvm() {
    return List.of(javaExecutable(), "--enable-native-access=ALL-UNNAMED", HEAP_LIMIT);
  }

  private static StepflowProcess launch(
      List<String> command,
      Map<String, String> environment,
      Path dataDir,
      Path logDir,
      String name,
      boolean devToken)
      throws IOException {
    Path out = logDir.resolve(name + ".out.log");
    Path err = logDir.resolve(name + ".err.log");
    long started = System.nanoTime();
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    Process process =
        builder
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
            .start();
    Thread killOnExit = new Thread(process::destroyForcibly, "kill-" + name);
    Runtime.getRuntime().addShutdownHook(killOnExit);
    try {
      String origin = awaitServing(process, out, err);
      return new StepflowProcess(
          process,
          out,
          err,
          killOnExit,
          origin,
          devToken ? ApiClient.devToken(dataDir) : null,
          Duration.ofNanos(System.nanoTime() - started));
    } catch (RuntimeException | Error e) {
      process.destroyForcibly();
      waitForExit(process);
      Runtime.getRuntime().removeShutdownHook(killOnExit);
      throw e;
    }
  }

  private static String jar() {
    String jar = System.getProperty("stepflow.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "System property stepflow.jar must name the packaged jar (run through mvn verify);"
              + " got "
              + jar);
    }
    return jar;
  }

  private static String awaitServing(Process process, Path out, Path err) {
    try {
      Matcher matcher =
          await()
              .atMost(START_TIMEOUT)
              .pollInterval(Duration.ofMillis(20))
              .until(
                  () -> {
                    if (!process.isAlive()) {
                      throw new IllegalStateException(
                          "Stepflow exited with "
                              + process.exitValue()
                              + " before serving; stderr:\n"
                              + tail(err));
                    }
                    return SERVING.matcher(read(out));
                  },
                  Matcher::find);
      return matcher.group(1);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(
          "Stepflow did not report serving within " + START_TIMEOUT + "; stderr:\n" + tail(err), e);
    }
  }

  /** The JVM running the tests (a JDK >= 21, as the build requires), else JAVA_HOME's. */
  private static String javaExecutable() {
    Optional<String> current = ProcessHandle.current().info().command();
    if (current.isPresent() && Files.isExecutable(Path.of(current.get()))) {
      return current.get();
    }
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static java.io.File nullDevice() {
    return new java.io.File("/dev/null");
  }

  /** http://127.0.0.1:PORT (https:// with TLS), for {@link ApiClient}. */
  public String origin() {
    return origin;
  }

  public ApiClient client() {
    return new ApiClient(origin, token);
  }

  /** A client that sends its requests with {@code http}, e.g. one that trusts a certificate. */
  public ApiClient client(java.net.http.HttpClient http) {
    return new ApiClient(origin, token, http);
  }

  /** From starting the JVM to the "serving" line. */
  public Duration startup() {
    return startup;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGKILL: no shutdown hook, no close of the store. Returns the exit value once the process is
   * gone (128 + 9 = 137 on Linux).
   */
  public int kill() {
    process.destroyForcibly();
    return waitForExit(process);
  }

  /** SIGTERM, the way an operator stops the server: shutdown hooks close the store. */
  public int stop() {
    process.destroy();
    return waitForExit(process);
  }

  private static int waitForExit(Process process) {
    try {
      if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("process " + process.pid() + " does not exit");
        }
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException(e);
    }
  }

  /** The last lines the server logged, for failure messages. */
  public String stderrTail() {
    return tail(stderr);
  }

  public Path stdoutFile() {
    return stdout;
  }

  public Path stderrFile() {
    return stderr;
  }

  /** What a finished command of the jar printed. */
  public record CommandResult(int exitCode, String stdout, String stderr) {}

  /**
   * Runs {@code java -jar stepflow.jar ARGS} to its end, e.g. {@code token create ...}. A command
   * that has not ended within {@link #EXIT_TIMEOUT} (a {@code serve} that started when it should
   * have failed) is killed, and this throws with what it printed.
   */
  public static CommandResult run(List<String> args) throws IOException, InterruptedException {
    return run(args, Map.of());
  }

  /** As {@link #run(List)}, with {@code environment} added to the process's environment. */
  public static CommandResult run(List<String> args, Map<String, String> environment)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", jar()));
    command.addAll(args);
    // files, not pipes: a command that does not end must not leave this waiting on its output
    Path out = Files.createTempFile("stepflow-run", ".out");
    Path err = Files.createTempFile("stepflow-run", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(environment);
      Process process =
          builder
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
              .start();
      if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        throw new IllegalStateException(
            "stepflow "
                + args
                + " did not finish within "
                + EXIT_TIMEOUT
                + "; stdout:\n"
                + tail(out)
                + "\nstderr:\n"
                + tail(err));
      }
      return new CommandResult(process.exitValue(), read(out), read(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Path file) {
    String text = read(file);
    return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
  }

  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        kill();
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to run; it kills the process anyway
      }
    }
  }
}
