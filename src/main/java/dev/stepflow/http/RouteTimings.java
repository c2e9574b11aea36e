package dev.stepflow.http;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.List;
import java.util.Set;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;

/**
 * Times every API request by method, route template and status ({@code GET /metrics}): the route is
 * the matched resource's path template (e.g. {@code
 * /accounts/{account_id}/workflows/{workflow_name}}), never the raw path, so ids never become
 * labels; a request no resource matched (a 404, or refused before matching) is {@link #UNMATCHED}.
 */
@PreMatching
@Priority(0)
public final class RouteTimings implements ContainerRequestFilter, ContainerResponseFilter {
  /** The route of a request that no resource method matched. */
  public static final String UNMATCHED = "unmatched";

  private static final String STARTED = RouteTimings.class.getName() + ".started";
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  /** Where the timings go. */
  @FunctionalInterface
  public interface Recorder {
    void request(String method, String route, int status, long nanos);
  }

  private final Recorder recorder;

  public RouteTimings(Recorder recorder) {
    this.recorder = recorder;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    request.setProperty(STARTED, System.nanoTime());
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    long nanos =
        request.getProperty(STARTED) instanceof Long started ? System.nanoTime() - started : 0;
    String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "other";
    recorder.request(method, route(request), response.getStatus(), nanos);
  }

  private static String route(ContainerRequestContext request) {
    if (!(request.getUriInfo() instanceof ExtendedUriInfo info)
        || info.getMatchedResourceMethod() == null) {
      return UNMATCHED;
    }
    List<UriTemplate> templates = info.getMatchedTemplates();
    StringBuilder route = new StringBuilder();
    for (int i = templates.size() - 1; i >= 0; i--) {
      String part = templates.get(i).getTemplate();
      if (!part.isEmpty() && !part.equals("/")) {
        route.append(part.startsWith("/") ? "" : "/").append(part);
      }
    }
    return route.isEmpty() ? "/" : route.toString();
  }
}
