package dev.stepflow.web;

import dev.stepflow.domain.ErrorCode;
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
 * port (400), too many header fields (431; their total size is Jetty's own check), and a declared
 * body larger than the API accepts (413). Bodies without a declared length are counted while the
 * API reads them.
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
