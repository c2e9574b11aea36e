package dev.stepflow.http;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import org.glassfish.jersey.internal.PropertiesDelegate;

/**
 * Puts the {@code ETag} a resource method named ({@link #tag}) on its answer: the generated
 * interfaces return bodies, not responses. Runs before the answer is kept for an idempotency key,
 * so a replay carries the same tag.
 */
@Priority(Priorities.HEADER_DECORATOR + 200)
public final class EntityTags implements ContainerResponseFilter {
  private static final String ETAG = EntityTags.class.getName() + ".etag";

  /** The answer to the request being handled carries {@code etag}. */
  static void tag(PropertiesDelegate request, String etag) {
    request.setProperty(ETAG, etag);
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getProperty(ETAG) instanceof String etag && response.getStatus() < 300) {
      response.getHeaders().putSingle("ETag", etag);
    }
  }
}
