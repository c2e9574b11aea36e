package dev.stepflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.StepflowProcess;
import dev.stepflow.web.RawConnection.Answer;
import dev.stepflow.web.RawConnection.Ending;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients against the packaged server, over raw sockets: slowloris headers, held and
 * trickled bodies, connections past the limit, broken framing, {@code Expect: 100-continue} that
 * must be refused, clients that leave mid-body, and HEAD. Every answer the front gives on its own
 * must be a 4xx in the v4 envelope, the deadlines must hold, and none of it may put an ERROR or a
 * stack trace in the server's log.
 */
class HostileClientIT {
  private static final String WORKFLOWS = "/client/v4/accounts/hostile/workflows";
  private static final String BODY = "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}";
  private static final long HEADER_TIMEOUT_MILLIS = 3_000;
  private static final long BODY_TIMEOUT_MILLIS = 3_000;

  /**
   * Slack over the header deadline: the deadline's scan runs every fifth of the timeout (0.6 s), so
   * a connection is seen mid-headers up to one period late and closed up to one period after its
   * deadline; the rest is scheduling on a loaded machine.
   */
  private static final long HEADER_SLACK_MILLIS = 2_500;

  /** Slack over the body deadline: a timer per request, so only scheduling. */
  private static final long BODY_SLACK_MILLIS = 1_500;

  @TempDir static Path dir;
  private static StepflowProcess server;
  private static ServerLog log;
  private static int port;
  private static String token;

