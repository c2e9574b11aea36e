package dev.stepflow.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.stepflow.api.model.ErrorEnvelope;
import dev.stepflow.api.model.PreconditionFailedEnvelope;
import dev.stepflow.api.model.PreconditionState;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.PreconditionFailed;
import dev.stepflow.domain.RateLimited;
import dev.stepflow.domain.WorkflowException;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.glassfish.jersey.server.ParamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every exception that can leave a resource becomes the v4 error envelope here: domain failures by
 * their kind, malformed bodies and invalid parameters as 400 (10002), JAX-RS routing failures with
 * their own status, and anything unexpected as a logged 500 that reveals nothing internal.
 */
public final class ErrorMappers {
  private static final Logger log = LoggerFactory.getLogger(ErrorMappers.class);

  private ErrorMappers() {}

  /** All mapper classes, for registration. */
  public static List<Class<?>> all() {
    return List.of(
        Domain.class,
        Json.class,
        Violations.class,
        BrokenValidation.class,
        WebApp.class,
        UnreadableBody.class,
        Unexpected.class);
  }

  /** Domain and engine failures. */
  public static final class Domain implements ExceptionMapper<WorkflowException> {
    @Override
    public Response toResponse(WorkflowException e) {
      if (e.problems().getFirst().code().kind() == dev.stepflow.domain.ErrorKind.UNAVAILABLE) {
        log.error("Store unavailable", e);
      }
      Response response = ErrorResponses.of(e.problems());
      if (e instanceof PreconditionFailed failed) {
        return preconditionFailed(response, failed);
      }
      if (e instanceof RateLimited limited) {
        return Response.fromResponse(response)
            .header("Retry-After", null)
            .header("Retry-After", String.valueOf(limited.retryAfterSeconds()))
            .build();
      }
      return response;
    }
  }

  /** A 412 gives the instance's current status and ETag, in its body and its ETag header. */
  private static Response preconditionFailed(Response response, PreconditionFailed failed) {
    ErrorEnvelope envelope = (ErrorEnvelope) response.getEntity();
    PreconditionFailedEnvelope body =
        new PreconditionFailedEnvelope(
            envelope.getErrors(),
            envelope.getMessages(),
            new PreconditionState(WireMapper.status(failed.currentStatus()), failed.currentEtag()),
            false);
    return Response.fromResponse(response)
        .entity(body)
        .header("ETag", failed.currentEtag())
        .build();
  }

