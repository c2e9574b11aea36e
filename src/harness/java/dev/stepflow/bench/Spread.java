package dev.stepflow.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Median and range of the values of the rounds. */
record Spread(double median, double min, double max, int n) {

  static Spread of(List<Double> values) {
    if (values.isEmpty()) {
      return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Spread(median, sorted.get(0), sorted.get(n - 1), n);
  }

  /** "median (min–max)" with {@code format} for each number, e.g. "%.0f". */
  String show(String format) {
    if (n == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, format, median)
        + " ("
        + String.format(Locale.ROOT, format, min)
        + "–"
        + String.format(Locale.ROOT, format, max)
        + ")";
  }

  String median(String format) {
    return n == 0 ? "n/a" : String.format(Locale.ROOT, format, median);
  }

  String range(String format) {
    return n == 0
        ? "n/a"
        : String.format(Locale.ROOT, format, min) + "–" + String.format(Locale.ROOT, format, max);
  }
}
