package dev.stepflow.web;

import dev.stepflow.domain.ErrorCode;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The checks every request meets before anything reads its body, so that an {@code Expect:
 * 100-continue} client learns of a refusal without sending the body: plain HTTP on an HTTPS-only
 * port (400), too many header fields (431; their total size is Jetty's own check), a transfer
 * coding other than chunked (400), and a declared body larger than the API accepts (413). Bodies
 * without a declared length are counted while the API reads them.
 */
final class RequestGuard extends Handler.Wrapper {
  private final int maxHeaderBytes;
  private final int maxHeaderCount;
  private final long maxBodyBytes;
  private final boolean refusePlainHttp;

  RequestGuard(
      int maxHeaderBytes,
      int maxHeaderCount,
      long maxBodyBytes,
      boolean refusePlainHttp,
      Handler next) {
    super(next);
    this.maxHeaderBytes = maxHeaderBytes;
    this.maxHeaderCount = maxHeaderCount;
    this.maxBodyBytes = maxBodyBytes;
    this.refusePlainHttp = refusePlainHttp;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    boolean head = request.getMethod().equals("HEAD");
    if (refusePlainHttp && !request.isSecure()) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      ErrorBody.send(
          response,
          head,
          400,
          ErrorCode.INVALID,
          "This port serves HTTPS only; send the request to https://"
              + Request.getServerName(request)
              + ":"
              + portAsked(request)
              + " (plain HTTP is not redirected: it would carry your token in clear text).",
          callback);
      return true;
    }
    int headers = request.getHeaders().size();
    long headerBytes = headerBytes(request);
    if (headerBytes > maxHeaderBytes) {
      ErrorBody.send(
          response,
          head,
          431,
          ErrorCode.PAYLOAD_TOO_LARGE,
          "The request headers are "
              + headerBytes
              + " bytes in total; the limit is "
              + maxHeaderBytes
              + " bytes. Send fewer or smaller headers.",
          callback);
      return true;
    }
    if (headers > maxHeaderCount) {
      ErrorBody.send(
          response,
          head,
          431,
          ErrorCode.PAYLOAD_TOO_LARGE,
          "The request has "
              + headers
              + " header fields; the limit is "
              + maxHeaderCount
              + ". Send fewer headers.",
          callback);
      return true;
    }
    if (!supportedTransferCoding(request)) {
      ErrorBody.send(
          response,
          head,
          400,
          ErrorCode.INVALID,
          "The request's Transfer-Encoding is not supported: send the body with a Content-Length,"
              + " or with Transfer-Encoding: chunked alone.",
          callback);
      return true;
    }
    long length = request.getLength();
    if (length > maxBodyBytes) {
      ErrorBody.send(
          response,
          head,
          413,
          ErrorCode.PAYLOAD_TOO_LARGE,
          "The request body is " + length + " bytes; the limit is " + maxBodyBytes + " bytes.",
          callback);
      return true;
    }
    return super.handle(request, response, callback);
  }

  /**
   * The port of the Host header, else the one the connection came in on. Jetty's {@link
   * Request#getServerPort} falls back to the scheme's default, 80 for plain HTTP, and so told a
   * client that sent "Host: name" to use https://name:80, a port that serves nothing.
   */
  private static int portAsked(Request request) {
    int port = request.getHttpURI().getPort();
    return port > 0 ? port : Request.getLocalPort(request);
  }

  /**
   * No Transfer-Encoding, or {@code chunked} alone. Jetty's parser refuses a coding after {@code
   * chunked}, but takes one before it ({@code gzip, chunked}, or {@code gzip} and {@code chunked}
   * in two fields), removes the chunked framing, and hands the body on still in the other coding,
   * which Jetty does not decode: the API would read compressed bytes as if they were the JSON.
   * HTTP's answer to a coding the server does not know is 501; as with Jetty's own answers, it is
   * the client's mistake and is answered 400.
   */
  private static boolean supportedTransferCoding(Request request) {
    List<String> codings = request.getHeaders().getCSV(HttpHeader.TRANSFER_ENCODING, false);
    return codings.isEmpty()
        || (codings.size() == 1 && codings.getFirst().strip().equalsIgnoreCase("chunked"));
  }

  /** Names, values, and the ": " and line end of each field, as they came on the wire. */
  private static long headerBytes(Request request) {
    long size = 0;
    for (HttpField field : request.getHeaders()) {
      size +=
          field.getName().length() + (field.getValue() == null ? 0 : field.getValue().length()) + 4;
    }
    return size;
  }
}
