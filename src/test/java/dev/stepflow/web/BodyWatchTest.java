package dev.stepflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Components;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the API's body reader meets when Jetty's parser refuses a chunked body. Over a real
 * connection the form of the refusal depends on when the last bytes and the stream's end arrive (CI
 * met the runtime one once among the cut bodies of HostileClientIT), so here the connection's
 * request is a stand-in that hands out the chunks Jetty 12.1 hands out in each case.
 */
class BodyWatchTest {
  private static final String REASON = "Early EOF";

  private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();

  @BeforeEach
  void startScheduler() throws Exception {
    scheduler.start();
  }

  @AfterEach
  void stopScheduler() throws Exception {
    scheduler.stop();
  }

  @Test
  void aRefusalMetWhileDemandingIsAnUnreadableBody() throws Exception {
    Throwable failure =
        readThroughBodyWatch(Content.Chunk.from(new HttpException.RuntimeException(400, REASON)));

    assertUnreadableBody(failure);
  }

  @Test
  void aRefusalBehindANormalEndIsAnUnreadableBody() throws Exception {
    Throwable failure =
        readThroughBodyWatch(
            Content.Chunk.EOF, Content.Chunk.from(new HttpException.RuntimeException(400, REASON)));

    assertUnreadableBody(failure);
  }

  @Test
  void aWholeBodyIsReadToItsEnd() throws Exception {
    Throwable failure = readThroughBodyWatch(Content.Chunk.EOF, Content.Chunk.EOF);

    assertThat(failure).isNull();
  }

  /** UnreadableBody answers an IOException 400; anything else would be a 500. */
  private static void assertUnreadableBody(Throwable failure) {
    assertThat(failure)
        .isInstanceOf(IOException.class)
        .hasMessage(REASON)
        .hasCauseInstanceOf(HttpException.RuntimeException.class);
  }

  /**
   * Reads the body, as the API does through an InputStream, of a chunked HTTP/1.1 request whose
   * connection has {@code chunks} to read once the reader demands more; what the read threw.
   */
  private Throwable readThroughBodyWatch(Content.Chunk... chunks) throws Exception {
    AtomicReference<Throwable> readFailure = new AtomicReference<>();
    Handler reader =
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            readFailure.set(catchThrowable(Content.Source.asInputStream(request)::read));
            callback.succeeded();
            return true;
          }
        };
    new BodyWatch(Duration.ofSeconds(30), reader)
        .handle(chunkedRequest(chunks), stand(Response.class, (name, args) -> null), Callback.NOOP);
    return readFailure.get();
  }

  private Request chunkedRequest(Content.Chunk... chunks) {
    ConnectionMetaData connection =
        stand(
            ConnectionMetaData.class,
            (name, args) -> name.equals("getHttpVersion") ? HttpVersion.HTTP_1_1 : null);
    Components components =
        stand(Components.class, (name, args) -> name.equals("getScheduler") ? scheduler : null);
    HttpFields headers = HttpFields.build().add(HttpHeader.TRANSFER_ENCODING, "chunked");
    Queue<Content.Chunk> arrived = new ArrayDeque<>();
    Queue<Content.Chunk> toArrive = new ArrayDeque<>(List.of(chunks));
    return stand(
        Request.class,
        (name, args) ->
            switch (name) {
              case "getLength" -> -1L;
              case "getHeaders" -> headers;
              case "getConnectionMetaData" -> connection;
              case "getComponents" -> components;
              case "read" -> arrived.poll();
              case "demand" -> {
                // the parser runs inside demand and leaves everything that has come for reads
                arrived.addAll(toArrive);
                toArrive.clear();
                ((Runnable) args[0]).run();
                yield null;
              }
              default -> null;
            });
  }

  private interface Answers {
    Object answer(String method, Object[] args);
  }

  private static <T> T stand(Class<T> type, Answers answers) {
    return type.cast(
        Proxy.newProxyInstance(
            BodyWatchTest.class.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> type.getSimpleName() + " stand-in";
                  default -> answers.answer(method.getName(), args);
                }));
  }
}
