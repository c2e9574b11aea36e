package com.example.booking;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The travel providers the saga calls. This one books nothing: it makes ids and keeps a journal of
 * what was done and undone, which the tests read to check the order of the compensations.
 */
public final class Travel {
  /** The providers of the workflows the standalone server runs. */
  static final Travel SHARED = new Travel();

  private final List<String> journal = new CopyOnWriteArrayList<>();

  public List<String> journal() {
    return List.copyOf(journal);
  }

  Map<String, String> reserveFlight(String traveller) {
    return Map.of("flight", done("flight reserved", "FL-" + shortId()));
  }

  Map<String, String> reserveHotel(String traveller) {
    return Map.of("hotel", done("hotel reserved", "HT-" + shortId()));
  }

  Map<String, Object> charge(String traveller, int euros) {
    return Map.of("payment", done("card charged", "PAY-" + shortId()), "euros", euros);
  }

  Map<String, String> remind(String traveller) {
    return Map.of("reminded", done("reminder sent", traveller));
  }

  void cancelFlight(String flight) {
    done("flight cancelled", flight);
  }

  void cancelHotel(String hotel) {
    done("hotel cancelled", hotel);
  }

  void refund(String payment) {
    done("card refunded", payment);
  }

  private String done(String what, String id) {
    journal.add(what + " " + id);
    return id;
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
