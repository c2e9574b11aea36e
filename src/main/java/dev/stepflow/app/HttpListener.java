package dev.stepflow.app;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import org.glassfish.jersey.jdkhttp.JdkHttpHandlerContainer;
import org.glassfish.jersey.jdkhttp.JdkHttpHandlerContainerProvider;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The server's address, bound early and served late. {@link #bind} takes the port before the start
 * opens the store or starts the engine, so a port in use fails the start while nothing has changed;
 * connections that arrive before {@link #serve} wait in the socket's backlog. The JDK's HTTP server
 * answers; {@code /client/v4} is Jersey.
 */
final class HttpListener implements AutoCloseable {
  private final HttpServer http;
  private JdkHttpHandlerContainer api;
  private boolean serving;
  private boolean closed;

  private HttpListener(HttpServer http) {
    this.http = http;
  }

  /** Binds {@code host:port}; an address that cannot be had is a {@link StartFailure}. */
  static HttpListener bind(String host, int port) {
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new StartFailure(
          "Cannot listen on "
              + host
              + ":"
              + port
              + ": the host name does not resolve. Choose a --host of this machine, e.g."
              + " 127.0.0.1, or 0.0.0.0 for every address.");
    }
    try {
      return new HttpListener(HttpServer.create(address, 0));
    } catch (BindException e) {
      throw new StartFailure(refusal(host, port, e), e);
    } catch (IOException e) {
      throw new StartFailure(
          "Cannot listen on "
              + host
              + ":"
              + port
              + ": "
              + StartFailure.reasons(e)
              + ". Choose a --host of this machine, e.g. 127.0.0.1, or 0.0.0.0 for every"
              + " address.",
          e);
    }
  }

  private static String refusal(String host, int port, BindException e) {
    String reason = StartFailure.reasons(e);
    if (reason.contains("in use")) {
      return "Cannot listen on "
          + host
          + ":"
          + port
          + ": the port is in use (by another Stepflow server or another program). Stop it or"
          + " choose another --port (0 picks a free one).";
    }
    return "Cannot listen on "
        + host
        + ":"
        + port
        + ": "
        + reason
        + ". Choose a --host of this machine and a --port this user may use (0 picks a free"
        + " one).";
  }

  /** Answers {@code path} and below with the Jersey application {@code app}. */
  void mountApi(String path, ResourceConfig app) {
    api = new JdkHttpHandlerContainerProvider().createContainer(JdkHttpHandlerContainer.class, app);
    http.createContext(path, api);
  }

  /** Answers {@code path} and below, outside Jersey. */
  void mount(String path, HttpHandler handler) {
    http.createContext(path, handler);
  }

  /** Starts answering, each request on a thread of {@code requests}. */
  synchronized void serve(ExecutorService requests) {
    http.setExecutor(requests);
    http.start();
    serving = true;
    if (api != null) {
      api.getApplicationHandler().onStartup(api);
    }
  }

  InetSocketAddress address() {
    return http.getAddress();
  }

  /** Stops answering and releases the port; open exchanges are cut. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!serving) {
      // the JDK server's socket is registered with the selector of its dispatcher thread and is
      // closed for good only when that thread ends; without a start there is no such thread, and
      // the port would stay taken until the process ends (an embedding application's start that
      // failed after the bind)
      http.start();
    }
    http.stop(0);
    if (api != null) {
      api.getApplicationHandler().onShutdown(api);
    }
  }
}