  @BeforeAll
  static void start() throws IOException {
    server =
        StepflowProcess.start(
            dir.resolve("data"),
            dir,
            "hostile",
            List.of(
                "--header-timeout",
                Long.toString(HEADER_TIMEOUT_MILLIS / 1000),
                "--body-timeout",
                Long.toString(BODY_TIMEOUT_MILLIS / 1000)));
    port = URI.create(server.origin()).getPort();
    token = ApiClient.devToken(dir.resolve("data"));
    log = new ServerLog(server.stderrFile());
    assertThat(server.client().put(WORKFLOWS + "/existing", BODY).status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String auth() {
    return "Authorization: Bearer " + token;
  }

  // ---------------------------------------------------------------------------------------------
  // a. slowloris

  private static final int SLOWLORIS = 200;

  /**
   * The slowloris connections start this far apart, over the first second, as a crowd of attackers
   * would rather than all in the same millisecond; each then sends a byte a second.
   */
  private static final long SLOWLORIS_STAGGER_MILLIS = 5;

  private static final int WARM_UP_GETS = 500;
  private static final Duration BASELINE = Duration.ofMillis(1_500);
  private static final int MAX_GETS = 5_000;
  private static final Duration LOAD_BUDGET = Duration.ofSeconds(15);
  private static final long P99_BOUND_MILLIS = 50;

  /** One slowloris connection: when and how it ended, measured from its first byte. */
  private record Slowloris(boolean closed, long closedAfterMillis, int bytesSent, Answer answer) {}

  /** Normal requests: each one's latency and when it started, from the measurement's start. */
  private record Latencies(List<Long> nanos, List<Long> startedAt) {
    Latencies() {
      this(new ArrayList<>(), new ArrayList<>());
    }

    long percentile(int p) {
      List<Long> sorted = nanos.stream().sorted().toList();
      int index = (int) Math.ceil(sorted.size() * p / 100.0) - 1;
      return sorted.get(Math.clamp(index, 0, sorted.size() - 1));
    }

    String describe() {
      List<String> slowest =
          IntStream.range(0, nanos.size())
              .boxed()
              .sorted((a, b) -> Long.compare(nanos.get(b), nanos.get(a)))
              .limit(5)
              .map(
                  i ->
                      String.format(
                          "%.1f ms at +%d ms",
                          millis(nanos.get(i)), TimeUnit.NANOSECONDS.toMillis(startedAt.get(i))))
              .toList();
      return String.format(
          "%d requests, p50 %.2f ms, p99 %.2f ms, max %.1f ms; slowest: %s",
          nanos.size(),
          millis(percentile(50)),
          millis(percentile(99)),
          millis(percentile(100)),
          slowest);
    }
  }

  @Test
  void slowlorisConnectionsAreClosedWithinTheHeaderDeadlineWhileOthersStayFast() throws Exception {
    long mark = log.mark();
    try (RawConnection normal = RawConnection.open(port, Duration.ofSeconds(10))) {
      // the JIT and the connection warm up first: the criterion is the slowloris' effect
      for (int i = 0; i < WARM_UP_GETS; i++) {
        normalGet(normal, new Latencies(), System.nanoTime());
      }
      Latencies baseline = new Latencies();
      long baselineStart = System.nanoTime();
      while (System.nanoTime() - baselineStart < BASELINE.toNanos()) {
        normalGet(normal, baseline, baselineStart);
      }
      System.out.println(
          "HostileClientIT normal GETs before the slowloris (baseline): " + baseline.describe());

      Latencies during = new Latencies();
      List<Slowloris> slow = new ArrayList<>();
      long begin = System.nanoTime();
      long hardStop = begin + LOAD_BUDGET.toNanos();
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<Slowloris>> running =
            IntStream.range(0, SLOWLORIS)
                .mapToObj(
                    i ->
                        threads.submit(
                            () -> {
                              Thread.sleep(i * SLOWLORIS_STAGGER_MILLIS);
                              return slowloris(hardStop);
                            }))
                .toList();
        // a normal client meanwhile, until every slowloris connection has ended (bounded)
        while (during.nanos().size() < MAX_GETS
            && System.nanoTime() < hardStop
            && !running.stream().allMatch(Future::isDone)) {
          normalGet(normal, during, begin);
        }
        for (Future<Slowloris> connection : running) {
          slow.add(connection.get(LOAD_BUDGET.toSeconds() + 10, TimeUnit.SECONDS));
        }
      }

      List<Long> closeTimes =
          slow.stream()
              .filter(Slowloris::closed)
              .map(Slowloris::closedAfterMillis)
              .sorted()
              .toList();
      long answered408 =
          slow.stream().filter(s -> s.answer().answered() && s.answer().status() == 408).count();
      System.out.printf(
          "HostileClientIT slowloris: %d of %d connections closed, %d of them after a 408"
              + " envelope, the others at EOF; closed after their first byte: min %d ms, p50 %d ms,"
              + " max %d ms (bound %d ms); bytes sent per connection: at most %d%n",
          closeTimes.size(),
          SLOWLORIS,
          answered408,
          closeTimes.isEmpty() ? -1 : closeTimes.getFirst(),
          closeTimes.isEmpty() ? -1 : closeTimes.get(closeTimes.size() / 2),
          closeTimes.isEmpty() ? -1 : closeTimes.getLast(),
          HEADER_TIMEOUT_MILLIS + HEADER_SLACK_MILLIS,
          slow.stream().mapToInt(Slowloris::bytesSent).max().orElse(0));
      System.out.println("HostileClientIT normal GETs during the slowloris: " + during.describe());

      assertThat(slow)
          .as("every slowloris connection is closed by the server")
          .allMatch(Slowloris::closed);
      assertThat(closeTimes)
          .as("closed within the header timeout plus slack after the first byte")
          .allMatch(t -> t <= HEADER_TIMEOUT_MILLIS + HEADER_SLACK_MILLIS);
      for (Slowloris s : slow) {
        if (s.answer().answered()) {
          assertThat(s.answer().status()).isEqualTo(408);
          assertThat(s.answer().envelopeProblem()).isNull();
        } else {
          assertThat(s.answer().ending()).isIn(Ending.CLOSED, Ending.RESET);
        }
      }
      assertThat(during.nanos().size()).as("normal requests measured").isGreaterThanOrEqualTo(200);
      assertThat(millis(during.percentile(99))).isLessThan(P99_BOUND_MILLIS);
    }
    assertThat(ServerLog.errorsAndStackTraces(log.since(mark))).isEmpty();
  }

  /**
   * One authenticated GET of the workflow list on a kept-alive connection, timed from the first
   * byte sent to the last byte of the answer, then a 2 ms pause.
   */
  private static void normalGet(RawConnection connection, Latencies into, long origin)
      throws InterruptedException {
    String get = "GET " + WORKFLOWS + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth() + "\r\n\r\n";
    long started = System.nanoTime();
    assertThat(connection.send(get)).isTrue();
    Answer answer = connection.read(false);
    into.nanos().add(System.nanoTime() - started);
    into.startedAt().add(started - origin);
    assertThat(answer.status()).as("a normal GET").isEqualTo(200);
    Thread.sleep(2);
  }

  /**
   * Sends a request head one byte a second, never ending it, until the server answers or closes (or
   * {@code hardStop}).
   */
  private static Slowloris slowloris(long hardStop) throws IOException {
    byte[] script =
        RawConnection.bytes(
            "GET " + WORKFLOWS + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "z".repeat(60));
    try (RawConnection connection = RawConnection.open(port, Duration.ofSeconds(1))) {
      long first = System.nanoTime();
      int sent = 0;
      while (System.nanoTime() < hardStop && sent < script.length) {
        if (!connection.send(new byte[] {script[sent]})) {
          return new Slowloris(true, since(first), sent, Answer.none(Ending.RESET));
        }
        sent++;
        int next = connection.peek();
        if (next == RawConnection.END || next == RawConnection.RESET) {
          Ending ending = next == RawConnection.END ? Ending.CLOSED : Ending.RESET;
          return new Slowloris(true, since(first), sent, Answer.none(ending));
        }
        if (next >= 0) {
          connection.readTimeout(Duration.ofSeconds(5));
          Answer answer = connection.read(false);
          int after = connection.peek();
          boolean closed = after == RawConnection.END || after == RawConnection.RESET;
          return new Slowloris(closed, since(first), sent, answer);
        }
      }
      return new Slowloris(false, since(first), sent, Answer.none(Ending.TIMED_OUT));
    }
  }

  private static long since(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  // ---------------------------------------------------------------------------------------------
  // b. held and trickled bodies

  private record BodyOutcome(String name, long afterMillis, int bodyBytesSent, Answer answer) {}

  @Test
  void aHeldOrTrickledBodyIsAnswered408WithinTheBodyDeadline() throws Exception {
    long mark = log.mark();
    List<BodyOutcome> outcomes = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<BodyOutcome> held = threads.submit(HostileClientIT::heldBody);
      Future<BodyOutcome> trickled = threads.submit(HostileClientIT::trickledBody);
      outcomes.add(held.get(30, TimeUnit.SECONDS));
      outcomes.add(trickled.get(30, TimeUnit.SECONDS));
    }
    for (BodyOutcome outcome : outcomes) {
      System.out.printf(
          "HostileClientIT %s body: %s after %d ms, %d of 100 body bytes sent%n",
          outcome.name(),
          outcome.answer().answered() ? outcome.answer().status() : outcome.answer().ending(),
          outcome.afterMillis(),
          outcome.bodyBytesSent());
      assertThat(outcome.afterMillis())
          .as(outcome.name() + ": ended within the body timeout plus slack")
          .isLessThanOrEqualTo(BODY_TIMEOUT_MILLIS + BODY_SLACK_MILLIS);
      assertThat(outcome.bodyBytesSent()).isLessThan(100);
      if (outcome.answer().answered()) {
        assertThat(outcome.answer().status()).as(outcome.name()).isEqualTo(408);
        assertThat(outcome.answer().envelopeProblem()).as(outcome.name()).isNull();
      } else {
        assertThat(outcome.answer().ending()).as(outcome.name()).isIn(Ending.CLOSED, Ending.RESET);
      }
    }
    assertThat(ServerLog.errorsAndStackTraces(log.settledSince(mark))).isEmpty();
  }

  private static String bodyHead(String name, long length) {
    return "PUT "
        + WORKFLOWS
        + "/"
        + name
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + auth()
        + "\r\nContent-Type: application/json\r\nContent-Length: "
        + length
        + "\r\n\r\n";
  }

  /** Content-Length 100, 10 bytes of it, then silence. */
  private static BodyOutcome heldBody() throws IOException {
    try (RawConnection connection =
        RawConnection.open(
            port, Duration.ofMillis(BODY_TIMEOUT_MILLIS + BODY_SLACK_MILLIS + 2_000))) {
      long started = System.nanoTime();
      assertThat(connection.send(bodyHead("held", 100) + BODY.substring(0, 10))).isTrue();
      Answer answer = connection.read(false);
      return new BodyOutcome("held", since(started), 10, answer);
    }
  }

  /** Content-Length 100, one byte every half second. */
  private static BodyOutcome trickledBody() throws IOException {
    try (RawConnection connection = RawConnection.open(port, Duration.ofMillis(500))) {
      assertThat(connection.send(bodyHead("trickled", 100))).isTrue();
      long started = System.nanoTime();
      byte[] body = RawConnection.bytes("{" + " ".repeat(99));
      int sent = 0;
      while (sent < body.length && since(started) < 20_000) {
        if (!connection.send(new byte[] {body[sent]})) {
          return new BodyOutcome("trickled", since(started), sent, Answer.none(Ending.RESET));
        }
        sent++;
        int next = connection.peek();
        if (next == RawConnection.END || next == RawConnection.RESET) {
          Ending ending = next == RawConnection.END ? Ending.CLOSED : Ending.RESET;
          return new BodyOutcome("trickled", since(started), sent, Answer.none(ending));
        }
        if (next >= 0) {
          long answeredAfter = since(started);
          connection.readTimeout(Duration.ofSeconds(5));
          return new BodyOutcome("trickled", answeredAfter, sent, connection.read(false));
        }
      }
      return new BodyOutcome("trickled", since(started), sent, Answer.none(Ending.TIMED_OUT));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // c. connection limit

  private static final int CONNECTION_LIMIT = 20;

  @Test
  void pastTheConnectionLimitANewConnectionWaitsUntilAServedOneCloses(@TempDir Path own)
      throws Exception {
    try (StepflowProcess limited =
        StepflowProcess.start(
            own.resolve("data"),
            own,
            "limited",
            List.of("--max-connections", Integer.toString(CONNECTION_LIMIT)))) {
      int limitedPort = URI.create(limited.origin()).getPort();
      String limitedToken = ApiClient.devToken(own.resolve("data"));
      String get =
          "GET "
              + WORKFLOWS
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + limitedToken
              + "\r\n\r\n";
      List<RawConnection> held = new ArrayList<>();
      RawConnection extra = null;
      try {
        for (int i = 0; i < CONNECTION_LIMIT; i++) {
          held.add(RawConnection.open(limitedPort, Duration.ofSeconds(5)));
        }
        // all open and idle; each can still be used
        for (RawConnection connection : held) {
          assertThat(connection.send(get)).isTrue();
          assertThat(connection.read(false).status()).isEqualTo(200);
        }
        // the kernel completes the handshake (backlog), but the server does not take it
        extra = RawConnection.open(limitedPort, Duration.ofSeconds(2));
        assertThat(extra.send(get)).isTrue();
        Answer waiting = extra.read(false);
        assertThat(waiting.ending()).as("no answer past the limit").isEqualTo(Ending.TIMED_OUT);

        held.removeFirst().close();
        long closed = System.nanoTime();
        extra.readTimeout(Duration.ofSeconds(10));
        Answer served = extra.read(false);
        long waited = since(closed);
        assertThat(served.status()).as("answered once a connection closed").isEqualTo(200);
        System.out.printf(
            "HostileClientIT connection limit %d: the extra connection got no answer for 2 s"
                + " while %d were open, and was answered %d ms after one closed%n",
            CONNECTION_LIMIT, CONNECTION_LIMIT, waited);
        // the connections already served were not disturbed
        for (RawConnection connection : held) {
          assertThat(connection.send(get)).isTrue();
          assertThat(connection.read(false).status()).isEqualTo(200);
        }
      } finally {
        held.forEach(RawConnection::close);
        if (extra != null) {
          extra.close();
        }
      }
      assertThat(ServerLog.errorsAndStackTraces(new ServerLog(limited.stderrFile()).since(0)))
          .isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // d. malformed framing

  /** A request that breaks HTTP framing; {@code status} 0 for any 4xx. */
  private record Malformed(String name, byte[] bytes, boolean closeWrite, int status) {
    Malformed(String name, String text, int status) {
      this(name, RawConnection.bytes(text), false, status);
    }
  }

  private static List<Malformed> malformed() {
    String host = "Host: 127.0.0.1\r\n";
    String put = "PUT " + WORKFLOWS + "/framing HTTP/1.1\r\n" + host + auth() + "\r\n";
    String json = "Content-Type: application/json\r\n";
    String get = "GET " + WORKFLOWS + " HTTP/1.1\r\n" + host + auth() + "\r\n";
    String chunk = Integer.toHexString(BODY.length()) + "\r\n" + BODY + "\r\n0\r\n\r\n";
    String tooMany =
        IntStream.range(0, 101).mapToObj(i -> "X-Many-" + i + ": v\r\n").reduce("", String::concat);
    return List.of(
        new Malformed("request line of one word", "GARBAGE\r\n\r\n", 0),
        new Malformed("request line of four words", "THIS IS NOT HTTP\r\n" + host + "\r\n", 0),
        new Malformed("unknown HTTP version", "GET /healthz HTTP/9.9\r\n" + host + "\r\n", 0),
        new Malformed(
            "Content-Length 2^31", put + json + "Content-Length: 2147483648\r\n\r\n", 413),
        new Malformed(
            "Content-Length 2^63+1",
            put + json + "Content-Length: 9223372036854775809\r\n\r\n" + BODY,
            0),
        new Malformed(
            "Content-Length not a number", put + json + "Content-Length: abc\r\n\r\n" + BODY, 0),
        new Malformed("Content-Length negative", put + json + "Content-Length: -1\r\n\r\n", 0),
        new Malformed(
            "two different Content-Lengths",
            put
                + json
                + "Content-Length: "
                + BODY.length()
                + "\r\nContent-Length: "
                + (BODY.length() + 1)
                + "\r\n\r\n"
                + BODY
                + " ",
            0),
        new Malformed(
            "Content-Length with chunked",
            put
                + json
                + "Content-Length: "
                + BODY.length()
                + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk,
            0),
        new Malformed(
            "invalid chunk size",
            put + json + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + BODY + "\r\n0\r\n\r\n",
            0),
        new Malformed(
            "truncated chunked body, then close-write",
            RawConnection.bytes(
                put + json + "Transfer-Encoding: chunked\r\n\r\n" + chunk.substring(0, 20)),
            true,
            0),
        new Malformed(
            "chunked body cut after a chunk's CR, then close-write",
            RawConnection.bytes(
                put
                    + json
                    + "Transfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(BODY.length())
                    + "\r\n"
                    + BODY
                    + "\r"),
            true,
            0),
        new Malformed(
            "unsupported Transfer-Encoding",
            put + json + "Transfer-Encoding: gzip\r\n\r\n" + BODY,
            0),
        new Malformed(
            "unsupported coding before chunked",
            put + json + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunk,
            0),
        new Malformed(
            "unsupported coding in a second Transfer-Encoding field",
            put
                + json
                + "Transfer-Encoding: x-custom\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk,
            0),
        new Malformed(
            "bad percent-encoding in the path",
            "GET " + WORKFLOWS + "/%zz HTTP/1.1\r\n" + host + auth() + "\r\n\r\n",
            0),
        new Malformed("NUL in the request line", "GET /healthz\0 HTTP/1.1\r\n" + host + "\r\n", 0),
        new Malformed("header line without a colon", get + "NoColonHere\r\n\r\n", 0),
        new Malformed("space before the colon", get + "X-Spaced : value\r\n\r\n", 0),
        new Malformed("more than 100 headers", get + tooMany + "\r\n", 431),
        new Malformed(
            "headers over 16 KiB", get + "X-Big: " + "a".repeat(17_000) + "\r\n\r\n", 431),
        new Malformed(
            "headers over the parser's 64 KiB",
            get + "X-Big: " + "a".repeat(70_000) + "\r\n\r\n",
            431),
        new Malformed("obs-fold", get + "X-Folded: first\r\n second\r\n\r\n", 0),
        new Malformed("two Host headers", get + "Host: other.example\r\n\r\n", 0));
  }

  @Test
  void malformedFramingIsAnswered4xxInTheEnvelopeAndLogsNothing() throws Exception {
    long mark = log.mark();
    List<String> problems = new ArrayList<>();
    for (Malformed request : malformed()) {
      Answer answer;
      try (RawConnection connection = RawConnection.open(port, Duration.ofSeconds(8))) {
        connection.send(request.bytes());
        if (request.closeWrite()) {
          connection.closeWrite();
        }
        answer = connection.readFinal(false);
      }
      System.out.printf("HostileClientIT malformed: %-55s -> %s%n", request.name(), answer);
      String problem = answer.envelopeProblem();
      if (problem == null && request.status() != 0 && answer.status() != request.status()) {
        problem = "status " + answer.status() + ", expected " + request.status();
      }
      if (problem != null) {
        problems.add(request.name() + ": " + problem);
      }
    }
    assertThat(problems).isEmpty();
    List<String> lines = log.settledSince(mark);
    assertThat(ServerLog.errorsAndStackTraces(lines)).isEmpty();
    assertThat(ServerLog.warnings(lines)).as("a client's mistakes are no warnings").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // e. Expect: 100-continue

  @Test
  void expectContinueIsRefusedBeforeAnyContinue() throws Exception {
    long mark = log.mark();
    String expect = "Expect: 100-continue\r\n";
    String json = "Content-Type: application/json\r\n";
    String put = "PUT " + WORKFLOWS + "/expecting HTTP/1.1\r\nHost: 127.0.0.1\r\n";

    try (RawConnection connection = RawConnection.open(port, Duration.ofSeconds(5))) {
      connection.send(put + json + expect + "Content-Length: " + BODY.length() + "\r\n\r\n");
      Answer first = connection.read(false);
      assertThat(first.statusLine()).as("no token: the first answer").startsWith("HTTP/1.1 401 ");
      assertThat(first.envelopeProblem()).isNull();
    }
    try (RawConnection connection = RawConnection.open(port, Duration.ofSeconds(5))) {
      connection.send(put + auth() + "\r\n" + json + expect + "Content-Length: 5000000\r\n\r\n");
      Answer first = connection.read(false);
      assertThat(first.statusLine())
          .as("5 MB declared: the first answer")
          .startsWith("HTTP/1.1 413 ");
      assertThat(first.envelopeProblem()).isNull();
    }
    try (RawConnection connection = RawConnection.open(port, Duration.ofSeconds(5))) {
      connection.send(
          put + auth() + "\r\n" + json + expect + "Content-Length: " + BODY.length() + "\r\n\r\n");
      Answer interim = connection.read(false);
      assertThat(interim.statusLine()).isEqualTo("HTTP/1.1 100 Continue");
      connection.send(BODY);
      Answer last = connection.read(false);
      assertThat(last.status()).isEqualTo(200);
      assertThat(last.bodyText()).contains("\"success\":true");
    }
    assertThat(ServerLog.errorsAndStackTraces(log.settledSince(mark))).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // f. clients that leave mid-body

  /** What a leaving client does: the request it starts, and how it leaves. */
  private record Leaving(String name, String start, boolean awaitContinue, boolean reset) {}

  @Test
  void aClientLeavingMidBodyLeavesNoErrorInTheLog() throws Exception {
    long mark = log.mark();
    String half = BODY.substring(0, 20);
    String json = "Content-Type: application/json\r\n";
    String put = "PUT " + WORKFLOWS + "/leaving HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    String withToken = put + auth() + "\r\n" + json;
    List<Leaving> clients =
        List.of(
            new Leaving(
                "half a body, close",
                withToken + "Content-Length: 100\r\n\r\n" + half,
                false,
                false),
            new Leaving(
                "half a body, reset",
                withToken + "Content-Length: 100\r\n\r\n" + half,
                false,
                true),
            new Leaving(
                "half a chunk, reset",
                withToken + "Transfer-Encoding: chunked\r\n\r\n64\r\n" + half,
                false,
                true),
            new Leaving(
                "half a body after 100 Continue, reset",
                withToken + "Expect: 100-continue\r\nContent-Length: 100\r\n\r\n",
                true,
                true),
            new Leaving(
                "half a body without a token, reset",
                put + json + "Content-Length: 100\r\n\r\n" + half,
                false,
                true),
            new Leaving(
                "half a body to an instance, reset",
                "POST "
                    + WORKFLOWS
                    + "/existing/instances HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + auth()
                    + "\r\n"
                    + json
                    + "Content-Length: 100\r\n\r\n"
                    + half,
                false,
                true),
            new Leaving(
                "a whole GET, reset before the answer",
                "GET " + WORKFLOWS + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth() + "\r\n\r\n",
                false,
                true));
    for (Leaving client : clients) {
      try (RawConnection connection = RawConnection.open(port, Duration.ofSeconds(5))) {
        assertThat(connection.send(client.start())).isTrue();
        if (client.awaitContinue()) {
          assertThat(connection.read(false).status()).isEqualTo(100);
          connection.send(half);
        }
        // the server is reading the body (or writing the answer) when the client goes
        Thread.sleep(300);
        if (client.reset()) {
          connection.reset();
        }
      }
    }
    ApiClient api = server.client();
    assertThat(api.get("/healthz").status()).isEqualTo(200);
    assertThat(api.get(WORKFLOWS).status()).isEqualTo(200);
    List<String> lines = log.settledSince(mark);
    assertThat(ServerLog.errorsAndStackTraces(lines))
        .as("clients leaving: %s", clients.stream().map(Leaving::name).toList())
        .isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // g. HEAD

  @Test
  void headOfTheApiAndOfHealthzIs200WithoutAWarning() throws Exception {
    long mark = log.mark();
    for (String head :
        List.of(
            "HEAD " + WORKFLOWS + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth() + "\r\n",
            "HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")) {
      try (RawConnection connection = RawConnection.open(port, Duration.ofSeconds(5))) {
        connection.send(head + "Connection: close\r\n\r\n");
        Answer answer = connection.read(true);
        assertThat(answer.status()).as(head).isEqualTo(200);
        assertThat(new String(connection.drain(), StandardCharsets.ISO_8859_1))
            .as("no body after a HEAD answer")
            .isEmpty();
      }
    }
    List<String> lines = log.settledSince(mark);
    assertThat(ServerLog.warnings(lines)).isEmpty();
    assertThat(ServerLog.errorsAndStackTraces(lines)).isEmpty();
  }
}
