package io.agentfleet.sandbox.calls;

import java.time.Duration;

/** A call to place {@code at} after the start of a run, lasting {@code length}. */
public record PlannedCall(Duration at, Duration length, String agentName) {}
