package dev.stepflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.StepflowProcess;
import dev.stepflow.web.FramingGenerator.Framed;
import dev.stepflow.web.RawConnection.Answer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2,000 requests that break HTTP/1.1 framing ({@link FramingGenerator}), each on a fresh raw socket
 * to the packaged server, from a seeded random source (the seed is printed; {@code -Dfuzz.seed=N}
 * replays a run). No answer may be a 5xx or HTML: every answer that arrives must be a 4xx in the v4
 * envelope. The server's log must hold no ERROR and no stack trace afterwards, and the server must
 * still serve.
 *
 * <p>A connection may end without an answer only when the request was cut inside its head and the
 * client then closed its sending side: no request exists to answer (HTTP lets a server close
 * without a response on an incomplete request, RFC 9112 section 8), and Jetty closes. These are
 * counted apart, must all be of that kind, and stay below a bound.
 */
class FramingFuzzIT {
  private static final int REQUESTS = 2_000;
  private static final int THREADS = 8;
  private static final Duration BUDGET = Duration.ofSeconds(90);
  private static final String WORKFLOWS = "/client/v4/accounts/fuzz/workflows";

  /** Past the server's header and body timeouts (2 s), with room for a loaded machine. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(8);

  /** The generator cuts about 4 % of requests, about half of them in the head. */
  private static final int MAX_WITHOUT_ANSWER = REQUESTS / 20;

  @TempDir static Path dir;

  @Test
  void requestsThatBreakFramingGetOnlyA4xxEnvelopeOrNoAnswerWhenCutInTheHead() throws Exception {
    long seed = Long.getLong("fuzz.seed", new Random().nextLong());
    System.out.println("FramingFuzzIT seed " + seed + " (replay: -Dfuzz.seed=" + seed + ")");
    try (StepflowProcess server =
        StepflowProcess.start(
            dir.resolve("data"),
            dir,
            "framing",
            List.of("--header-timeout", "2", "--body-timeout", "2"))) {
      int port = URI.create(server.origin()).getPort();
      String token = ApiClient.devToken(dir.resolve("data"));
      ApiClient api = server.client();
      assertThat(
              api.put(WORKFLOWS + "/fz", "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}")
                  .status())
          .isEqualTo(200);

      FramingGenerator generator = new FramingGenerator(new Random(seed), token, WORKFLOWS);
      List<Framed> requests = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        requests.add(generator.next(i));
      }

      Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
      List<String> failures = Collections.synchronizedList(new ArrayList<>());
      List<String> withoutAnswer = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger next = new AtomicInteger();
      long started = System.nanoTime();
      long deadline = started + BUDGET.toNanos();
      try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          workers.add(
              pool.submit(
                  () -> {
                    for (int i = next.getAndIncrement();
                        i < REQUESTS && System.nanoTime() < deadline;
                        i = next.getAndIncrement()) {
                      Framed request = requests.get(i);
                      Answer answer = exchange(port, request);
                      String outcome = judge(request, answer, failures, withoutAnswer);
                      outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                  }));
        }
        for (Future<?> worker : workers) {
          worker.get(BUDGET.toSeconds() + 30, TimeUnit.SECONDS);
        }
      }
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      int total = outcomes.values().stream().mapToInt(AtomicInteger::get).sum();
      System.out.printf(
          "FramingFuzzIT %d requests in %d ms; outcomes: %s%n",
          total, took, new TreeMap<>(outcomes));
      withoutAnswer.stream()
          .limit(10)
          .forEach(line -> System.out.println("FramingFuzzIT closed without answer: " + line));
      failures.stream()
          .limit(20)
          .forEach(
              f ->
                  System.out.println(
                      "FramingFuzzIT FAILED " + f.substring(0, Math.min(f.length(), 700))));

      assertThat(total).as("requests sent within the budget").isEqualTo(REQUESTS);
      assertThat(failures).as("answers that are not a 4xx envelope").isEmpty();
      assertThat(withoutAnswer.size())
          .as("connections closed without an answer (requests cut in their head)")
          .isLessThanOrEqualTo(MAX_WITHOUT_ANSWER);

      // still serving, and nothing of it in the log as an ERROR or a stack trace
      assertThat(api.get("/healthz").status()).isEqualTo(200);
      assertThat(api.get(WORKFLOWS).status()).isEqualTo(200);
      ServerLog log = new ServerLog(server.stderrFile());
      List<String> lines = log.settledSince(0);
      System.out.println(
          "FramingFuzzIT server log: "
              + lines.size()
              + " lines, "
              + ServerLog.warnings(lines).size()
              + " WARN");
      assertThat(ServerLog.errorsAndStackTraces(lines)).isEmpty();
    }
  }

  private static Answer exchange(int port, Framed request) throws Exception {
    try (RawConnection connection = RawConnection.open(port, READ_TIMEOUT)) {
      for (byte[] piece : request.pieces()) {
        if (!connection.send(piece)) {
          // the server answered and closed already (a head past its limits): read what it said
          break;
        }
        if (request.pieces().size() > 1) {
          Thread.sleep(1);
        }
      }
      if (request.closeWrite()) {
        connection.closeWrite();
      }
      return connection.readFinal(false);
    }
  }

  /** The outcome's name for the counts; a failure or a close without answer is also listed. */
  private static String judge(
      Framed request, Answer answer, List<String> failures, List<String> withoutAnswer) {
    switch (answer.ending()) {
      case ANSWERED -> {
        String problem = answer.envelopeProblem();
        if (problem != null) {
          failures.add(problem + ": " + answer + " for " + request.describe());
        }
        return Integer.toString(answer.status());
      }
      case CLOSED, RESET -> {
        withoutAnswer.add(answer.ending() + " for " + request.describe());
        if (!request.headIncomplete()) {
          failures.add("no answer (" + answer.ending() + ") for " + request.describe());
        }
        return "no answer (" + answer.ending().name().toLowerCase(java.util.Locale.ROOT) + ")";
      }
      default -> {
        failures.add(answer.ending() + " for " + request.describe());
        return answer.ending().name().toLowerCase(java.util.Locale.ROOT);
      }
    }
  }
}