  /** Bodies Jackson could not read: malformed, wrong types, unknown or missing members. */
  public static final class Json implements ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
      // a limit hit while Jackson was reading (the body-size limit) arrives wrapped by Jackson
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof WorkflowException failure) {
          return ErrorResponses.of(failure.problems());
        }
      }
      return ErrorResponses.of(ErrorCode.INVALID, describe(e));
    }

    static String describe(JsonProcessingException e) {
      return switch (e) {
        case StreamConstraintsException c ->
            "The body is nested too deeply or is too large to read: " + c.getOriginalMessage();
        case JsonParseException p -> "The body is not valid JSON: " + p.getOriginalMessage();
        case InvalidTypeIdException t -> statusProblem(t);
        case UnrecognizedPropertyException u ->
            "Unknown member '"
                + u.getPropertyName()
                + "'"
                + at(u)
                + "; allowed members here: "
                + known(u.getKnownPropertyIds())
                + ".";
        case InvalidNullException n ->
            "'" + path(n) + "' must be " + expected(n.getTargetType()) + " (got null).";
        case InvalidFormatException f ->
            "'"
                + path(f)
                + "' must be "
                + expected(f.getTargetType())
                + " (got "
                + ViolationMessages.shown(f.getValue())
                + ").";
        case ValueInstantiationException v ->
            "Invalid value at '" + path(v) + "': " + rootMessage(v) + ".";
        case MismatchedInputException m -> mismatch(m);
        case JsonMappingException m -> "The body could not be read at '" + path(m) + "'.";
        default -> "The body could not be read.";
      };
    }

    private static String statusProblem(InvalidTypeIdException t) {
      if (t.getTypeId() == null) {
        return "The body needs a 'status': one of pause, resume, terminate, restart.";
      }
      return "Unknown status '"
          + t.getTypeId()
          + "': use one of pause, resume, terminate, restart.";
    }

    private static String mismatch(MismatchedInputException m) {
      String where = path(m);
      if (m.getMessage() != null
          && m.getMessage().startsWith("Missing required creator property")) {
        return "'" + where + "' is required.";
      }
      if (where.isEmpty()) {
        return "The body must be " + expected(m.getTargetType()) + given(m) + ".";
      }
      return "'" + where + "' must be " + expected(m.getTargetType()) + given(m) + ".";
    }

    /** The kind of JSON value the reader stopped at, which is the one it could not take. */
    private static String given(MismatchedInputException m) {
      if (!(m.getProcessor() instanceof JsonParser parser) || parser.currentToken() == null) {
        return "";
      }
      return switch (parser.currentToken()) {
        case VALUE_NULL -> " (got null)";
        case VALUE_TRUE -> " (got true)";
        case VALUE_FALSE -> " (got false)";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> " (got a number)";
        case VALUE_STRING -> " (got a string)";
        case START_ARRAY -> " (got an array)";
        case START_OBJECT -> " (got an object)";
        default -> "";
      };
    }

    private static String expected(Class<?> type) {
      if (type == null) {
        return "a valid value";
      }
      if (type == Boolean.class || type == boolean.class) {
        return "true or false";
      }
      if (type == Integer.class
          || type == int.class
          || type == Long.class
          || type == long.class
          || type == java.math.BigInteger.class) {
        return "a whole number";
      }
      if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
        return "a number";
      }
      if (type == String.class || type.isEnum()) {
        return "a string";
      }
      if (Collection.class.isAssignableFrom(type)) {
        return "an array";
      }
      return "an object";
    }

    private static String at(JsonMappingException e) {
      String parent = e.getPath().size() > 1 ? path(e).substring(0, path(e).lastIndexOf('.')) : "";
      return parent.isEmpty() ? "" : " in '" + parent + "'";
    }

    private static String known(Collection<Object> ids) {
      return ids == null || ids.isEmpty()
          ? "none"
          : ids.stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
    }

    private static String path(JsonMappingException e) {
      return e.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining("."))
          .replace(".[", "[");
    }

    private static String rootMessage(Throwable e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return root.getMessage() == null ? "not allowed" : root.getMessage();
    }
  }

  /** Bean Validation of path, query and body values generated from the spec's rules. */
  public static final class Violations implements ExceptionMapper<ConstraintViolationException> {
    @Override
    public Response toResponse(ConstraintViolationException e) {
      return ErrorResponses.of(ViolationMessages.problems(e));
    }
  }

  /**
   * A constraint the validator cannot apply is a bug in the spec or the generator, not bad input;
   * without this mapper jersey-bean-validation would answer it in text/plain.
   */
  public static final class BrokenValidation implements ExceptionMapper<ValidationException> {
    @Override
    public Response toResponse(ValidationException e) {
      return new Unexpected().toResponse(e);
    }
  }

  /** Routing and content negotiation failures, and unconvertible path or query values. */
  public static final class WebApp implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
      return switch (e) {
        case ParamException p ->
            ErrorResponses.of(
                ErrorCode.INVALID,
                "Invalid value for parameter '"
                    + p.getParameterName()
                    + "': "
                    + rootCause(p)
                    + ".");
        case NotFoundException n ->
            ErrorResponses.of(ErrorCode.NO_ROUTE, "No endpoint serves this path.");
        case NotAllowedException n ->
            withAllow(
                ErrorResponses.withStatus(
                    405,
                    ErrorCode.METHOD_NOT_ALLOWED,
                    "This path does not accept the method; allowed: "
                        + n.getResponse().getAllowedMethods()
                        + "."),
                n);
        case NotSupportedException n ->
            ErrorResponses.withStatus(415, ErrorCode.INVALID, "Send the body as application/json.");
        case NotAcceptableException n ->
            ErrorResponses.withStatus(
                406, ErrorCode.INVALID, "Responses are application/json only.");
        default ->
            ErrorResponses.withStatus(
                e.getResponse().getStatus(),
                ErrorCode.INVALID,
                "The request could not be served (HTTP " + e.getResponse().getStatus() + ").");
      };
    }

    private static Response withAllow(Response response, NotAllowedException e) {
      return Response.fromResponse(response).allow(e.getResponse().getAllowedMethods()).build();
    }

    private static String rootCause(Throwable e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return root == e || root.getMessage() == null ? "not a valid value" : root.getMessage();
    }
  }

  /** A bug: logged with an id the client can quote; the body says nothing about internals. */
  public static final class Unexpected implements ExceptionMapper<Throwable> {
    @Override
    public Response toResponse(Throwable e) {
      String incident = UUID.randomUUID().toString();
      log.error("Unexpected failure, incident {}", incident, e);
      return ErrorResponses.of(
          ErrorCode.INTERNAL,
          "An internal error occurred (incident " + incident + "); it has been logged.");
    }
  }
}
