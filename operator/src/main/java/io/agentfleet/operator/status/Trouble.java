package io.agentfleet.operator.status;

/** Why the operator cannot do all it should: becomes the Degraded condition. */
public record Trouble(String reason, String message) {}
