package dev.stepflow.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Map;

/**
 * Jersey answers OPTIONS itself with a text/plain list of methods; this keeps the promise that
 * every response is the JSON envelope, with the allowed methods as the result (and still in {@code
 * Allow}).
 */
@Provider
public final class OptionsAsJson implements ContainerResponseFilter {
  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!request.getMethod().equals("OPTIONS") || response.getStatus() >= 400) {
      return;
    }
    List<String> allowed = response.getAllowedMethods().stream().sorted().toList();
    // Jersey's own answer to an OPTIONS that accepts no text/plain is empty and says so in
    // Content-Length; the body set here has a length of its own
    response.getHeaders().remove(HttpHeaders.CONTENT_LENGTH);
    response.setEntity(
        Map.of(
            "success", true,
            "errors", List.of(),
            "messages", List.of(),
            "result", Map.of("allow", allowed)),
        null,
        MediaType.APPLICATION_JSON_TYPE);
  }
}
