package dev.stepflow.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Requests that break HTTP/1.1 framing, drawn from a seeded random source. Each starts from a
 * request the server would answer 200 (a PUT of a workflow, a POST of an instance, a GET of the
 * workflow list, a GET of /healthz) and gets one to three breakers, each of which alone makes the
 * request invalid: a broken request line, version or percent-encoding; header lines without a
 * colon, with white space before it, with control characters, folded, nameless, too many or too
 * large; a second Host; bare CR line ends; Content-Length values that are not numbers, negative,
 * huge, repeated, or combined with chunked; transfer codings other than chunked; bad chunk sizes,
 * extensions, data lengths, line ends, missing last chunks and bad trailers; bodies shorter or
 * longer than their length. Noise that keeps a request valid is mixed in (bare LF line ends, header
 * name case, extra headers, valid chunk extensions, {@code Expect: 100-continue}, writes split in
 * pieces), and a few requests are cut short, then the sending side closed.
 */
final class FramingGenerator {
  private static final String CONTROLS = controlCharacters();

  private final Random random;
  private final String token;
  private final String workflows;

  FramingGenerator(Random random, String token, String workflows) {
    this.random = random;
    this.token = token;
    this.workflows = workflows;
  }

  /**
   * One request, as bytes in the pieces to write (the writes are split); {@code closeWrite}: end
   * the sending side after it; {@code headIncomplete}: it was cut before its head ended, so there
   * is no request to answer.
   */
  record Framed(
      int index,
      List<String> breakers,
      List<byte[]> pieces,
      boolean closeWrite,
      boolean headIncomplete) {
    int length() {
      return pieces.stream().mapToInt(piece -> piece.length).sum();
    }

    String describe() {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      pieces.forEach(all::writeBytes);
      byte[] bytes = all.toByteArray();
      StringBuilder shown = new StringBuilder();
      for (int i = 0; i < Math.min(bytes.length, 400); i++) {
        int b = bytes[i] & 0xff;
        shown.append(
            b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
      }
      return "#"
          + index
          + " "
          + breakers
          + (closeWrite ? " +close-write" : "")
          + " ("
          + bytes.length
          + " bytes) "
          + shown
          + (bytes.length > 400 ? "..." : "");
    }
  }

  /** A request under construction. */
  private static final class Draft {
    final List<String> breakers = new ArrayList<>();
    String method;
    String target;
    String version = "HTTP/1.1";
    String requestLine;
    final List<String> headers = new ArrayList<>();
    byte[] body;
    boolean chunked;
    boolean noFraming;
    String contentLength;
    String chunkSize;
    String chunkExtension = "";
    String afterChunkData = "\r\n";
    String lastChunk = "0\r\n";
    String trailers = "";
    String eol = "\r\n";
    final Map<Integer, String> eolOf = new HashMap<>();
    boolean closeWrite;
    boolean readsBody;
  }

  /** A breaker: when it applies, and what it does. */
  private record Breaker(String name, Predicate<Draft> applies, Consumer<Draft> apply) {}

  private final List<Breaker> breakers =
      List.of(
          new Breaker("request line garbage", d -> true, this::requestLineGarbage),
          new Breaker("control character in the request line", d -> true, this::lineControl),
          new Breaker("bad HTTP version", d -> true, this::badVersion),
          new Breaker("bad percent-encoding", d -> true, this::badPercent),
          new Breaker("header without a colon", d -> true, this::headerWithoutColon),
          new Breaker("white space before the colon", d -> true, this::spaceBeforeColon),
          new Breaker("control character in a header", d -> true, this::headerControl),
          new Breaker("obs-fold", d -> true, this::obsFold),
          new Breaker("header without a name", d -> true, d -> addHeader(d, ": nameless")),
          new Breaker("more than 100 headers", d -> true, this::tooManyHeaders),
          new Breaker("headers over 16 KiB", d -> true, this::headersTooLarge),
          new Breaker("Content-Length not a number", d -> true, this::contentLengthInvalid),
          new Breaker("Content-Length huge", d -> true, this::contentLengthHuge),
          new Breaker("two Content-Lengths", d -> true, this::contentLengthTwice),
          new Breaker("Content-Length with chunked", d -> true, this::contentLengthWithChunked),
          new Breaker("unsupported Transfer-Encoding", d -> true, this::unsupportedCoding),
          new Breaker("two Host headers", d -> true, d -> addHeader(d, "Host: other.example")),
          new Breaker("bare CR line end", d -> true, this::badLineEnd),
          new Breaker("invalid chunk size", d -> d.readsBody, this::chunkSizeInvalid),
          new Breaker("invalid chunk extension", d -> d.readsBody, this::chunkExtensionInvalid),
          new Breaker("chunk data past its size", d -> d.readsBody, this::chunkDataOverrun),
          new Breaker("no last chunk", d -> d.readsBody, this::chunkMissingLast),
          new Breaker("bad trailer", d -> d.readsBody, this::chunkBadTrailer),
          new Breaker("chunk data ended by a bare CR or LF", d -> d.readsBody, this::chunkBareEnd),
          new Breaker("body shorter than its length", d -> d.readsBody, this::bodyShort),
          new Breaker("body longer than its length", d -> d.readsBody, this::bodyLong));

  Framed next(int index) {
    Draft draft = base();
    List<Breaker> applicable = breakers.stream().filter(b -> b.applies().test(draft)).toList();
    int roll = random.nextInt(10);
    int count = roll < 6 ? 1 : roll < 9 ? 2 : 3;
    List<Breaker> chosen = new ArrayList<>();
    while (chosen.size() < count) {
      Breaker breaker = applicable.get(random.nextInt(applicable.size()));
      if (!chosen.contains(breaker)) {
        chosen.add(breaker);
      }
    }
    for (Breaker breaker : chosen) {
      draft.breakers.add(breaker.name());
      breaker.apply().accept(draft);
    }
    noise(draft);
    byte[] head = head(draft);
    byte[] body = body(draft);
    byte[] all = concat(head, body);
    boolean headIncomplete = false;
    if (random.nextInt(100) < 4) {
      // cut short, then the sending side closed: in the head (no request exists), or in the body
      int bodyCuts = bodyCuts(draft, body);
      int cut =
          bodyCuts > 0 && random.nextBoolean()
              ? head.length + random.nextInt(bodyCuts)
              : 1 + random.nextInt(head.length - 1);
      headIncomplete = cut < head.length;
      draft.breakers.add(headIncomplete ? "cut in the head" : "cut in the body");
      all = Arrays.copyOf(all, cut);
      draft.closeWrite = true;
    }
    return new Framed(index, draft.breakers, split(all), draft.closeWrite, headIncomplete);
  }

  /**
   * How many first bytes of {@code body} a cut may keep. A chunked body keeps less than its last
   * chunk line ({@code 0} CR LF): Jetty forgives a stream that ends after it, without the trailer
   * section's final CR LF, the body being whole by then.
   */
  private static int bodyCuts(Draft d, byte[] body) {
    if (!d.chunked || d.lastChunk.isEmpty()) {
      return body.length;
    }
    return Math.max(0, body.length - d.trailers.length() - "\n\r\n".length());
  }

  // --- bases ---------------------------------------------------------------------------------

  private Draft base() {
    Draft d = new Draft();
    String auth = "Authorization: Bearer " + token;
    switch (random.nextInt(4)) {
      case 0 -> {
        d.method = "PUT";
        d.target = workflows + "/fz-" + random.nextInt(10);
        d.headers.addAll(List.of("Host: 127.0.0.1", auth, "Content-Type: application/json"));
        d.body = bytes("{\"class_name\":\"Scripted\",\"script_name\":\"fuzz\"}");
        d.readsBody = true;
      }
      case 1 -> {
        d.method = "POST";
        d.target = workflows + "/fz/instances";
        d.headers.addAll(List.of("Host: 127.0.0.1", auth, "Content-Type: application/json"));
        d.body = bytes("{\"params\":{\"from\":\"fuzz\"}}");
        d.readsBody = true;
      }
      case 2 -> {
        d.method = "GET";
        d.target = workflows;
        d.headers.addAll(List.of("Host: 127.0.0.1", auth));
      }
      default -> {
        d.method = "GET";
        d.target = "/healthz";
        d.headers.add("Host: 127.0.0.1");
      }
    }
    d.chunked = d.body != null && random.nextInt(10) < 4;
    return d;
  }

  // --- breakers of the head ----------------------------------------------------------------

  private void requestLineGarbage(Draft d) {
    StringBuilder line = new StringBuilder();
    int words = 1 + random.nextInt(4);
    for (int w = 0; w < words; w++) {
      if (w > 0) {
        line.append(' ');
      }
      int length = 1 + random.nextInt(12);
      for (int i = 0; i < length; i++) {
        int kind = random.nextInt(8);
        line.append(
            kind == 0
                ? CONTROLS.charAt(random.nextInt(CONTROLS.length()))
                : kind == 1
                    ? (char) (0x80 + random.nextInt(0x80))
                    : (char) (0x21 + random.nextInt(0x7e - 0x21 + 1)));
      }
    }
    if (words == 3) {
      // three words would be method, target and version: the version is never HTTP/1.x
      line.append("/x");
    }
    d.requestLine = line.toString();
  }

  private void lineControl(Draft d) {
    String line = requestLine(d);
    // another breaker may have left a line of one character or none
    int at = line.length() < 2 ? line.length() : 1 + random.nextInt(line.length() - 1);
    String control = random.nextInt(4) == 0 ? "\t" : pickCharacter(CONTROLS);
    d.requestLine = line.substring(0, at) + control + line.substring(at);
  }

  private void badVersion(Draft d) {
    d.version =
        pick(
            "HTTP/9.9",
            "HTTP/1.2",
            "HTTP/1",
            "HTTP/1.1.1",
            "HTTX/1.1",
            "HTTP/0.9",
            "HTTP/1.10",
            "HTTP/2.0",
            "HTTP/3.0",
            "HTTP/11",
            "HTTP/1.x",
            "HTTP/");
  }

  private void badPercent(Draft d) {
    int at = 1 + random.nextInt(d.target.length());
    String escape = pick("%zz", "%g0", "%0g", "%", "%%", "%x", "%G1", "%-1");
    d.target = d.target.substring(0, at) + escape + d.target.substring(at);
  }

  private void headerWithoutColon(Draft d) {
    String name = "X" + token(6);
    addHeader(d, random.nextBoolean() ? name : name + " " + token(5));
  }

  private void spaceBeforeColon(Draft d) {
    addHeader(d, "X-" + token(5) + pick(" ", "\t", "  ", " \t") + ": value");
  }

  private void headerControl(Draft d) {
    String control = pickCharacter(CONTROLS);
    switch (random.nextInt(3)) {
      case 0 -> addHeader(d, "X-" + token(3) + control + token(3) + ": value");
      case 1 -> addHeader(d, "X-" + token(5) + ": " + token(3) + control + token(3));
      default -> {
        // random bytes but CR and LF (obs-text, 0x80 and up, is allowed), a control among them
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < 1 + random.nextInt(30); i++) {
          char c = (char) random.nextInt(256);
          value.append(c == '\r' || c == '\n' ? 'x' : c);
        }
        value.insert(random.nextInt(value.length() + 1), control);
        addHeader(d, "X-Random: " + value);
      }
    }
  }

