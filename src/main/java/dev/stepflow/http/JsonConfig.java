package dev.stepflow.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MutableCoercionConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one ObjectMapper of the HTTP layer. Reading is strict (unknown members, duplicate keys, nulls
 * for members or array items that are not nullable, and coercions such as 1 for true or for an id
 * string are all 400s). Writing follows the contract: a member the spec marks required is always
 * written, as null if it has no value; an optional member without a value is left out; times are
 * UTC with milliseconds.
 */
@Provider
public final class JsonConfig implements ContextResolver<ObjectMapper> {
  /** JSON nesting deeper than this is refused before it reaches any code. */
  static final int MAX_NESTING_DEPTH = 64;

  private static final ObjectMapper MAPPER = build();

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  @Override
  public ObjectMapper getContext(Class<?> type) {
    return MAPPER;
  }

  private static ObjectMapper build() {
    ObjectMapper mapper =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new SimpleModule().addSerializer(new UtcMillisSerializer()))
            .annotationIntrospector(new RequiredMembersAlwaysWritten())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // a null member or array item (a batch of [null]) is refused, never handed on as null
            .defaultSetterInfo(JsonSetter.Value.construct(Nulls.FAIL, Nulls.FAIL))
            .withCoercionConfig(LogicalType.Textual, JsonConfig::onlyStringsAreText)
            .build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
    return mapper;
  }

  /**
   * An id, a name or any other string member must be a JSON string: Jackson would otherwise take
   * {@code true} or {@code 12} as the text "true" or "12".
   */
  private static void onlyStringsAreText(MutableCoercionConfig text) {
    text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
  }

  /**
   * Generated models mark the spec's required members with {@code @JsonProperty(required = true)};
   * those are written even when null ("start": null), everything else only when it has a value.
   */
  private static final class RequiredMembersAlwaysWritten extends JacksonAnnotationIntrospector {
    @Override
    public JsonInclude.Value findPropertyInclusion(Annotated annotated) {
      JsonProperty property = annotated.getAnnotation(JsonProperty.class);
      if (property != null && property.required()) {
        return JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS);
      }
      return JsonInclude.Value.construct(
          JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL);
    }
  }

  /** DESIGN.md section 2: times are UTC, ISO 8601, with milliseconds and Z. */
  private static final class UtcMillisSerializer extends StdSerializer<OffsetDateTime> {
    private static final DateTimeFormatter FORMAT =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'");

    UtcMillisSerializer() {
      super(OffsetDateTime.class);
    }

    @Override
    public void serialize(OffsetDateTime value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(FORMAT.format(value.withOffsetSameInstant(ZoneOffset.UTC)));
    }
  }
}
