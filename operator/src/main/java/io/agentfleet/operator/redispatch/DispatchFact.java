package io.agentfleet.operator.redispatch;

import io.agentfleet.api.redispatch.Resumption;
import java.time.Instant;
import java.util.Optional;

/**
 * One dispatch of a room, as the LiveKit server lists it ({@code ListDispatch}).
 *
 * @param created when the server created it; the dispatch's own record, so it survives an operator
 *     restart
 */
public record DispatchFact(String id, String agentName, String metadata, Instant created) {

  /** The resumption this dispatch carries; empty for a dispatch the operator did not make. */
  public Optional<Resumption> resumption() {
    return Resumption.parse(metadata);
  }
}