  private void obsFold(Draft d) {
    int at = 1 + random.nextInt(d.headers.size());
    d.headers.add(at, pick(" ", "\t", "  ") + "folded " + token(4));
  }

  private void tooManyHeaders(Draft d) {
    int extra = 100 + random.nextInt(150);
    for (int i = 0; i < extra; i++) {
      addHeader(d, "X-Many-" + i + ": v");
    }
  }

  private void headersTooLarge(Draft d) {
    // mostly between the limit (16 KiB) and the parser's 64 KiB, answered with the connection
    // kept; sometimes past the parser's, answered and closed
    int size =
        random.nextInt(5) == 0 ? 66_000 + random.nextInt(30_000) : 16_500 + random.nextInt(40_000);
    addHeader(d, "X-Big: " + "b".repeat(size));
  }

  private void contentLengthInvalid(Draft d) {
    d.contentLength =
        pick("abc", "-1", "", "+43", "0x2b", "1e3", "4 3", "43, 43", "43,", "43a", " ", "-0x1");
  }

  private void contentLengthHuge(Draft d) {
    d.contentLength =
        pick(
            "2147483648",
            "9223372036854775807",
            "9223372036854775808",
            "9223372036854775809",
            "18446744073709551616",
            "99999999999999999999999");
  }

  private void contentLengthTwice(Draft d) {
    int length = d.body == null ? 0 : d.body.length;
    addHeader(d, "Content-Length: " + length);
    addHeader(d, "Content-Length: " + (random.nextBoolean() ? length : length + 1));
    d.noFraming = true;
    d.chunked = false;
  }

