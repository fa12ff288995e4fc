package io.agentfleet.operator.revision;

/** One stored template version: its hash, its ControllerRevision name and its number. */
public record Revision(String hash, String name, long number) {}
