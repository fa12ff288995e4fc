package io.agentfleet.cli.status;

import io.agentfleet.cli.output.Age;
import io.agentfleet.cli.output.Table;
import java.time.Instant;
import java.util.Locale;

/** The human form of {@link FleetStatus}; pure, so its layout is unit-tested. */
final class FleetView {

  private FleetView() {}

  static String render(FleetStatus fleet, Instant now) {
    StringBuilder out = new StringBuilder();
    out.append(fleet.name())
        .append(": desired ")
        .append(number(fleet.desired()))
        .append(", ready ")
        .append(number(fleet.ready()))
        .append(", calls ")
        .append(number(fleet.calls()))
        .append(", load ")
        .append(load(fleet.load()))
        .append(", update revision ")
        .append(fleet.updateRevision() == null ? "-" : fleet.updateRevision())
        .append(", rollout ")
        .append(fleet.rolloutPhase() == null ? "-" : fleet.rolloutPhase());
    if (fleet.rolloutDetail() != null) {
      out.append(" (").append(fleet.rolloutDetail()).append(')');
    }
    out.append('\n');
    if (fleet.message() != null && !fleet.message().isBlank()) {
      out.append("  ").append(fleet.message().strip()).append('\n');
    }
    if (fleet.workers().isEmpty()) {
      out.append("No worker pods.\n");
      return out.toString();
    }
    Table table = new Table("NAME", "REVISION", "STATE", "CALLS", "LOAD", "AGE");
    for (Worker w : fleet.workers()) {
      table.row(
          w.name(),
          w.revision() == null ? "-" : w.revision(),
          w.state(),
          number(w.calls()),
          load(w.load()),
          Age.since(w.createdAt(), now));
    }
    return out.append('\n').append(table.render()).toString();
  }

  static String number(Integer value) {
    return value == null ? "-" : String.valueOf(value);
  }

  static String load(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.2f", value);
  }
}
