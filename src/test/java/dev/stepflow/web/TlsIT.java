package dev.stepflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.StepflowProcess;
import dev.stepflow.testing.StepflowProcess.CommandResult;
import dev.stepflow.testing.TestCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS through the packaged jar, with a certificate that openssl makes for this run: curl and
 * Java's HttpClient trust it and get HTTP/2 (or HTTP/1.1 when they ask), the API works over it,
 * plain HTTP to the port is refused without a redirect (or served, when asked), the start says
 * https://, and TLS files that cannot be used end the start in one line before anything is served.
 */
class TlsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long CURL_SECONDS = 30;
  private static final String WORKFLOWS = "/client/v4/accounts/tls/workflows";

  @TempDir static Path dir;

  private static TestCertificate certificate;
  private static StepflowProcess server;
  private static int port;
  private static String token;
  private static StepflowProcess lenient;
  private static int lenientPort;
  private static String lenientToken;

  @BeforeAll
  static void startWithTls() throws IOException {
    certificate = TestCertificate.make(dir, "server", "localhost");
    Path data = dir.resolve("data");
    server =
        StepflowProcess.start(
            data,
            dir,
            "tls",
            List.of(
                "--tls-cert",
                certificate.certificate().toString(),
                "--tls-key",
                certificate.key().toString()));
    port = URI.create(server.origin()).getPort();
    token = ApiClient.devToken(data);
    startLenient();
  }

  /**
   * The second server: plain HTTP served on its TLS port, and a header timeout of 2 s for the
   * trickling handshake.
   */
  private static void startLenient() throws IOException {
    Path data = dir.resolve("data-lenient");
    lenient =
        StepflowProcess.start(
            data,
            dir,
            "tls-lenient",
            List.of(
                "--tls-cert",
                certificate.certificate().toString(),
                "--tls-key",
                certificate.key().toString(),
                "--tls-plain-http",
                "serve",
                "--header-timeout",
                "2"));
    lenientPort = URI.create(lenient.origin()).getPort();
    lenientToken = ApiClient.devToken(data);
  }

  @AfterAll
  static void stop() {
    for (StepflowProcess process : new StepflowProcess[] {server, lenient}) {
      if (process != null) {
        process.close();
      }
    }
  }

  // ---- the start -------------------------------------------------------------------------------

  @Test
  void theBannerAndTheLogSayHttpsAndTellNodeClientsHowToTrustTheCertificate() throws IOException {
    String https = "https://127.0.0.1:" + port;
    assertThat(server.origin()).isEqualTo(https);
    List<String> banner = Files.readAllLines(server.stdoutFile());
    assertThat(banner)
        .startsWith(
            "Stepflow is serving " + https + "/client/v4", "Health check: " + https + "/healthz")
        .contains(
            "  export CLOUDFLARE_API_BASE_URL=" + https + "/client/v4",
            "  export NODE_EXTRA_CA_CERTS="
                + certificate.certificate().toAbsolutePath()
                + "   # wrangler and the SDK, when the certificate is self-signed")
        .noneMatch(line -> line.contains("http://"));
    assertThat(Files.readString(server.stderrFile()))
        .contains("Stepflow serving " + https + "/client/v4");
  }

  @Test
  void healthzAnswersOverTls() throws Exception {
    ApiResponse health = client(HttpClient.Version.HTTP_2).get("/healthz");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(health.result().get("status").asText()).isEqualTo("ok");

    Curl curl = curl("--cacert", certificate.certificate().toString(), httpsUrl("/healthz"));
    assertThat(curl.exit()).as(curl.stderr()).isZero();
    assertThat(curl.summary()).isEqualTo("200 2");
    assertThat(JSON.readTree(curl.body()).path("result").path("status").asText()).isEqualTo("ok");
  }

  // ---- curl ------------------------------------------------------------------------------------

  @Test
  void curlTrustingTheCertificateGetsHttp2() throws Exception {
    Curl curl = authenticatedCurl(httpsUrl(WORKFLOWS));
    assertThat(curl.exit()).as(curl.stderr()).isZero();
    assertThat(curl.summary()).as(curl.body()).isEqualTo("200 2");
    assertThat(JSON.readTree(curl.body()).path("success").asBoolean()).isTrue();
  }

  @Test
  void curlReachesTheCertificateByItsDnsNameToo() {
    Curl curl = authenticatedCurl("https://localhost:" + port + WORKFLOWS);
    assertThat(curl.exit()).as(curl.stderr()).isZero();
    assertThat(curl.summary()).isEqualTo("200 2");
  }

  @Test
  void curlAskingForHttp11GetsIt() {
    Curl curl = authenticatedCurl("--http1.1", httpsUrl(WORKFLOWS));
    assertThat(curl.exit()).as(curl.stderr()).isZero();
    assertThat(curl.summary()).isEqualTo("200 1.1");
  }

  @Test
  void curlWithoutTheCertificateRefusesTheServer() {
    // exit 60: the peer's certificate cannot be verified; so the other curl runs did verify it
    Curl curl = curl(httpsUrl("/healthz"));
    assertThat(curl.exit()).as(curl.stderr()).isEqualTo(60);
  }

  // ---- Java's HttpClient: the API over TLS -----------------------------------------------------

  @Test
  void javasHttpClientRunsTheApiOverHttp2() {
    createAndPause(client(HttpClient.Version.HTTP_2), "h2-flow", HttpClient.Version.HTTP_2);
  }

  @Test
  void javasHttpClientRunsTheApiOverHttp11() {
    createAndPause(client(HttpClient.Version.HTTP_1_1), "h1-flow", HttpClient.Version.HTTP_1_1);
  }

  /** Creates a workflow and an instance that waits for an event, pauses it, reads it paused. */
  private static void createAndPause(ApiClient api, String workflow, HttpClient.Version version) {
    String flow = WORKFLOWS + "/" + workflow;
    List<ApiResponse> responses = new ArrayList<>();
    ApiResponse put = api.put(flow, "{\"class_name\":\"Scripted\",\"script_name\":\"tls\"}");
    responses.add(put);
    assertThat(put.status()).as(put.body().toString()).isEqualTo(200);
    ApiResponse created =
        api.post(
            flow + "/instances",
            "{\"instance_id\":\"i-1\",\"params\":{\"steps\":["
                + "{\"waitForEvent\":\"approval\",\"type\":\"go\"}]}}");
    responses.add(created);
    assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
    ApiResponse paused = api.patch(flow + "/instances/i-1/status", "{\"status\":\"pause\"}");
    responses.add(paused);
    assertThat(paused.status()).as(paused.body().toString()).isEqualTo(200);
    assertThat(paused.result().get("status").asText()).isIn("paused", "waitingForPause");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              ApiResponse read = api.get(flow + "/instances/i-1");
              responses.add(read);
              return read.result().get("status").asText().equals("paused");
            });
    assertThat(responses).extracting(ApiResponse::version).containsOnly(version);
  }

  // ---- plain HTTP to the TLS port ---------------------------------------------------------------

  @Test
  void plainHttpIsAnsweredWithTheEnvelopeAndNeverRedirected() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + WORKFLOWS))
                    .header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Location")).isEmpty();
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertHttpsOnly(JSON.readTree(response.body()), "https://127.0.0.1:" + port);

    Curl curl = curl("-i", "http://127.0.0.1:" + port + "/healthz");
    assertThat(curl.exit()).as(curl.stderr()).isZero();
    assertThat(curl.summary()).isEqualTo("400 1.1");
    assertThat(curl.body().lines().map(String::toLowerCase))
        .noneMatch(header -> header.startsWith("location:"))
        .contains("connection: close");
  }

  @Test
  void theRefusalNamesThePortItCameInOnWhenTheHostHeaderHasNone() throws IOException {
    // a Host header without a port: Jetty's server port would be 80, which serves nothing here
    String response = rawRequest("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 400 ");
    JsonNode body = JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    assertHttpsOnly(body, "https://localhost:" + port);
  }

  private static void assertHttpsOnly(JsonNode body, String origin) {
    assertThat(body.path("success").asBoolean(true)).isFalse();
    assertThat(body.path("errors").isArray()).isTrue();
    assertThat(body.path("errors").size()).isOne();
    assertThat(body.has("result")).isTrue();
    assertThat(body.path("messages").toString())
        .contains("This port serves HTTPS only; send the request to " + origin + " (")
        .contains("not redirected");
  }

  @Test
  void plainHttpIsServedOnTheSamePortWhenAsked() {
    ApiResponse plain =
        new ApiClient("http://127.0.0.1:" + lenientPort, lenientToken).get(WORKFLOWS);
    assertThat(plain.status()).isEqualTo(200);
    ApiResponse secure = lenient.client(httpClient(HttpClient.Version.HTTP_2)).get(WORKFLOWS);
    assertThat(secure.status()).isEqualTo(200);
    assertThat(secure.version()).isEqualTo(HttpClient.Version.HTTP_2);
  }

  // ---- a handshake that trickles
  // -----------------------------------------------------------------

  @Test
  void aTlsHandshakeThatTricklesIsClosedAtTheHeaderTimeout() throws IOException {
    // the start of a ClientHello, one byte every 200 ms: never an HTTP request, so only a deadline
    // on the handshake itself ends it; the lenient server's header timeout is 2 s
    byte[] hello = new byte[64];
    byte[] head = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
    System.arraycopy(head, 0, hello, 0, head.length);
    long started = System.nanoTime();
    Duration closedAfter = null;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", lenientPort), 5_000);
      socket.setSoTimeout(200);
      for (int i = 0; i < hello.length && closedAfter == null; i++) {
        try {
          socket.getOutputStream().write(hello[i]);
          while (socket.getInputStream().read() >= 0) {
            // a TLS alert before the close: read on to the end
          }
          closedAfter = Duration.ofNanos(System.nanoTime() - started);
        } catch (java.net.SocketTimeoutException stillOpen) {
          // nothing yet: the next byte
        } catch (IOException reset) {
          closedAfter = Duration.ofNanos(System.nanoTime() - started);
        }
      }
    }
    assertThat(closedAfter)
        .as("the server closed the connection before 64 bytes at 5 a second (12.8 s)")
        .isNotNull()
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
    // and the port still serves
    assertThat(lenient.client(httpClient(HttpClient.Version.HTTP_2)).get("/healthz").status())
        .isEqualTo(200);
  }

  @Test
  void headersThatTrickleOverTlsAreAnswered408() throws IOException {
    // after the handshake, HTTP/1.1 headers a byte every 200 ms: the header deadline (2 s here)
    // answers through TLS, in the envelope
    byte[] head =
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            .getBytes(StandardCharsets.US_ASCII);
    javax.net.ssl.SSLSocketFactory tls = certificate.trustingContext().getSocketFactory();
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket) tls.createSocket("127.0.0.1", lenientPort)) {
      javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      socket.setSoTimeout(200);
      StringBuilder answer = new StringBuilder();
      for (int i = 0; i < head.length && answer.isEmpty(); i++) {
        try {
          socket.getOutputStream().write(head[i]);
          socket.getOutputStream().flush();
          int b;
          while ((b = socket.getInputStream().read()) >= 0) {
            answer.append((char) b);
          }
        } catch (java.net.SocketTimeoutException nothingYet) {
          // the next byte
        } catch (IOException closed) {
          break;
        }
      }
      assertThat(answer.toString())
          .startsWith("HTTP/1.1 408 ")
          .contains("The request headers did not arrive within 2 s of their first byte");
    }
  }

  // ---- starts that cannot serve ----------------------------------------------------------------

  @Test
  void aMissingCertificateFileEndsTheStart() throws Exception {
    Path missing = dir.resolve("missing-cert.pem");
    assertRefusedBeforeServing(
        "missing-cert",
        List.of("--tls-cert", missing.toString(), "--tls-key", certificate.key().toString()),
        "Cannot read the TLS certificate file " + missing + ": no such file.");
  }

  @Test
  void aCertificateFileThatIsNotPemEndsTheStart() throws Exception {
    Path notPem = Files.writeString(dir.resolve("not-pem.pem"), "this is no certificate\n");
    String line =
        assertRefusedBeforeServing(
            "not-pem",
            List.of("--tls-cert", notPem.toString(), "--tls-key", certificate.key().toString()),
            null);
    assertThat(line)
        .startsWith("The TLS certificate file " + notPem + " is not a PEM certificate chain (")
        .endsWith("). Give a PEM file that starts with -----BEGIN CERTIFICATE-----.");
  }

  @Test
  void aKeyInTheOldRsaFormatEndsTheStartWithTheConversionCommand() throws Exception {
    Path rsa = certificate.traditionalRsaKey();
    assertThat(Files.readString(rsa)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertRefusedBeforeServing(
        "rsa-key",
        List.of("--tls-cert", certificate.certificate().toString(), "--tls-key", rsa.toString()),
        "The TLS key file "
            + rsa
            + " holds RSA PRIVATE KEY, not an unencrypted PKCS#8 key (-----BEGIN PRIVATE"
            + " KEY-----). Convert it with: openssl pkcs8 -topk8 -nocrypt -in "
            + rsa
            + " -out key-pkcs8.pem, and give key-pkcs8.pem to --tls-key.");
  }

  @Test
  void aKeyThatIsNotTheCertificatesEndsTheStart() throws Exception {
    TestCertificate other = TestCertificate.make(dir, "other", "other");
    assertRefusedBeforeServing(
        "other-key",
        List.of(
            "--tls-cert",
            certificate.certificate().toString(),
            "--tls-key",
            other.key().toString()),
        "The TLS key file "
            + other.key()
            + " does not belong to the certificate "
            + certificate.certificate()
            + " (its first certificate). Give the key that was made with the certificate.");
  }

  @Test
  void aCertificateAsTheKeyEndsTheStart() throws Exception {
    Path cert = certificate.certificate();
    assertRefusedBeforeServing(
        "cert-as-key",
        List.of("--tls-cert", cert.toString(), "--tls-key", cert.toString()),
        "The TLS key file "
            + cert
            + " holds no PEM private key. Give the certificate's key as an unencrypted PKCS#8"
            + " PEM file (-----BEGIN PRIVATE KEY-----).");
  }

  @Test
  void aCertificateWithoutItsKeyOrAKeyWithoutItsCertificateIsAUsageError() throws Exception {
    for (List<String> half :
        List.of(
            List.of("--tls-cert", certificate.certificate().toString()),
            List.of("--tls-key", certificate.key().toString()))) {
      Path data = dir.resolve("half-" + half.get(0).substring(2));
      List<String> args = serve(data);
      args.addAll(half);
      CommandResult result = StepflowProcess.run(args);
      assertThat(result.exitCode()).as(result.stderr()).isEqualTo(2);
      assertThat(result.stdout()).isEmpty();
      // a usage error: the message, then where the options are described (as for every option)
      assertThat(result.stderr().lines().toList())
          .containsExactly(
              "--tls-cert and --tls-key go together: give both, or neither to serve plain HTTP",
              "Run 'stepflow serve --help' for the options.");
      assertThat(data).doesNotExist();
    }
  }

  /**
   * Starts {@code serve} with {@code tlsOptions}: it must end with exit 2, print nothing on stdout
   * (no "serving" line) and one line on stderr, {@code message} unless null; and it must not have
   * opened the store or made a token. Returns the line.
   */
  private static String assertRefusedBeforeServing(
      String name, List<String> tlsOptions, String message) throws Exception {
    Path data = dir.resolve("refused-" + name);
    List<String> args = serve(data);
    args.addAll(tlsOptions);
    CommandResult result = StepflowProcess.run(args);
    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    List<String> lines = result.stderr().lines().toList();
    assertThat(lines).as(result.stderr()).hasSize(1);
    if (message != null) {
      assertThat(lines.get(0)).isEqualTo(message);
    }
    assertThat(data.resolve("stepflow.db")).as("the store was not opened").doesNotExist();
    assertThat(data.resolve("dev-token")).as("no token was made").doesNotExist();
    return lines.get(0);
  }

  private static List<String> serve(Path data) {
    return new ArrayList<>(
        List.of("serve", "--host", "127.0.0.1", "--port", "0", "--data", data.toString()));
  }

  // ---- clients ---------------------------------------------------------------------------------

  private static String httpsUrl(String path) {
    return "https://127.0.0.1:" + port + path;
  }

  private static HttpClient httpClient(HttpClient.Version version) {
    return HttpClient.newBuilder()
        .version(version)
        .sslContext(certificate.trustingContext())
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static ApiClient client(HttpClient.Version version) {
    return server.client(httpClient(version));
  }

  /** What curl printed: its body (with -i, the head too), "STATUS VERSION", and its messages. */
  private record Curl(int exit, String body, String summary, String stderr) {}

  private static Curl authenticatedCurl(String... args) {
    List<String> all = new ArrayList<>(List.of("--cacert", certificate.certificate().toString()));
    all.addAll(List.of("-H", "Authorization: Bearer " + token));
    all.addAll(List.of(args));
    return curl(all.toArray(String[]::new));
  }

  /** Runs curl with {@code args}; fails, naming what to install, when curl cannot be run. */
  private static Curl curl(String... args) {
    String id = Long.toHexString(System.nanoTime());
    Path body = dir.resolve("curl-" + id + ".body");
    Path err = dir.resolve("curl-" + id + ".err");
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "-o",
                body.toString(),
                "-w",
                "%{http_code} %{http_version}"));
    command.addAll(List.of(args));
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "The TLS tests drive curl, which cannot be run ("
              + e.getMessage()
              + "). Install it (apt-get install curl) and put it on PATH.",
          e);
    }
    try {
      String summary;
      try (InputStream out = process.getInputStream()) {
        summary = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(CURL_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("curl did not finish: " + command);
      }
      return new Curl(
          process.exitValue(),
          Files.exists(body) ? Files.readString(body) : "",
          summary,
          Files.readString(err));
    } catch (IOException e) {
      throw new IllegalStateException("reading curl's output: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends {@code request} as it is over plain TCP and reads the answer to the connection's end. */
  private static String rawRequest(String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
