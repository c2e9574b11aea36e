package dev.stepflow.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Watches each request body, for two things.
 *
 * <p>A deadline: the whole body must arrive within the body timeout of its first read. Jetty's idle
 * timeout ends a body that stops altogether, but a client that trickles a byte every few seconds
 * would hold a request (and the thread reading it) for as long as it likes. Past the deadline the
 * reader gets a {@link BodyTimeout} instead of more content (the API answers it 408).
 *
 * <p>A drain: an answer given without reading the body (a 401, 404 or 405 to a POST) is followed by
 * reading the rest of the body, within the same deadline, before the exchange completes. Closing
 * the connection on unread data instead would make the kernel reset it, and a client still sending
 * could lose the answer it was given. A client waiting for {@code 100 Continue} has sent no body
 * and is not waited for; its connection closes after the answer.
 */
final class BodyWatch extends Handler.Wrapper {
  /**
   * The most a drain reads: enough for any body a client would send to this API, including ones
   * refused for their size (413), at a cost of a few milliseconds on a local link.
   */
  static final long MAX_DRAIN_BYTES = 16L * 1024 * 1024;

  private final Duration timeout;

  BodyWatch(Duration timeout, Handler next) {
    super(next);
    this.timeout = timeout;
  }

  /**
   * Reads and drops what is left of {@code request}'s body, then succeeds {@code done}; it fails
   * {@code done} at a read failure (the deadline, the client gone) or past {@link
   * #MAX_DRAIN_BYTES}. The body then stays unread and Jetty closes the connection, which is all
   * that is left to do. Reads without holding a thread while the client is slow.
   */
  static void discardRest(Request request, Callback done) {
    new Drain(request, done).run();
  }

  private static final class Drain implements Runnable {
    private final Request request;
    private final Callback done;
    private long drained;

    Drain(Request request, Callback done) {
      this.request = request;
      this.done = done;
    }