  private void contentLengthWithChunked(Draft d) {
    if (d.body == null) {
      // both framings, and an empty chunked body after the head
      d.body = new byte[0];
      d.chunked = true;
      addHeader(d, "Content-Length: 0");
    } else if (d.chunked) {
      addHeader(d, "Content-Length: " + d.body.length);
    } else {
      addHeader(d, "Transfer-Encoding: chunked");
    }
  }

  private void unsupportedCoding(Draft d) {
    String coding =
        pick(
            "gzip",
            "identity",
            "deflate",
            "x-custom",
            "chunked, gzip",
            "chunked, chunked",
            "gzip, chunked",
            "identity, chunked",
            "chunked;q=1",
            "gzip\r\nTransfer-Encoding: chunked");
    d.noFraming = true;
    addHeader(d, "Transfer-Encoding: " + coding);
    // the body as the coding's last step says, an empty chunked one for a request without
    d.chunked = coding.endsWith("chunked");
    if (d.chunked && d.body == null) {
      d.body = new byte[0];
    }
  }

  private void badLineEnd(Draft d) {
    // the request line or a header line followed by another: a bare CR (or LF CR) ending the last
    // line would meet the blank line's LF and make a valid line end of it
    int line = random.nextInt(d.headers.size());
    d.eolOf.put(line, pick("\r", "\r\r\n", "\n\r"));
  }

