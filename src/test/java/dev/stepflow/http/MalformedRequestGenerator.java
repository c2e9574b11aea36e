package dev.stepflow.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws requests from a seeded random source, most of them malformed: a path of the contract with
 * generated values, a query, a body, headers. Values it can name exist on the server: the account
 * {@link #ACCOUNT} with its workflow {@code target} and that workflow's instance {@code known}.
 */
final class MalformedRequestGenerator {
  static final String ACCOUNT = "fuzz";
  private static final Pattern PARAMETER = Pattern.compile("\\{(\\w+)}");
  private static final List<String> METHODS =
      List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  private static final List<String> QUERY_KEYS =
      List.of(
          "page",
          "per_page",
          "cursor",
          "direction",
          "status",
          "date_start",
          "date_end",
          "simple",
          "order",
          "name",
          "type",
          "attempt",
          "search",
          "count");

  /** A path of the contract (or outside it) and the methods the contract gives it. */
  record Template(String path, List<String> methods) {}

  /** Every path of the contract, plus a few outside it. */
  static List<Template> pathTemplates() throws IOException {
    JsonNode spec =
        new ObjectMapper(new YAMLFactory()).readTree(Path.of("openapi/workflows.yaml").toFile());
    List<Template> paths = new ArrayList<>();
    spec.get("paths")
        .properties()
        .forEach(
            p -> {
              List<String> methods = new ArrayList<>();
              p.getValue()
                  .fieldNames()
                  .forEachRemaining(m -> methods.add(m.toUpperCase(Locale.ROOT)));
              paths.add(new Template("/client/v4" + p.getKey(), methods));
            });
    for (String outside :
        List.of(
            "/client/v4",
            "/client/v4/",
            "/healthz",
            "/",
            "/client/v3/accounts",
            "/client/v4/accounts/{account_id}")) {
      paths.add(new Template(outside, METHODS));
    }
    return paths;
  }

  private final Random random;
  private final List<Template> templates;

  MalformedRequestGenerator(Random random, List<Template> templates) {
    this.random = random;
    this.templates = templates;
  }

  FuzzedRequest next() {
    Template template = pick(templates);
    // mostly a method the path serves, so requests get past routing to the code behind it
    String method = chance(0.8) ? pick(template.methods()) : pick(METHODS);
    String path = fillPath(template.path()) + query();
    Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = chance(0.7) ? body() : null;
    if (body != null || chance(0.2)) {
      headers.put("Content-Type", contentType());
    }
    if (chance(0.2)) {
      headers.put(
          "Accept",
          pick(
              List.of(
                  "application/json",
                  "*/*",
                  "text/html",
                  "application/xml",
                  "application/json;q=0",
                  "")));
    }
    if (chance(0.1)) {
      headers.put("Content-Encoding", pick(List.of("gzip", "br", "identity", "x-unknown")));
    }
    if (chance(0.1)) {
      headers.put("X-HTTP-Method-Override", pick(METHODS));
    }
    if (chance(0.05)) {
      headers.put("X-Filler", "v".repeat(random.nextInt(20_000)));
    }
    if (chance(0.05)) {
      // a second, broken credential next to the valid token
      headers.put(
          "Authorization",
          pick(List.of("Bearer", "Bearer x", "Basic Zm9vOmJhcg==", "", "bearer  ")));
    }
    return new FuzzedRequest(method, path, body, headers);
  }

  private String fillPath(String template) {
    Matcher m = PARAMETER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(pathValue(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String pathValue(String name) {
    if (chance(0.3)) {
      return switch (name) {
        case "account_id" -> ACCOUNT;
        case "workflow_name" -> "target";
        case "instance_id" -> "known";
        default -> "x";
      };
    }
    return encode(text());
  }

  private String query() {
    if (chance(0.4)) {
      return "";
    }
    StringBuilder query = new StringBuilder("?");
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      query.append(i == 0 ? "" : "&").append(chance(0.8) ? pick(QUERY_KEYS) : encode(text()));
      if (chance(0.9)) {
        query.append('=').append(encode(chance(0.3) ? number() : text()));
      }
    }
    return query.toString();
  }

  private byte[] body() {
    return switch (random.nextInt(9)) {
      case 0 -> new byte[0];
      case 1 -> randomBytes(random.nextInt(300));
      case 2 -> utf8(json(0));
      case 3 -> utf8(truncate(json(0)));
      case 4 -> utf8("[".repeat(random.nextInt(5_000)) + "]".repeat(random.nextInt(5_000)));
      case 5 ->
          utf8(
              "{\"status\":"
                  + quoted(
                      pick(List.of("pause", "resume", "terminate", "restart", "PAUSE", "", "stop")))
                  + extraMembers()
                  + "}");
      case 6 ->
          utf8("{\"instance_id\":" + value(0) + ",\"params\":" + value(0) + extraMembers() + "}");
      case 7 -> new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};
      default ->
          // now and then a body past the 1 MiB + 64 KiB limit
          utf8("\"" + "a".repeat(chance(0.05) ? 1_200_000 : random.nextInt(5_000)) + "\"");
    };
  }

  private String extraMembers() {
    return chance(0.5) ? "" : ",\"" + text() + "\":" + value(0);
  }

  private String json(int depth) {
    return chance(0.5)
        ? "{\"" + text() + "\":" + value(depth + 1) + "}"
        : "[" + value(depth + 1) + "," + value(depth + 1) + "]";
  }

  private String value(int depth) {
    if (depth > 6) {
      return "null";
    }
    return switch (random.nextInt(8)) {
      case 0 -> "null";
      case 1 -> number();
      case 2 -> quoted(text());
      case 3 -> random.nextBoolean() ? "true" : "false";
      case 4, 5 -> json(depth);
      case 6 -> "\"\\ud800\"";
      default ->
          pick(List.of("1e400", "-0", "NaN", "0x10", "01", "\"\\u0000\"", "tru", "{}", "[]"));
    };
  }

  private String number() {
    return pick(
        List.of(
            "0",
            "-1",
            "1",
            "100",
            "101",
            "2147483648",
            "-9223372036854775809",
            "1.5",
            "1e3",
            "99999999999999999999999",
            String.valueOf(random.nextInt())));
  }

  /** Short text from a mix of ordinary, reserved, control, and non-ASCII characters. */
  private String text() {
    int length = chance(0.1) ? 200 + random.nextInt(3_000) : random.nextInt(12);
    String alphabet = "aZ09_-. /\\%?#&=+*'\"<>{}[]:;,@!$`~|^\t\n\r\u0000éß中😀\u202e\ufeff";
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int at = random.nextInt(alphabet.length());
      char c = alphabet.charAt(at);
      if (Character.isHighSurrogate(c) && at + 1 < alphabet.length()) {
        out.append(c).append(alphabet.charAt(at + 1));
      } else if (!Character.isLowSurrogate(c)) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private String encode(String text) {
    String encoded = URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    // sometimes bytes that are not UTF-8 at all
    return chance(0.1)
        ? encoded + pick(List.of("%FF", "%C3%28", "%ED%A0%80", "%00", "%C0%AF"))
        : encoded;
  }

  private String contentType() {
    return pick(
        List.of(
            "application/json",
            "application/json; charset=utf-8",
            "application/json; charset=latin1",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/merge-patch+json",
            "application/json; charset=nonsense",
            "*/*"));
  }

  private String truncate(String json) {
    return json.substring(0, random.nextInt(Math.max(1, json.length())));
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String quoted(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private boolean chance(double p) {
    return random.nextDouble() < p;
  }

  private <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }
}
