package dev.stepflow.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One Stepflow server ({@code java -jar target/stepflow.jar serve}) as a separate process on
 * 127.0.0.1 and a free port, with a fresh data folder, plus what the benchmark reads from it from
 * outside: heap after a full GC and thread counts through {@code jcmd}, resident memory and CPU
 * time (per thread) from /proc, and the size of its data files. stdout and stderr go to files in
 * the round's folder. {@link #close()} stops the process (SIGTERM, then SIGKILL).
 */
final class BenchServer implements AutoCloseable {
  private static final Pattern SERVING =
      Pattern.compile("Stepflow is serving (http://127\\.0\\.0\\.1:\\d+/client/v4)");
  private static final Pattern HEAP =
      Pattern.compile("total(?: reserved)? (\\d+)K, committed (\\d+)K, used (\\d+)K");
  private static final Pattern HEAP_OLD = Pattern.compile("total (\\d+)K, used (\\d+)K");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path dataDir;
  private final Path stderr;
  private final String baseUrl;
  private final Thread killOnExit;

  private BenchServer(
      Process process, Path dataDir, Path stderr, String baseUrl, Thread killOnExit) {
    this.process = process;
    this.dataDir = dataDir;
    this.stderr = stderr;
    this.baseUrl = baseUrl;
    this.killOnExit = killOnExit;
  }

  /** Heap of the JVM after a full GC, in KiB. */
  record Heap(long usedKb, long committedKb) {}

  /**
   * Threads: Java threads listed by Thread.print (platform threads; unmounted virtual threads are
   * not listed), all threads Thread.print shows (including the VM's own), and the OS thread count.
   */
  record Threads(int java, int listed, int os) {}

  /** CPU time in clock ticks: the whole process, and its live threads grouped by name. */
  record Cpu(long processTicks, Map<String, Long> threadTicks) {}

  /** Starts the server in {@code roundDir} (its data folder must not exist yet). */
  static BenchServer start(Path jar, Path roundDir, List<String> serveOptions, List<String> jvm)
      throws IOException, InterruptedException {
    Path data = roundDir.resolve("data");
    if (Files.exists(data)) {
      throw new IllegalStateException(data + " already exists; each round needs a fresh one");
    }
    Files.createDirectories(roundDir);
    Path out = roundDir.resolve("server.out.log");
    Path err = roundDir.resolve("server.err.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(jvm);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--data",
            data.toString()));
    command.addAll(serveOptions);
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    // if the load generator is stopped (Ctrl-C, the script's timeout), no server is left behind
    Thread killOnExit = new Thread(process::destroyForcibly, "kill-server-" + process.pid());
    Runtime.getRuntime().addShutdownHook(killOnExit);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = SERVING.matcher(read(out));
      if (m.find()) {
        return new BenchServer(process, data, err, m.group(1), killOnExit);
      }
      if (!process.isAlive()) {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
        throw new IllegalStateException(
            "the server exited with " + process.exitValue() + "; stderr:\n" + tail(err));
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Runtime.getRuntime().removeShutdownHook(killOnExit);
    throw new IllegalStateException(
        "the server did not report serving within " + START_TIMEOUT + "; stderr:\n" + tail(err));
  }

  String baseUrl() {
    return baseUrl;
  }

  long pid() {
    return process.pid();
  }

  void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "the server exited with " + process.exitValue() + "; stderr:\n" + tail(stderr));
    }
  }

  /** {@code jcmd <pid> GC.run}, then the heap from {@code GC.heap_info}. */
  Heap heapAfterFullGc() throws IOException, InterruptedException {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher m = HEAP.matcher(info);
    if (m.find()) {
      return new Heap(Long.parseLong(m.group(3)), Long.parseLong(m.group(2)));
    }
    Matcher old = HEAP_OLD.matcher(info);
    if (old.find()) {
      return new Heap(Long.parseLong(old.group(2)), Long.parseLong(old.group(1)));
    }
    throw new IllegalStateException("cannot read the heap from GC.heap_info:\n" + info);
  }

  Threads threads() throws IOException, InterruptedException {
    int java = 0;
    int listed = 0;
    for (String line : jcmd("Thread.print").split("\n")) {
      if (line.startsWith("\"")) {
        listed++;
        if (line.matches("^\"[^\"]*\" #\\d+ .*")) {
          java++;
        }
      }
    }
    return new Threads(java, listed, (int) procStatus("Threads"));
  }

  long rssKb() {
    return procStatus("VmRSS");
  }

  Cpu cpu() {
    Map<String, Long> byName = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String name = Files.readString(task.resolve("comm")).strip().replaceAll("\\d+", "N");
          byName.merge(name, ticks(Files.readString(task.resolve("stat"))), Long::sum);
        } catch (IOException exited) {
          // the thread ended between listing and reading; its time is in the process total
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Cpu(processTicks(pid()), byName);
  }

  static long processTicks(long pid) {
    try {
      return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** utime + stime of a /proc stat line (fields 14 and 15; the name may contain spaces). */
  private static long ticks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private long procStatus(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no " + key + " in /proc/" + pid() + "/status");
  }

  /** The API token the server's first start wrote to its data folder. */
  String devToken() throws IOException {
    return Files.readString(dataDir.resolve("dev-token")).strip();
  }

  /** Bytes of each file in the data folder (stepflow.db, -wal, -shm). */
  Map<String, Long> dataFiles() throws IOException {
    Map<String, Long> sizes = new TreeMap<>();
    try (Stream<Path> files = Files.list(dataDir)) {
      for (Path f : files.toList()) {
        sizes.put(f.getFileName().toString(), Files.size(f));
      }
    }
    return sizes;
  }

  String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid()), command)
            .redirectErrorStream(true)
            .start();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(JCMD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("jcmd " + command + " did not finish");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + text);
    }
    return text;
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  private static String tail(Path file) {
    try {
      String text = read(file);
      return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** SIGTERM, so the store closes; SIGKILL if it does not exit in time. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