    @Override
    public void run() {
      while (true) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          done.failed(chunk.getFailure());
          return;
        }
        drained += chunk.remaining();
        chunk.release();
        if (chunk.isLast()) {
          done.succeeded();
          return;
        }
        if (drained > MAX_DRAIN_BYTES) {
          done.failed(new IllegalStateException("more than " + MAX_DRAIN_BYTES + " bytes unread"));
          return;
        }
      }
    }
  }

  /**
   * Whether {@code request} may carry a body: an HTTP/1 request has one only with a {@code
   * Content-Length} above 0 or a {@code Transfer-Encoding}; an HTTP/2 request without a length may
   * have one.
   */
  private static boolean mayHaveBody(Request request) {
    long length = request.getLength();
    if (length >= 0) {
      return length > 0;
    }
    return !http1(request) || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  /** HTTP/1.0 or 1.1, where a connection's end is announced with {@code Connection: close}. */
  static boolean http1(Request request) {
    HttpVersion version = request.getConnectionMetaData().getHttpVersion();
    return version == HttpVersion.HTTP_1_0 || version == HttpVersion.HTTP_1_1;
  }

  /** The failure a reader meets past the deadline; the API answers it 408. */
  static final class BodyTimeout extends TimeoutException {
    BodyTimeout(Duration timeout) {
      super("the request body did not arrive within " + timeout.toSeconds() + " s");
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!mayHaveBody(request)) {
      return super.handle(request, response, callback);
    }
    Watched watched = new Watched(request);
    response = new ClosingIfUnread(watched, response);
    return super.handle(
        watched,
        response,
        Callback.from(
            () -> watched.drain(callback),
            failure -> {
              watched.cancel();
              callback.failed(failure);
            }));
  }

  /**
   * An error answer given before the body was read to its end says {@code Connection: close}: the
   * drain after it may not get to the end (a reader may have given up on the body half-way), and
   * Jetty then closes the connection, which the client must know before it sends its next request
   * into it.
   */
  private static final class ClosingIfUnread extends Response.Wrapper {
    private final Watched request;
    private boolean committed;

    ClosingIfUnread(Watched request, Response response) {
      super(request, response);
      this.request = request;
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
      if (!committed) {
        committed = true;
        if (getStatus() >= 400 && !request.whole && http1(request)) {
          getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
      }
      super.write(last, content, callback);
    }
  }

  /** The request, with reads that fail once the deadline has passed before the body's end. */
  private final class Watched extends Request.Wrapper {
    private final AtomicReference<Runnable> pendingDemand = new AtomicReference<>();
    private volatile Scheduler.Task timer;
    private volatile Content.Chunk expired;
    private volatile boolean whole;

    Watched(Request request) {
      super(request);
    }

    @Override
    public Content.Chunk read() {
      startTimer();
      Content.Chunk failure = expired;
      if (failure != null) {
        return failure;
      }
      Content.Chunk chunk = super.read();
      if (chunk != null
          && chunk.isLast()
          && !chunk.hasRemaining()
          && !Content.Chunk.isFailure(chunk)) {
        chunk = failureBehind(chunk);
      }
      chunk = unreadableIfRefused(chunk);
      if (chunk != null && chunk.isLast()) {
        whole = true;
        cancel();
      }
      return chunk;
    }

    /**
     * {@code end}, or the failure that comes after it. Jetty 12.1's HTTP/1 parser, meeting the end
     * of the stream after a chunk's data and a lone CR (the client closed its side before the last
     * chunk), fails the request with its 400 but hands the reader a normal end of content; only the
     * next read returns the failure. Without this the API would take a cut chunked body for a whole
     * one and act on it. After a real end, the next read returns the end again.
     */
    private Content.Chunk failureBehind(Content.Chunk end) {
      Content.Chunk next = super.read();
      if (Content.Chunk.isFailure(next)) {
        return next;
      }
      if (next != null) {
        next.release();
      }
      return end;
    }

    /**
     * {@code chunk}, unless it is the parser's refusal of the body: Jetty hands that to the reader
     * as a runtime exception, which would reach the API as a failure of the server (500). A body
     * that cannot be read is an I/O failure (400, see UnreadableBody). The refusal after a normal
     * end (see failureBehind) is one; a chunked body cut after a chunk's CR, when the parser meets
     * the stream's end while the reader demands more, is another (about one in a thousand of them
     * on a local link).
     */
    private static Content.Chunk unreadableIfRefused(Content.Chunk chunk) {
      if (!Content.Chunk.isFailure(chunk)
          || !(chunk.getFailure() instanceof HttpException refusal)
          || chunk.getFailure() instanceof IOException) {
        return chunk;
      }
      return Content.Chunk.from(
          new IOException(refusal.getReason(), chunk.getFailure()), chunk.isLast());
    }

    @Override
    public void demand(Runnable demandCallback) {
      startTimer();
      if (expired != null) {
        demandCallback.run();
        return;
      }
      pendingDemand.set(demandCallback);
      super.demand(
          () -> {
            Runnable pending = pendingDemand.getAndSet(null);
            if (pending != null) {
              pending.run();
            }
          });
    }

    /** Reads what is left of the body, then completes the exchange with {@code callback}. */
    void drain(Callback callback) {
      boolean awaitingContinue = HttpHeaderValue.CONTINUE.is(getHeaders().get(HttpHeader.EXPECT));
      if (whole || awaitingContinue) {
        cancel();
        callback.succeeded();
        return;
      }
      Runnable complete =
          () -> {
            cancel();
            callback.succeeded();
          };
      discardRest(this, Callback.from(complete, failure -> complete.run()));
    }

    private synchronized void startTimer() {
      if (timer == null && !whole) {
        timer =
            getComponents()
                .getScheduler()
                .schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    private void expire() {
      if (whole) {
        return;
      }
      expired = Content.Chunk.from(new BodyTimeout(timeout), true);
      Runnable pending = pendingDemand.getAndSet(null);
      if (pending != null) {
        pending.run();
      }
    }

    void cancel() {
      Scheduler.Task task = timer;
      if (task != null) {
        task.cancel();
      }
    }
  }
}
