package io.agentfleet.worker.room;

/**
 * A user data packet ({@code DataPacket.user}) received from another participant.
 *
 * @param participant the sender's identity
 * @param topic the packet's topic, empty when none
 * @param payload the bytes
 */
public record DataMessage(String participant, String topic, byte[] payload) {}
