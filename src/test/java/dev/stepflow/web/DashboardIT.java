package dev.stepflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepflow.auth.Permission;
import dev.stepflow.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dashboard's files at {@code /ui/} on a real server: types, the CSP and the other safety
 * headers, revalidation, and what an unknown path or method gets. What the pages do is tested in a
 * real browser by ui-tests/ (scripts/ui-tests).
 */
class DashboardIT {
  @RegisterExtension static final TestServer server = new TestServer();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static HttpResponse<String> send(String method, String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.client().origin() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePageIsServedWithAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = send("GET", "/ui/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp)
        .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(page.body()).contains("<script type=\"module\" src=\"js/app.js\"></script>");
  }

  /**
   * No inline script or style, no remote asset: what the CSP would refuse, and offline use needs.
   */
  @Test
  void everyFileIsLocalAndFreeOfInlineScriptAndStyle() throws IOException {
    Path folder = Path.of("src/main/resources/ui");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).hasSizeGreaterThan(5);
    for (Path file : files) {
      // an SVG names its XML namespace by URL; nothing is fetched from it
      String text = Files.readString(file).replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
      assertThat(text).as(file.toString()).doesNotContain("http://", "https://", "innerHTML");
      assertThat(text).as(file.toString()).doesNotContainPattern("<script(?![^>]*\\bsrc=)");
      assertThat(text).as(file.toString()).doesNotContainPattern("\\sstyle=\"|\\son[a-z]+=\"");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"js/app.js", "js/page-instance.js", "app.css", "icon.svg"})
  void eachFileHasItsTypeAndIsRevalidatedByItsETag(String name) throws Exception {
    HttpResponse<String> file = send("GET", "/ui/" + name);

    assertThat(file.statusCode()).isEqualTo(200);
    String type = file.headers().firstValue("Content-Type").orElseThrow();
    assertThat(type)
        .startsWith(
            name.endsWith(".js")
                ? "text/javascript"
                : name.endsWith(".css") ? "text/css" : "image/svg+xml");
    assertThat(file.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(file.headers().firstValue("Content-Security-Policy")).isPresent();
    String etag = file.headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> again = send("GET", "/ui/" + name, "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  /** Every module the page imports is served: a file renamed without its import fails here. */
  @Test
  void everyImportedModuleIsServed() throws Exception {
    Pattern importFrom = Pattern.compile("from '\\./([a-z-]+\\.js)'");
    for (Path file : Files.newDirectoryStream(Path.of("src/main/resources/ui/js"))) {
      Matcher imports = importFrom.matcher(Files.readString(file));
      while (imports.find()) {
        assertThat(send("GET", "/ui/js/" + imports.group(1)).statusCode())
            .as(file + " imports " + imports.group(1))
            .isEqualTo(200);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/ui/missing.js",
        "/ui/js/../../stepflow.jar",
        "/ui/META-INF/MANIFEST.MF",
        "/ui/dev/stepflow/web/DashboardFiles.class",
        "/ui/js/App.js"
      })
  void aPathThatNamesNoFileIsTheEnvelope404(String path) throws Exception {
    HttpResponse<String> answer = send("GET", path);

    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = JSON.readTree(answer.body());
    assertThat(body.get("success").asBoolean()).isFalse();
    assertThat(body.get("errors").get(0).get("code").asInt()).isEqualTo(7000);
  }

  @Test
  void uiWithoutItsSlashIsRedirectedToThePage() throws Exception {
    HttpResponse<String> answer = send("GET", "/ui");

    assertThat(answer.statusCode()).isBetween(301, 308);
    assertThat(answer.headers().firstValue("Location").orElseThrow()).endsWith("/ui/");
  }

  @Test
  void headAnswersTheLengthWithoutTheBody() throws Exception {
    HttpResponse<String> get = send("GET", "/ui/app.css");
    HttpResponse<String> head = send("HEAD", "/ui/app.css");

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length"))
        .hasValue(
            String.valueOf(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
  }

  @Test
  void anyOtherMethodIsTheEnvelope405() throws Exception {
    HttpResponse<String> answer = send("POST", "/ui/");

    assertThat(answer.statusCode()).isEqualTo(405);
    assertThat(JSON.readTree(answer.body()).get("errors").get(0).get("code").asInt())
        .isEqualTo(7001);
  }

  /** The dashboard asks this once, to show a read token's actions disabled rather than 403. */
  @Test
  void tokenVerifyTellsTheTokensPermission() {
    String read = server.addToken("viewer", Permission.READ);

    assertThat(
            server
                .client()
                .get("/client/v4/user/tokens/verify")
                .result()
                .get("permission")
                .asText())
        .isEqualTo("edit");
    assertThat(
            server
                .client()
                .withToken(read)
                .get("/client/v4/user/tokens/verify")
                .result()
                .get("permission")
                .asText())
        .isEqualTo("read");
  }
}
