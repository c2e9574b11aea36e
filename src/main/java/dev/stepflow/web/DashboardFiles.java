package dev.stepflow.web;

import dev.stepflow.domain.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the dashboard's static files (HTML, JavaScript, CSS, SVG) from the class path folder
 * {@code ui/} of the server's jar, at {@code /ui/}: the same port and the same jar as the API, no
 * Node.js and no network at run time. The files are plain, hand-written JavaScript and CSS; nothing
 * is generated.
 *
 * <p>Every answer carries a strict Content-Security-Policy (scripts, styles and requests from this
 * origin only, no inline script or style, no framing), {@code nosniff} and {@code no-referrer}.
 * Files are revalidated on every load ({@code no-cache} with a strong ETag, 304 when unchanged) so
 * an upgraded server is never shown with stale scripts. A path that names no file is the v4 404
 * envelope, as everywhere else outside the API; anything but GET or HEAD is 405.
 */
final class DashboardFiles extends Handler.Abstract {
  /** Where the files are on the class path. */
  static final String FOLDER = "ui/";

  /**
   * The policy: the dashboard only talks to this server's API, loads only its own files and may not
   * be framed (clickjacking of the action buttons). No 'unsafe-inline' anywhere: an injected {@code
   * <script>} or {@code onerror=} attribute does not run even if a value ever reached the page as
   * markup.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final HttpField CSP =
      new PreEncodedHttpField("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  private static final HttpField NOSNIFF =
      new PreEncodedHttpField("X-Content-Type-Options", "nosniff");
  private static final HttpField NO_REFERRER =
      new PreEncodedHttpField("Referrer-Policy", "no-referrer");
  private static final HttpField FRAME_DENY = new PreEncodedHttpField("X-Frame-Options", "DENY");
  private static final HttpField REVALIDATE =
      new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-cache");

  /**
   * The file names the dashboard uses: lowercase words and dashes, in folders of the same, with a
   * known type. Nothing else is looked up, so no spelling of a path reaches another resource.
   */
  private static final Pattern FILE_NAME =
      Pattern.compile("(?:[a-z0-9][a-z0-9-]*/)*[a-z0-9][a-z0-9-]*\\.(html|js|css|svg)");

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml");

  private final ClassLoader loader;

  /** Files found so far; a miss is not kept, so made-up names cannot fill it. */
  private final Map<String, File> files = new ConcurrentHashMap<>();

  DashboardFiles(ClassLoader loader) {
    this.loader = loader;
  }

  /** A file's bytes, type and ETag, read once from the jar. */
  private record File(byte[] bytes, String type, String etag) {}

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    response.getHeaders().put(CSP);
    response.getHeaders().put(NOSNIFF);
    response.getHeaders().put(NO_REFERRER);
    response.getHeaders().put(FRAME_DENY);
    if (FallbackHandlers.refusedUnlessGet(request, response, callback, "/ui/")) {
      return true;
    }
    boolean head = request.getMethod().equals("HEAD");
    String path = Request.getPathInContext(request);
    String name = path.equals("/") || path.isEmpty() ? "index.html" : path.substring(1);
    Optional<File> file = FILE_NAME.matcher(name).matches() ? find(name) : Optional.empty();
    if (file.isEmpty()) {
      ErrorBody.send(
          response,
          head,
          404,
          ErrorCode.NO_ROUTE,
          "The dashboard has no file " + path + "; open /ui/.",
          callback);
      return true;
    }
    send(request, response, head, file.get(), callback);
    return true;
  }

  private static void send(
      Request request, Response response, boolean head, File file, Callback callback) {
    response.getHeaders().put(REVALIDATE);
    response.getHeaders().put(HttpHeader.ETAG, file.etag());
    String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
    if (ifNoneMatch != null && ifNoneMatch.contains(file.etag())) {
      response.setStatus(304);
      callback.succeeded();
      return;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, file.type());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, file.bytes().length);
    response.write(true, ByteBuffer.wrap(head ? new byte[0] : file.bytes()), callback);
  }

  private Optional<File> find(String name) {
    return Optional.ofNullable(files.computeIfAbsent(name, this::read));
  }

  /** The file, or null when the jar has none of that name. */
  private File read(String name) {
    try (InputStream in = loader.getResourceAsStream(FOLDER + name)) {
      if (in == null) {
        return null;
      }
      byte[] bytes = in.readAllBytes();
      String extension = name.substring(name.lastIndexOf('.') + 1);
      return new File(bytes, TYPES.get(extension), etag(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the dashboard file " + name + " from the jar", e);
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
