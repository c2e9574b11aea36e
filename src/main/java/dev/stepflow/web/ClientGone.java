package dev.stepflow.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends quietly the answers of clients that have left. Jersey writes its answer to an output stream
 * over Jetty's response. When the client has reset the connection (a client that sends half a body
 * and aborts, or one that hangs up before reading its answer), or has stopped reading until the
 * idle timeout, a write fails; Jersey logs any write failure of an answer it has begun at ERROR
 * with the whole stack trace ("An I/O error has occurred while writing a response message entity to
 * the container output stream"). A client could fill the log that way at will, and the server can
 * do nothing about it but close the connection, which Jetty does anyway.
 *
 * <p>So below this handler a write that fails because the connection is gone (an I/O failure or a
 * timeout) is logged at DEBUG and reported to Jersey as done, and so is every later write of that
 * answer, which is not attempted. Jetty has had the failure itself, and ends the exchange and the
 * connection. Any other failure of a write reaches Jersey as it came.
 */
final class ClientGone extends Handler.Wrapper {
  private static final Logger log = LoggerFactory.getLogger(ClientGone.class);

  ClientGone(Handler jersey) {
    super(jersey);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    return super.handle(request, new Quiet(request, response), callback);
  }

  /** A write failure of this kind means the connection can carry nothing more. */
  static boolean connectionLost(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException || cause instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static final class Quiet extends Response.Wrapper {
    private volatile boolean gone;

    Quiet(Request request, Response response) {
      super(request, response);
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
      if (gone) {
        callback.succeeded();
        return;
      }
      super.write(
          last,
          content,
          new Callback() {
            @Override
            public void succeeded() {
              callback.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
              if (!connectionLost(failure)) {
                callback.failed(failure);
                return;
              }
              gone = true;
              log.debug(
                  "The client of {} {} left before its answer was written: {}",
                  getRequest().getMethod(),
                  getRequest().getHttpURI().getPath(),
                  failure.toString());
              callback.succeeded();
            }

            @Override
            public InvocationType getInvocationType() {
              return callback.getInvocationType();
            }
          });
    }
  }
}
