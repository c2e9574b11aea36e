package dev.stepflow.http;

import dev.stepflow.domain.WorkflowException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Request bodies are at most {@link #MAX_BODY_BYTES}: the largest payload the contract allows (1
 * MiB of params or event) plus room for the JSON around it. The HTTP front refuses a declared
 * Content-Length over the limit before anything is read; a body without one (chunked) is counted
 * here while it is read and refused when it passes the limit, so no request can make the server
 * buffer more than that.
 */
@Provider
public final class BodySizeLimit implements ReaderInterceptor {
  public static final int MAX_BODY_BYTES = 1024 * 1024 + 64 * 1024;

  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    context.setInputStream(new Bounded(context.getInputStream()));
    return context.proceed();
  }

  private static WorkflowException tooLarge(long size) {
    return WorkflowException.payloadTooLarge("The request body", size, MAX_BODY_BYTES);
  }

  /** Counts what is read and fails once the body is larger than the limit. */
  private static final class Bounded extends FilterInputStream {
    private long read;

    Bounded(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > MAX_BODY_BYTES) {
        throw tooLarge(read);
      }
    }
  }
}
