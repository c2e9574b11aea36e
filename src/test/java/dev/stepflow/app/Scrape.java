package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One {@code GET /metrics} answer, parsed: its series (name, labels) and their values. */
record Scrape(String text, List<Series> series) {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  record Series(String name, Map<String, String> labels, double value) {}

  /** Scrapes {@code origin + "/metrics"}, which must answer 200 in the Prometheus text format. */
  static Scrape of(String origin) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(origin + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      return parse(response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Scrape parse(String text) {
    List<Series> series = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0) {
        Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
        while (m.find()) {
          labels.put(m.group(1), m.group(2));
        }
      }
      series.add(new Series(name, labels, Double.parseDouble(line.substring(space + 1))));
    }
    return new Scrape(text, List.copyOf(series));
  }

  /**
   * The value of the one series {@code name} whose labels include {@code labels} (pairs of name and
   * value); 0 when there is none yet (a counter not incremented yet is not exported).
   */
  double value(String name, String... labels) {
    List<Series> found = matching(name, labels);
    assertThat(found).as("series %s %s", name, List.of(labels)).hasSizeLessThanOrEqualTo(1);
    return found.isEmpty() ? 0 : found.getFirst().value();
  }

  List<Series> matching(String name, String... labels) {
    return series.stream()
        .filter(s -> s.name().equals(name))
        .filter(
            s -> {
              for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                  return false;
                }
              }
              return true;
            })
        .toList();
  }

  /** How many series have a name that starts with {@code prefix}. */
  long count(String prefix) {
    return series.stream().filter(s -> s.name().startsWith(prefix)).count();
  }
}
