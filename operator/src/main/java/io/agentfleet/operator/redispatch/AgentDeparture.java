package io.agentfleet.operator.redispatch;

import java.time.Instant;
import livekit.LivekitModels.DisconnectReason;

/**
 * An agent participant left a room, as LiveKit's {@code participant_left} webhook says.
 *
 * @param reason the participant's {@code disconnect_reason}: {@code CLIENT_INITIATED} when the
 *     agent left, {@code SIGNAL_CLOSE} or {@code CONNECTION_TIMEOUT} when its connection died with
 *     its process; {@code UNKNOWN_REASON} from a server that does not say
 */
public record AgentDeparture(String identity, Instant at, DisconnectReason reason) {}
