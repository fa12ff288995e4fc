package io.agentfleet.worker.job.builtin;

import io.agentfleet.worker.job.Agent;
import io.agentfleet.worker.job.JobContext;

/**
 * Runs the built-in agent the dispatch metadata names ({@code {"agent": "echo"}}), or the
 * configured one when the metadata names none, so one worker can serve every built-in agent.
 */
final class MetadataSelectedAgent implements Agent {
  private final Agent configured;

  MetadataSelectedAgent(Agent configured) {
    this.configured = configured;
  }

  @Override
  public void run(JobContext context) throws Exception {
    Metadata meta = Metadata.parse(context.metadata());
    String name = meta.json().has("agent") ? meta.json().get("agent").getAsString() : "";
    Agent chosen = BuiltInAgents.builtIn(name).orElse(configured);
    chosen.run(context);
  }
}
