package dev.stepflow.web;

import dev.stepflow.domain.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.NegotiatingServerConnection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes HTTP/1 connections whose request line and headers do not arrive within the header timeout
 * of their first byte: a slowloris client sends a header byte every few seconds and so never trips
 * the idle timeout, holding a connection (and a file descriptor) for ever. Jetty bounds the body's
 * pace but not the headers', so this watches the parser of every open connection a few times per
 * timeout; a connection found mid-headers past its deadline is answered 408 in the envelope and
 * closed. Its precision is one scan period (a fifth of the timeout, at most a second).
 *
 * <p>With TLS, the handshake is held to the same deadline from the connection's opening: a client
 * that trickles its handshake (a byte every few seconds) is never an HTTP connection, so the scan
 * of the parsers alone would let it hold the connection for ever. A handshake that has not chosen
 * the protocol (ALPN) in time is closed without an answer, as there is no TLS session to answer in.
 *
 * <p>HTTP/2 connections are not watched: their headers arrive in frames, which Jetty's parser does
 * not show half-read. A client that trickles its HTTP/2 frames is bounded by nothing here (each
 * byte restarts the idle timeout); only the connection limit caps what such clients hold.
 */
final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener {
  private static final Logger log = LoggerFactory.getLogger(HeaderDeadline.class);

  private final long timeoutNanos;
  private final long periodNanos;
  private final Scheduler scheduler;
  private final Map<HttpConnection, Phase> open = new ConcurrentHashMap<>();

  /**
   * TLS connections still in their handshake, with when they opened: ALPN's connection lives from
   * the TLS connection's opening until the handshake chose the protocol, then makes way for it.
   */
  private final Map<NegotiatingServerConnection, Long> handshaking = new ConcurrentHashMap<>();

  private final AtomicLong expired = new AtomicLong();
  private volatile Scheduler.Task scan;

  /** Where a connection's current request stood when a scan first saw it mid-headers. */
  private record Phase(long requestsBefore, long sinceNanos) {
    static final Phase IDLE = new Phase(-1, 0);
    static final Phase EXPIRED = new Phase(-2, 0);
  }

  HeaderDeadline(Duration timeout, Scheduler scheduler) {
    this.timeoutNanos = timeout.toNanos();
    this.periodNanos =
        Math.clamp(
            timeoutNanos / 5, Duration.ofMillis(100).toNanos(), Duration.ofSeconds(1).toNanos());
    this.scheduler = scheduler;
  }

  /** Connections closed so far for headers (or a TLS handshake) past their deadline. */
  long expired() {
    return expired.get();
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      open.put(http, Phase.IDLE);
    } else if (connection instanceof NegotiatingServerConnection handshake) {
      handshaking.put(handshake, System.nanoTime());
    }
  }

  @Override
  public void onClosed(Connection connection) {
    if (connection instanceof HttpConnection http) {
      open.remove(http);
    } else if (connection instanceof NegotiatingServerConnection handshake) {
      handshaking.remove(handshake);
    }
  }

  @Override
  protected void doStart() {
    schedule();
  }

  @Override
  protected void doStop() {
    Scheduler.Task task = scan;
    if (task != null) {
      task.cancel();
    }
    open.clear();
    handshaking.clear();
  }

  private void schedule() {
    if (isRunning() || isStarting()) {
      scan = scheduler.schedule(this::scanAll, periodNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void scanAll() {
    try {
      long now = System.nanoTime();
      open.replaceAll((connection, phase) -> next(connection, phase, now));
      handshaking
          .entrySet()
          .removeIf(
              handshake -> {
                if (now - handshake.getValue() <= timeoutNanos) {
                  return false;
                }
                expireHandshake(handshake.getKey());
                return true;
              });
    } catch (RuntimeException e) {
      log.warn("The header deadline scan failed; it runs again", e);
    } finally {
      schedule();
    }
  }

  private Phase next(HttpConnection connection, Phase phase, long now) {
    if (phase == Phase.EXPIRED) {
      return phase;
    }
    if (!midHeaders(connection.getParser())) {
      return Phase.IDLE;
    }
    long requests = connection.getMessagesIn();
    if (phase.requestsBefore() != requests) {
      return new Phase(requests, now);
    }
    if (now - phase.sinceNanos() > timeoutNanos) {
      expire(connection);
      return Phase.EXPIRED;
    }
    return phase;
  }

  /** Past the first byte of a request and before its body or end. */
  private static boolean midHeaders(HttpParser parser) {
    HttpParser.State state = parser.getState();
    return state.compareTo(HttpParser.State.START) > 0
        && state.compareTo(HttpParser.State.CONTENT) < 0;
  }

  private void expireHandshake(NegotiatingServerConnection connection) {
    expired.incrementAndGet();
    log.debug(
        "Closing {}: its TLS handshake did not end in time",
        connection.getEndPoint().getRemoteSocketAddress());
    connection.close();
  }

  private void expire(HttpConnection connection) {
    expired.incrementAndGet();
    EndPoint endPoint = connection.getEndPoint();
    log.debug(
        "Closing {}: its request headers did not arrive in time",
        endPoint.getRemoteSocketAddress());
    byte[] body =
        ErrorBody.of(
            ErrorCode.INVALID,
            "The request headers did not arrive within "
                + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)
                + " s of their first byte; the connection is closed.");
    String head =
        "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    ByteBuffer answer = ByteBuffer.allocate(head.length() + body.length);
    answer.put(head.getBytes(StandardCharsets.US_ASCII)).put(body).flip();
    try {
      endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close(failure)), answer);
    } catch (RuntimeException writing) {
      // a write already pending (the request completed meanwhile): closing is all that is left
      endPoint.close(writing);
    }
  }
}
