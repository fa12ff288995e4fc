package io.agentfleet.operator.dashboard;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The dashboard's settings ({@code agentfleet.operator.dashboard.*}). */
@ConfigMapping(prefix = "agentfleet.operator.dashboard")
public interface DashboardConfig {

  /**
   * Whether the page offers pause, resume and promote. Off by default: the dashboard is read-only
   * and its write endpoints answer 404. When on, each write needs a bearer token that the API
   * server accepts (TokenReview) for a user who may patch the AgentDeployment
   * (SubjectAccessReview).
   */
  @WithDefault("false")
  boolean writeActions();
}
