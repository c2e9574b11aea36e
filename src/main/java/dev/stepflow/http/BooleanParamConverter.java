package dev.stepflow.http;

import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Query values of {@code type: boolean} ({@code simple}) are {@code true} or {@code false} and
 * nothing else. JAX-RS would otherwise use {@link Boolean#valueOf(String)}, which reads {@code
 * maybe} as false; a value that is neither becomes a ParamException, which the error mapper answers
 * with 400 naming the parameter.
 */
@Provider
public final class BooleanParamConverter implements ParamConverterProvider {
  private static final ParamConverter<Boolean> CONVERTER =
      new ParamConverter<>() {
        @Override
        public Boolean fromString(String value) {
          return switch (value) {
            case null -> null;
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default ->
                throw new IllegalArgumentException(
                    "must be true or false (got " + ViolationMessages.shown(value) + ")");
          };
        }

        @Override
        public String toString(Boolean value) {
          return value.toString();
        }
      };

  @Override
  @SuppressWarnings("unchecked")
  public <T> ParamConverter<T> getConverter(
      Class<T> rawType, Type genericType, Annotation[] annotations) {
    return rawType == Boolean.class ? (ParamConverter<T>) CONVERTER : null;
  }
}