  // --- breakers of the body (requests whose body the API reads) ----------------------------

  private void chunkSizeInvalid(Draft d) {
    toChunked(d);
    d.chunkSize =
        pick("zz", "-1", "0x2b", "2b ", "+2b", "g", "2b2b2b2b2b2b2b2b2", "", " 2b", "2 b");
  }

  private void chunkExtensionInvalid(Draft d) {
    toChunked(d);
    d.chunkExtension = pick(";a=\u0000", ";a=\"b", ";\u0001\u0002", ";a=b\u007f", ";a=\"\u0003\"");
  }

  private void chunkDataOverrun(Draft d) {
    toChunked(d);
    d.chunkSize = Integer.toHexString(Math.max(1, d.body.length - 1 - random.nextInt(10)));
  }

  private void chunkMissingLast(Draft d) {
    toChunked(d);
    d.lastChunk = "";
    d.closeWrite = true;
  }

  private void chunkBadTrailer(Draft d) {
    toChunked(d);
    d.trailers = pick("NoColon\r\n", "X-Trailer : v\r\n", " folded\r\n", "X-T: \u0001\r\n");
  }

  private void chunkBareEnd(Draft d) {
    toChunked(d);
    d.afterChunkData = pick("\n", "\r", "");
  }

  private void bodyShort(Draft d) {
    toLength(d);
    d.contentLength = Integer.toString(d.body.length + 1 + random.nextInt(50));
    // mostly the client then ends its side; else the body deadline answers (408)
    d.closeWrite = random.nextInt(4) != 0;
  }

  private void bodyLong(Draft d) {
    toLength(d);
    // any proper prefix of a JSON object is not JSON (its closing brace is the last byte)
    d.contentLength = Integer.toString(1 + random.nextInt(d.body.length - 1));
  }

  private static void toChunked(Draft d) {
    d.chunked = true;
  }

  private static void toLength(Draft d) {
    d.chunked = false;
  }

  // --- noise: valid variations mixed in --------------------------------------------------------

