package dev.stepflow.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * A request got no usable answer: the connection failed or timed out, the calling thread was
 * interrupted (the cause is then an {@link java.io.InterruptedIOException} and the thread's
 * interrupt flag is set again), or the answer could not be read as the expected JSON. The message
 * names the method and the URL.
 *
 * <p>Whether the server acted on the request is unknown; retry only what is safe to repeat (a GET,
 * or a create with an explicit instance id, which answers 409 the second time).
 */
public final class StepflowIoException extends UncheckedIOException {
  private static final long serialVersionUID = 1L;

  private final URI uri;

  StepflowIoException(String method, URI uri, String what, IOException cause) {
    super(method + " " + uri + " failed: " + what + ": " + cause.getMessage(), cause);
    this.uri = uri;
  }

  /** The URI of the failed request. */
  public URI uri() {
    return uri;
  }
}
