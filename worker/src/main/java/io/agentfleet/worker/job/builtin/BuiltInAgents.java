package io.agentfleet.worker.job.builtin;

import io.agentfleet.worker.job.Agent;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The agents that ship with the worker, selected by name with {@code --agent}. */
public final class BuiltInAgents {
  private static final Map<String, Supplier<Agent>> AGENTS = Map.of("hold", HoldAgent::new);

  private BuiltInAgents() {}

  public static Optional<Agent> byName(String name) {
    return Optional.ofNullable(AGENTS.get(name)).map(Supplier::get);
  }

  public static java.util.Set<String> names() {
    return AGENTS.keySet();
  }
}
