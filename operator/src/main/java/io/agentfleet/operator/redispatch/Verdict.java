package io.agentfleet.operator.redispatch;

/** What {@link OrphanDecision} says about one room, always with the reason. */
public sealed interface Verdict {

  String room();

  String reason();

  /** Dispatch the agent to the room again, with this metadata. */
  record Redispatch(String room, int attempt, String metadata, String reason) implements Verdict {}

  /** Leave the room alone. */
  record Leave(String room, Why why, String reason) implements Verdict {}

  enum Why {
    /** spec.redispatch is off. */
    DISABLED,
    /** The call ended, or its agent left on purpose, or is still there. */
    NOT_ORPHANED,
    /** No dispatch of the deployment's agent in the room: another deployment's call. */
    NOT_OURS,
    /** A dispatch made after the agent was lost waits for its agent (already re-dispatched). */
    PENDING,
    /** spec.redispatch.maxAttempts re-dispatches were made already. */
    EXHAUSTED
  }
}
