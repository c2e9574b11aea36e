package dev.stepflow.http;

import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.OffsetDateTime;

/**
 * Query values of {@code format: date-time} (date_start, date_end). JAX-RS cannot convert them on
 * its own; a value that does not parse becomes a ParamException, which the error mapper answers
 * with 400.
 */
@Provider
public final class TimeParamConverter implements ParamConverterProvider {
  private static final ParamConverter<OffsetDateTime> CONVERTER =
      new ParamConverter<>() {
        @Override
        public OffsetDateTime fromString(String value) {
          return value == null ? null : OffsetDateTime.parse(value);
        }

        @Override
        public String toString(OffsetDateTime value) {
          return value.toString();
        }
      };

  @Override
  @SuppressWarnings("unchecked")
  public <T> ParamConverter<T> getConverter(
      Class<T> rawType, Type genericType, Annotation[] annotations) {
    return rawType == OffsetDateTime.class ? (ParamConverter<T>) CONVERTER : null;
  }
}
