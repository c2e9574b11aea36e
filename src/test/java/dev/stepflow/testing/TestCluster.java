package dev.stepflow.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Several packaged Stepflow nodes, each a separate OS process with its own data folder and effect
 * log, sharing one fresh database of the tests' PostgreSQL server and one tokens file (a token with
 * edit rights on every account, made by {@code stepflow token create}). {@link #close()} kills
 * every node still alive.
 */
public final class TestCluster implements AutoCloseable {
  private static final int START_TIMEOUT_SECONDS = 120;

  /** One node: its process, its id, its effect log, and a client that sends the token. */
  public record Node(String id, StepflowProcess process, Path effects, String token) {
    public ApiClient client() {
      return process.client().withToken(token);
    }
  }

  private final String jdbcUrl;
  private final List<Node> nodes;

  private TestCluster(String jdbcUrl, List<Node> nodes) {
    this.jdbcUrl = jdbcUrl;
    this.nodes = nodes;
  }

  /**
   * Starts {@code ids.size()} nodes at once in {@code work} (data folders, logs, tokens file), each
   * with {@code --node-id ID} and {@code options} besides the store, tokens and effect log.
   */
  public static TestCluster start(Path work, List<String> ids, List<String> options)
      throws IOException, InterruptedException {
    String url = TestPostgres.shared().createDatabase();
    Path tokens = work.resolve("tokens.json");
    StepflowProcess.CommandResult created =
        StepflowProcess.run(
            List.of(
                "token",
                "create",
                "--tokens",
                tokens.toString(),
                "--name",
                "cluster",
                "--permission",
                "edit",
                "--all-accounts"));
    if (created.exitCode() != 0) {
      throw new IllegalStateException("token create failed: " + created.stderr());
    }
    String token = created.stdout().strip();
    List<Node> nodes = new ArrayList<>();
    try (ExecutorService starting = Executors.newFixedThreadPool(ids.size())) {
      List<Future<Node>> futures = new ArrayList<>();
      for (String id : ids) {
        futures.add(starting.submit(() -> startNode(work, id, url, tokens, token, options)));
      }
      for (Future<Node> f : futures) {
        try {
          nodes.add(f.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (Exception e) {
          nodes.forEach(n -> n.process().close());
          futures.forEach(other -> other.cancel(true));
          throw new IllegalStateException("a cluster node did not start", e);
        }
      }
    }
    return new TestCluster(url, nodes);
  }

  private static Node startNode(
      Path work, String id, String url, Path tokens, String token, List<String> options)
      throws IOException {
    Path effects = work.resolve(id + ".effects.log");
    List<String> serve = new ArrayList<>();
    serve.addAll(TestPostgres.serveOptions(url));
    serve.addAll(
        List.of(
            "--tokens", tokens.toString(), "--node-id", id, "--effects-log", effects.toString()));
    serve.addAll(options);
    StepflowProcess process = StepflowProcess.start(work.resolve(id), work, id, serve);
    return new Node(id, process, effects, token);
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Node node(String id) {
    return nodes.stream()
        .filter(n -> n.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + id));
  }

  /** A connection to the cluster's database, to read what the nodes wrote. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, TestPostgres.USER, null);
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  @Override
  public void close() {
    nodes.forEach(n -> n.process().close());
  }
}
