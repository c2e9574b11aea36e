package dev.stepflow.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stepflow.domain.StoredAnswer;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.engine.service.IdempotencyKeys;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code Idempotency-Key} on POST, PATCH and DELETE ({@link IdempotencyKeys} keeps the keys). On
 * the way in, a request with a key claims it for its fingerprint (method, path with query, body),
 * or is answered at once with the first request's kept answer ({@code Idempotent-Replayed: true}),
 * or refused (422, 409). On the way out, the answer of the request that holds the key is kept,
 * before it is sent, exactly as it is sent: so a client that lost the answer and retries gets the
 * same bytes. Answers a retry may change (5xx, 429) free the key instead.
 */
@Priority(Priorities.HEADER_DECORATOR + 100)
public final class IdempotentRequests implements ContainerRequestFilter, ContainerResponseFilter {
  static final String HEADER = "Idempotency-Key";
  static final String REPLAYED_HEADER = "Idempotent-Replayed";
  private static final Set<String> METHODS = Set.of("POST", "PATCH", "DELETE");

  /** The headers of an answer that belong to it and are given again with it. */
  private static final List<String> KEPT_HEADERS = List.of("ETag", "x-should-retry");

  private static final String HELD = IdempotentRequests.class.getName() + ".held";

  private final IdempotencyKeys keys;

  public IdempotentRequests(IdempotencyKeys keys) {
    this.keys = keys;
  }

  /** The key a request holds until its answer is kept or the key freed. */
  private record Held(String caller, String key) {}

  @Override
  public void filter(ContainerRequestContext request) throws IOException {
    List<String> sent = request.getHeaders().get(HEADER);
    if (!METHODS.contains(request.getMethod()) || sent == null || sent.isEmpty()) {
      return;
    }
    if (sent.size() > 1) {
      throw WorkflowException.invalid("Send one " + HEADER + " header, not " + sent.size() + ".");
    }
    String key = sent.getFirst();
    IdempotencyKeys.requireWellFormed(key);
    byte[] body = readBody(request.getEntityStream());
    request.setEntityStream(new ByteArrayInputStream(body));
    String caller = Caller.of(request.getSecurityContext()).getName();
    Optional<StoredAnswer> kept = keys.claim(caller, key, fingerprint(request, body));
    if (kept.isPresent()) {
      request.abortWith(replay(kept.get()));
      return;
    }
    request.setProperty(HELD, new Held(caller, key));
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(request.getProperty(HELD) instanceof Held held)) {
      return;
    }
    request.removeProperty(HELD);
    int status = response.getStatus();
    if (status >= 500 || status == 429) {
      keys.release(held.caller(), held.key());
      return;
    }
    byte[] body = serialized(response.getEntity());
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : KEPT_HEADERS) {
      String value = response.getHeaderString(name);
      if (value != null) {
        headers.put(name, value);
      }
    }
    keys.keep(
        held.caller(),
        held.key(),
        new StoredAnswer(status, headers, new String(body, StandardCharsets.UTF_8)));
    response.setEntity(body, response.getEntityAnnotations(), MediaType.APPLICATION_JSON_TYPE);
  }

  private static Response replay(StoredAnswer answer) {
    Response.ResponseBuilder replay =
        Response.status(answer.status())
            .type(MediaType.APPLICATION_JSON_TYPE)
            .entity(answer.body().getBytes(StandardCharsets.UTF_8))
            .header(REPLAYED_HEADER, "true");
    answer.headers().forEach(replay::header);
    return replay.build();
  }

  /**
   * The body, read whole so that it can be fingerprinted and then read again by the resource; at
   * most the body limit (the front refuses a larger declared length before this runs).
   */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(BodySizeLimit.MAX_BODY_BYTES + 1);
    if (body.length > BodySizeLimit.MAX_BODY_BYTES) {
      throw WorkflowException.payloadTooLarge(
          "The request body", body.length, BodySizeLimit.MAX_BODY_BYTES);
    }
    return body;
  }

  /** SHA-256 of the method, the raw path and query, and the body. */
  private static String fingerprint(ContainerRequestContext request, byte[] body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      var uri = request.getUriInfo().getRequestUri();
      String target =
          request.getMethod()
              + " "
              + uri.getRawPath()
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
              + "\n";
      sha.update(target.getBytes(StandardCharsets.UTF_8));
      sha.update(body);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The entity as Jersey would write it: the one ObjectMapper of the HTTP layer. */
  private static byte[] serialized(Object entity) {
    if (entity == null) {
      return new byte[0];
    }
    if (entity instanceof byte[] bytes) {
      return bytes;
    }
    try {
      return JsonConfig.mapper().writeValueAsBytes(entity);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
