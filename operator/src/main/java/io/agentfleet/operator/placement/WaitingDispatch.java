package io.agentfleet.operator.placement;

import java.time.Instant;

/**
 * A dispatch as the LiveKit server lists it ({@code ListDispatch}).
 *
 * @param jobs how many jobs the server created for it; none means no worker took it
 */
public record WaitingDispatch(
    String id, String room, String agentName, String metadata, Instant createdAt, int jobs) {}
