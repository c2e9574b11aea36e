package dev.stepflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * {@link RequestIds} on a real Jetty: the handler behind it sees the id in the request header and
 * in the MDC (so every line it logs names the request), the answer carries the same id, and the MDC
 * is clean again after the request.
 */
class RequestIdsIT {
  private final AtomicReference<String> seenInMdc = new AtomicReference<>();
  private final AtomicReference<String> seenInHeader = new AtomicReference<>();
  private final AtomicReference<String> leftInMdc = new AtomicReference<>();
  private Server server;
  private int port;

  @BeforeEach
  void serve() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    Handler recorder =
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            seenInMdc.set(MDC.get(RequestIds.MDC_FIELD));
            seenInHeader.set(request.getHeaders().get(RequestIds.HEADER));
            response.write(true, ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)), callback);
            return true;
          }
        };
    Handler.Wrapper mdcAfter =
        new Handler.Wrapper(new RequestIds(recorder)) {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            boolean handled = super.handle(request, response, callback);
            leftInMdc.set(MDC.get(RequestIds.MDC_FIELD));
            return handled;
          }
        };
    server.setHandler(mdcAfter);
    server.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private HttpResponse<String> get(String requestId) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"));
    if (requestId != null) {
      request.header(RequestIds.HEADER, requestId);
    }
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void theCallersIdIsLoggedHandedOnAndAnswered() throws Exception {
    HttpResponse<String> answer = get("client-trace-42");

    assertThat(answer.headers().firstValue(RequestIds.HEADER)).hasValue("client-trace-42");
    assertThat(seenInMdc.get()).isEqualTo("client-trace-42");
    assertThat(seenInHeader.get()).isEqualTo("client-trace-42");
    assertThat(leftInMdc.get()).isNull();
  }

  @Test
  void aGeneratedIdIsTheOneLoggedHandedOnAndAnswered() throws Exception {
    HttpResponse<String> answer = get("bad id with spaces");

    String answered = answer.headers().firstValue(RequestIds.HEADER).orElseThrow();
    assertThat(answered).isNotEqualTo("bad id with spaces").hasSize(36);
    assertThat(seenInMdc.get()).isEqualTo(answered);
    assertThat(seenInHeader.get()).isEqualTo(answered);
  }
}
