package io.agentfleet.worker.job.builtin;

import io.agentfleet.worker.job.Agent;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The agents that ship with the worker, selected by name with {@code --agent}. A fully qualified
 * class name also works, for an {@link Agent} with a public no-argument constructor on the class
 * path: that is how an SDK user runs their own agent with this worker's {@code start} command.
 */
public final class BuiltInAgents {
  private static final Map<String, Supplier<Agent>> AGENTS =
      Map.of(
          "hold", HoldAgent::new,
          "echo", EchoAgent::new,
          "greeter", ToneAgent::new,
          "tone", ToneAgent::new,
          "parrot", ParrotAgent::new);

  private BuiltInAgents() {}

  /**
   * {@code agent}, unless a job's dispatch metadata names a built-in: {@code {"agent": "echo"}}.
   */
  public static Agent selectableByMetadata(Agent agent) {
    return new MetadataSelectedAgent(agent);
  }

  static Optional<Agent> builtIn(String name) {
    Supplier<Agent> builtIn = AGENTS.get(name);
    return builtIn == null ? Optional.empty() : Optional.of(builtIn.get());
  }

  public static Optional<Agent> byName(String name) {
    Supplier<Agent> builtIn = AGENTS.get(name);
    if (builtIn != null) {
      return Optional.of(builtIn.get());
    }
    try {
      Class<?> type = Class.forName(name);
      if (!Agent.class.isAssignableFrom(type)) {
        return Optional.empty();
      }
      return Optional.of((Agent) type.getConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError e) {
      return Optional.empty();
    }
  }

  public static java.util.Set<String> names() {
    return AGENTS.keySet();
  }
}