  private void noise(Draft d) {
    if (random.nextInt(5) == 0) {
      d.eol = "\n";
    }
    if (random.nextInt(5) == 0) {
      d.headers.replaceAll(this::shuffleNameCase);
    }
    if (random.nextInt(5) == 0) {
      int extra = 1 + random.nextInt(5);
      for (int i = 0; i < extra; i++) {
        addHeader(d, "X-Noise-" + i + ": " + token(8));
      }
    }
    if (random.nextInt(5) == 0 && d.chunked && d.chunkExtension.isEmpty()) {
      d.chunkExtension = pick(";a=b", ";ext", ";q=\"quoted value\"", " ;a=b");
    }
    if (random.nextInt(8) == 0 && d.body != null) {
      addHeader(d, "Expect: 100-continue");
    }
    if (random.nextInt(8) == 0) {
      addHeader(d, pick("Connection: close", "Connection: keep-alive"));
    }
  }

  private String shuffleNameCase(String header) {
    int colon = header.indexOf(':');
    if (colon <= 0) {
      return header;
    }
    StringBuilder name = new StringBuilder();
    for (char c : header.substring(0, colon).toCharArray()) {
      name.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
    }
    return name + header.substring(colon);
  }

  // --- bytes --------------------------------------------------------------------------------

  private static String requestLine(Draft d) {
    return d.requestLine != null ? d.requestLine : d.method + " " + d.target + " " + d.version;
  }

  private static void addHeader(Draft d, String line) {
    d.headers.add(line);
  }

  private byte[] head(Draft d) {
    List<String> lines = new ArrayList<>();
    lines.add(requestLine(d));
    lines.addAll(d.headers);
    if (!d.noFraming) {
      if (d.chunked) {
        lines.add("Transfer-Encoding: chunked");
      } else if (d.contentLength != null) {
        lines.add("Content-Length: " + d.contentLength);
      } else if (d.body != null) {
        lines.add("Content-Length: " + d.body.length);
      }
    }
    if (d.chunked && d.contentLength != null && !d.noFraming) {
      lines.add("Content-Length: " + d.contentLength);
    }
    StringBuilder head = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      head.append(lines.get(i)).append(d.eolOf.getOrDefault(i, d.eol));
    }
    head.append(d.eol);
    return bytes(head.toString());
  }

  private byte[] body(Draft d) {
    if (d.body == null) {
      return new byte[0];
    }
    if (!d.chunked) {
      return d.body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (d.body.length > 0) {
      String size = d.chunkSize != null ? d.chunkSize : Integer.toHexString(d.body.length);
      out.writeBytes(bytes(size + d.chunkExtension + "\r\n"));
      out.writeBytes(d.body);
      out.writeBytes(bytes(d.afterChunkData));
    }
    out.writeBytes(bytes(d.lastChunk));
    if (!d.lastChunk.isEmpty()) {
      out.writeBytes(bytes(d.trailers + "\r\n"));
    }
    return out.toByteArray();
  }

  /** Mostly one write; sometimes two to four, so the parser meets the request across reads. */
  private List<byte[]> split(byte[] all) {
    if (all.length < 4 || random.nextInt(4) != 0) {
      return List.of(all);
    }
    int pieces = 2 + random.nextInt(3);
    int[] cuts = random.ints(pieces - 1, 1, all.length).sorted().distinct().toArray();
    List<byte[]> out = new ArrayList<>();
    int from = 0;
    for (int cut : cuts) {
      out.add(Arrays.copyOfRange(all, from, cut));
      from = cut;
    }
    out.add(Arrays.copyOfRange(all, from, all.length));
    return out;
  }

  private String pick(String... options) {
    return options[random.nextInt(options.length)];
  }

  private String pickCharacter(String characters) {
    return String.valueOf(characters.charAt(random.nextInt(characters.length())));
  }

  private String token(int length) {
    StringBuilder token = new StringBuilder();
    for (int i = 0; i < length; i++) {
      token.append((char) ('a' + random.nextInt(26)));
    }
    return token.toString();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Control characters no HTTP/1.1 line may hold: all but HTAB, CR and LF, and DEL. */
  private static String controlCharacters() {
    StringBuilder controls = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      if (c != '\t' && c != '\r' && c != '\n') {
        controls.append(c);
      }
    }
    return controls.append('\u007f').toString();
  }
}
