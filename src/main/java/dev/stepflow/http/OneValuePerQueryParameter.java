package dev.stepflow.http;

import static java.util.stream.Collectors.joining;

import dev.stepflow.domain.WorkflowException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.util.List;
import java.util.Map;

/**
 * Every query parameter of the API takes one value: one given twice ({@code
 * ?per_page=2&per_page=3}) is a 400 (10002) naming it, rather than JAX-RS silently using the first
 * value. Runs once the caller is authenticated and authorised, before any value is converted.
 */
@Priority(Priorities.USER)
public final class OneValuePerQueryParameter implements ContainerRequestFilter {
  @Override
  public void filter(ContainerRequestContext request) {
    for (Map.Entry<String, List<String>> parameter :
        request.getUriInfo().getQueryParameters().entrySet()) {
      List<String> values = parameter.getValue();
      if (values.size() > 1) {
        throw WorkflowException.invalid(
            "Query parameter '"
                + parameter.getKey()
                + "' is given "
                + values.size()
                + " times ("
                + values.stream().map(ViolationMessages::shown).collect(joining(", "))
                + "); give it once.");
      }
    }
  }
}
