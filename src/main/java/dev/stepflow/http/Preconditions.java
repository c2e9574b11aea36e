package dev.stepflow.http;

import dev.stepflow.api.model.InstanceStatus;
import dev.stepflow.domain.Precondition;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.WorkflowException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@code If-Match} and {@code if_status} of PATCH .../status as a {@link Precondition}. */
final class Preconditions {
  private Preconditions() {}

  /**
   * {@code ifMatch}: {@code *}, or entity tags separated by commas, each quoted (strong) as GET
   * instance gives them; a weak tag ({@code W/"..."}) never matches a strong comparison (RFC 9110)
   * and is refused as a mistake, as is anything unquoted.
   */
  static Precondition of(String ifMatch, List<InstanceStatus> ifStatus) {
    List<String> etags = ifMatch == null ? List.of() : etags(ifMatch);
    Set<Status> statuses = EnumSet.noneOf(Status.class);
    if (ifStatus != null) {
      ifStatus.forEach(status -> statuses.add(WireMapper.status(status)));
    }
    return new Precondition(etags, statuses);
  }

  private static List<String> etags(String header) {
    String trimmed = header.strip();
    if (trimmed.equals("*")) {
      return List.of("*");
    }
    List<String> tags = new ArrayList<>();
    for (String part : trimmed.split(",", -1)) {
      String tag = part.strip();
      if (tag.length() < 2
          || !tag.startsWith("\"")
          || !tag.endsWith("\"")
          || tag.substring(1, tag.length() - 1).contains("\"")) {
        throw WorkflowException.invalid(
            "If-Match must be * or ETags in double quotes separated by commas, as GET instance"
                + " answers them (e.g. If-Match: \"17.3\"); got: "
                + (header.length() > 80 ? header.substring(0, 80) + "..." : header));
      }
      tags.add(tag);
    }
    return tags;
  }
}
