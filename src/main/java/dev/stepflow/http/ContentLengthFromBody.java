package dev.stepflow.http;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Every answer carries its {@code Content-Length}: the body is written to memory first, then to the
 * connection in one piece. Jersey's Jetty container does not buffer, so without this each answer
 * goes out chunked, as a write for the body and another for the chunked encoding's end. The API's
 * bodies are bounded JSON (the largest, GET instance, stays small however large the instance; see
 * README "Limits"), so holding one in memory costs no more than building it did.
 */
@Provider
public final class ContentLengthFromBody implements WriterInterceptor {
  private static final int INITIAL_BYTES = 1024;

  @Override
  public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
    OutputStream connection = context.getOutputStream();
    ByteArrayOutputStream body = new ByteArrayOutputStream(INITIAL_BYTES);
    context.setOutputStream(body);
    context.proceed();
    // nothing has reached the connection yet, so the headers can still change
    context.getHeaders().putSingle(HttpHeaders.CONTENT_LENGTH, body.size());
    context.setOutputStream(connection);
    body.writeTo(connection);
  }
}
