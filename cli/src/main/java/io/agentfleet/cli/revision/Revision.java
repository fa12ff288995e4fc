package io.agentfleet.cli.revision;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One ControllerRevision of an AgentDeployment, as the plugin shows it.
 *
 * @param number {@code .revision}: monotonic; a template that comes back gets a new number
 * @param name {@code <deployment>-<hash>}, the name status.updateRevision uses
 * @param hash the {@code agentfleet.io/revision} label the pods carry
 * @param changeCause {@code kubernetes.io/change-cause}, or null
 * @param rolledBack why the operator rolled it back automatically, or null
 * @param createdAt creationTimestamp, RFC 3339
 * @param template the user's pod template ({@code data.spec.template}), or null if missing
 */
public record Revision(
    long number,
    String name,
    String hash,
    String changeCause,
    String rolledBack,
    String createdAt,
    JsonNode template) {}
