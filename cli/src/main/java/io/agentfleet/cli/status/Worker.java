package io.agentfleet.cli.status;

/**
 * One row of {@code status}, also its JSON/YAML form.
 *
 * @param revision the revision's number, or its hash when no ControllerRevision has that hash
 * @param calls null when the worker's report could not be read
 * @param load null when unread or not reported
 */
public record Worker(
    String name,
    String revision,
    String state,
    Integer calls,
    Double load,
    String createdAt,
    String node) {}
