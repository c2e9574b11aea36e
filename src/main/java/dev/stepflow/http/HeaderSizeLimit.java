package dev.stepflow.http;

import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.WorkflowException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.List;
import java.util.Map;

/**
 * Request headers are at most {@link #MAX_HEADER_BYTES} in total (names, values and the ": " and
 * line end of each), answered with 413 (10413) in the envelope before anything else is looked at.
 * The JDK server's own, larger bound ({@code sun.net.httpserver.maxReqHeaderSize}, set by the
 * server) closes the connection without an answer; this one is what clients normally meet.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class HeaderSizeLimit implements ContainerRequestFilter {
  public static final int MAX_HEADER_BYTES = 16 * 1024;

  @Override
  public void filter(ContainerRequestContext request) {
    long size = 0;
    for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
      for (String value : header.getValue()) {
        size += header.getKey().length() + value.length() + 4;
      }
    }
    if (size > MAX_HEADER_BYTES) {
      throw new WorkflowException(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "The request headers are "
              + size
              + " bytes in total; the limit is "
              + MAX_HEADER_BYTES
              + " bytes.");
    }
  }
}
