package io.agentfleet.cli.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code status} shows: the AgentDeployment's own summary and one row per worker pod. Also the
 * document of {@code -o json|yaml}.
 *
 * @param updateRevision the revision's number when known, else its name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FleetStatus(
    String name,
    String namespace,
    Integer desired,
    Integer ready,
    Integer calls,
    Double load,
    String updateRevision,
    String rolloutPhase,
    String rolloutDetail,
    String message,
    List<Worker> workers) {}
