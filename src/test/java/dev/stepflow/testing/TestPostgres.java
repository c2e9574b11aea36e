package dev.stepflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server of the machine's installation (Debian's {@code postgresql} package;
 * {@code scripts/test} finds or installs it and names it in {@code STEPFLOW_TEST_PG_BIN}), started
 * once per test JVM in a fresh cluster on a free port of 127.0.0.1, with fsync and
 * synchronous_commit on, so that what the tests assert about durability holds for a real server.
 * Each caller gets its own database ({@link #createDatabase}).
 *
 * <p>PostgreSQL refuses to run as root; a JVM running as root (CI) runs the server as the {@code
 * postgres} user the package created. The server is stopped when the JVM exits; a cluster left
 * running by a JVM that was killed is stopped and removed by the next start.
 */
public final class TestPostgres {
  /** The superuser the cluster is created with; connections use trust authentication. */
  public static final String USER = "stepflow";

  private static final Path BASE =
      Path.of(System.getProperty("java.io.tmpdir"), "stepflow-pg-test");
  private static final String SERVER_USER = "postgres";
  private static TestPostgres shared;

  private final Path bin;
  private final Path runDir;
  private final int port;
  private final AtomicInteger databases = new AtomicInteger();

  private TestPostgres(Path bin, Path runDir, int port) {
    this.bin = bin;
    this.runDir = runDir;
    this.port = port;
  }

  /** The server of this JVM, started on first use. */
  public static synchronized TestPostgres shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "stop-test-postgres"));
    }
    return shared;
  }

  /**
   * A server of its own (a fresh cluster on its own port), for a test that stops and starts it
   * ({@link #stopServer}, {@link #startServerAgain}) without disturbing the tests that share {@link
   * #shared()}. The caller ends it with {@link #discard}; a JVM that dies first leaves it to the
   * next start, which stops and removes it.
   */
  public static TestPostgres dedicated() {
    return start();
  }

  /**
   * Stops the server at once, as an outage would: open connections are cut ({@code pg_ctl stop -m
   * fast}); the data stays for {@link #startServerAgain}.
   */
  public void stopServer() {
    run("pg_ctl", "-D", data(), "-m", "fast", "-w", "stop");
  }

  /**
   * Starts the server stopped by {@link #stopServer} again, on the same port with the same data.
   */
  public void startServerAgain() {
    startServer();
  }

  /** Stops a {@link #dedicated()} server and removes its files. */
  public void discard() {
    stop();
  }

  /** The {@code serve} options of a server on {@code url}, a database of this server. */
  public static List<String> serveOptions(String url) {
    return List.of("--store", "postgres", "--db-url", url, "--db-user", USER);
  }

  /** A new, empty database on the server; returns its JDBC URL. */
  public String createDatabase() {
    String name = "t" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"), USER, null);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create test database " + name, e);
    }
    return url(name);
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private static TestPostgres start() {
    Path bin = binaries();
    try {
      Files.createDirectories(BASE);
      stopAbandonedClusters(bin);
      Path runDir = Files.createTempDirectory(BASE, "run-");
      Files.writeString(runDir.resolve("owner.pid"), Long.toString(ProcessHandle.current().pid()));
      if (asRoot()) {
        UserPrincipal owner =
            runDir
                .getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName(SERVER_USER);
        Files.setOwner(runDir, owner);
      }
      new TestPostgres(bin, runDir, 0)
          .run("initdb", "-D", data(runDir), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C");
      // the machine is shared: a free port can be taken before the server binds it, so try again
      for (int attempt = 1; ; attempt++) {
        TestPostgres server = new TestPostgres(bin, runDir, freePort());
        try {
          server.startServer();
          return server;
        } catch (IllegalStateException e) {
          if (attempt == 3) {
            throw e;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startServer() {
    run(
        "pg_ctl",
        "-D",
        data(),
        "-l",
        runDir.resolve("server.log").toString(),
        "-w",
        "-t",
        "60",
        "-o",
        String.join(
            " ",
            "-p " + port,
            "-k " + runDir,
            "-c listen_addresses=127.0.0.1",
            "-c fsync=on",
            "-c synchronous_commit=on",
            "-c max_connections=200",
            // diagnostics (the engine benchmark's statement profile): opt-in, off for the tests
            Boolean.getBoolean("stepflow.pg.statements")
                ? "-c shared_preload_libraries=pg_stat_statements"
                : ""),
        "start");
  }

  private String data() {
    return data(runDir);
  }

  private static String data(Path runDir) {
    return runDir.resolve("data").toString();
  }

  private void stop() {
    try {
      run("pg_ctl", "-D", data(), "-m", "fast", "-w", "stop");
      deleteTree(runDir);
    } catch (RuntimeException | IOException e) {
      System.err.println("Stopping the test PostgreSQL in " + runDir + " failed: " + e);
    }
  }

  /**
   * Clusters whose owning JVM is gone (killed before its shutdown hook ran), and the halves of
   * clusters whose JVM died while creating them. The server of such a cluster may be gone too (a
   * machine restart leaves a stale {@code postmaster.pid}); then there is nothing to stop, and a
   * leftover must never keep this JVM's server from starting.
   */
  private static void stopAbandonedClusters(Path bin) throws IOException {
    List<Path> runs;
    try (Stream<Path> children = Files.list(BASE)) {
      runs = children.filter(Files::isDirectory).toList();
    }
    for (Path run : runs) {
      if (!abandoned(run)) {
        continue;
      }
      if (Files.exists(run.resolve("data/postmaster.pid"))) {
        try {
          new TestPostgres(bin, run, 0)
              .run("pg_ctl", "-D", run + "/data", "-m", "immediate", "stop");
        } catch (IllegalStateException e) {
          System.err.println("The abandoned test PostgreSQL in " + run + " was not running: " + e);
        }
      }
      deleteTree(run);
    }
  }

  /**
   * Whether no live JVM owns {@code run}: its owner is gone, or it has had no owner for a minute (a
   * JVM writes owner.pid right after creating the directory).
   */
  private static boolean abandoned(Path run) throws IOException {
    Path ownerFile = run.resolve("owner.pid");
    if (Files.exists(ownerFile)) {
      long owner = Long.parseLong(Files.readString(ownerFile).trim());
      // a machine restored from a snapshot may give the owner's pid to another program
      return ProcessHandle.of(owner)
          .flatMap(process -> process.info().command())
          .filter(command -> command.endsWith("java"))
          .isEmpty();
    }
    return Files.getLastModifiedTime(run).toInstant().isBefore(Instant.now().minusSeconds(60));
  }

  /** Runs a PostgreSQL program, as the server user when this JVM is root; fails on exit != 0. */
  private void run(String program, String... args) {
    List<String> command = new ArrayList<>();
    if (asRoot()) {
      command.addAll(List.of("runuser", "-u", SERVER_USER, "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command).directory(runDir.toFile()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " failed:\n"
                + new String(output, StandardCharsets.UTF_8)
                + serverLog());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + program, e);
    }
  }

  private String serverLog() throws IOException {
    Path log = runDir.resolve("server.log");
    return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
  }

  /**
   * The directory of initdb and pg_ctl: STEPFLOW_TEST_PG_BIN, else the newest Debian installation
   * under /usr/lib/postgresql, else the PATH.
   */
  private static Path binaries() {
    String configured = System.getenv("STEPFLOW_TEST_PG_BIN");
    if (configured != null) {
      return Path.of(configured);
    }
    Optional<Path> debian = Optional.empty();
    Path installs = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(installs)) {
      try (Stream<Path> versions = Files.list(installs)) {
        debian =
            versions
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("initdb")))
                .max(Comparator.comparingInt(TestPostgres::majorVersion));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return debian
        .or(TestPostgres::onPath)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "The PostgreSQL tests need a PostgreSQL server installation (initdb, pg_ctl)"
                        + " and found none: run the tests with scripts/test, which installs one"
                        + " where it can and otherwise says what to run, or set STEPFLOW_TEST_PG_BIN"
                        + " to its bin directory."));
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Optional<Path> onPath() {
    String path = System.getenv("PATH");
    return path == null
        ? Optional.empty()
        : Stream.of(path.split(":"))
            .map(Path::of)
            .filter(dir -> Files.isExecutable(dir.resolve("initdb")))
            .findFirst();
  }

  private static boolean asRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
