package io.agentfleet.sandbox.launcher;

import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.sandbox.calls.CallLedger;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The launcher's one line a second, e.g. {@code [ 42s] calls 12 in call, 30 done, 0 dropped, 1
 * waiting | pods 6b9f: 3 ready, 1 starting; 51ce: 1 terminating | registered 4, load 0.31 | desired
 * 4 ready 3}. Pure: the launcher gathers the inputs.
 */
final class SummaryLine {
  private SummaryLine() {}

  static String render(
      Duration elapsed,
      Map<CallOutcome, Integer> calls,
      List<Pod> pods,
      int registered,
      AgentDeploymentStatus status) {
    return render(elapsed, calls, null, pods, registered, status);
  }

  /**
   * @param media the media calls' tally after the calls, e.g. {@code (media 2 in call, 5 heard, 0
   *     not)}; null leaves it out
   */
  static String render(
      Duration elapsed,
      Map<CallOutcome, Integer> calls,
      CallLedger.MediaTally media,
      List<Pod> pods,
      int registered,
      AgentDeploymentStatus status) {
    StringBuilder line = new StringBuilder();
    line.append(String.format(Locale.ROOT, "[%4ds] ", elapsed.toSeconds()));
    int done =
        calls.getOrDefault(CallOutcome.COMPLETED, 0)
            + calls.getOrDefault(CallOutcome.COMPLETED_LATE, 0)
            + calls.getOrDefault(CallOutcome.ENDED_EARLY, 0);
    int late = calls.getOrDefault(CallOutcome.COMPLETED_LATE, 0);
    line.append(
        String.format(
            Locale.ROOT,
            "calls %d in call, %d done%s, %d dropped, %d waiting",
            calls.getOrDefault(CallOutcome.IN_CALL, 0),
            done,
            late > 0 ? " (" + late + " late)" : "",
            calls.getOrDefault(CallOutcome.DROPPED, 0),
            calls.getOrDefault(CallOutcome.WAITING, 0)));
    if (media != null) {
      line.append(
          String.format(
              Locale.ROOT,
              " (media %d in call, %d heard, %d not)",
              media.inCall(),
              media.heard(),
              media.notHeard()));
    }
    line.append(" | pods ");
    Map<String, Map<String, Integer>> byRevision = new TreeMap<>();
    for (Pod pod : pods) {
      String revision =
          pod.getMetadata().getLabels().getOrDefault(AgentDeploymentLabels.REVISION, "?");
      String shortRevision = revision.length() > 4 ? revision.substring(0, 4) : revision;
      byRevision
          .computeIfAbsent(shortRevision, r -> new TreeMap<>())
          .merge(state(pod), 1, Integer::sum);
    }
    if (byRevision.isEmpty()) {
      line.append("none");
    }
    line.append(
        String.join(
            "; ",
            byRevision.entrySet().stream()
                .map(
                    e ->
                        e.getKey()
                            + ": "
                            + String.join(
                                ", ",
                                e.getValue().entrySet().stream()
                                    .map(s -> s.getValue() + " " + s.getKey())
                                    .toList()))
                .toList()));
    line.append(" | registered ").append(registered);
    if (status != null && status.getLoad() != null) {
      line.append(String.format(Locale.ROOT, ", load %.2f", status.getLoad()));
    }
    if (status != null) {
      line.append(
          String.format(
              Locale.ROOT,
              " | desired %s ready %s",
              status.getDesiredReplicas() == null ? "-" : status.getDesiredReplicas(),
              status.getReadyReplicas() == null ? "-" : status.getReadyReplicas()));
    }
    return line.toString();
  }

  /** ready, starting, terminating, crashloop or failed: what a person watching wants to know. */
  static String state(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return "terminating";
    }
    if (pod.getStatus() == null) {
      return "pending";
    }
    if (pod.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
        if (c.getState() != null
            && c.getState().getWaiting() != null
            && "CrashLoopBackOff".equals(c.getState().getWaiting().getReason())) {
          return "crashloop";
        }
      }
    }
    boolean ready =
        pod.getStatus().getConditions() != null
            && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    return ready ? "ready" : "starting";
  }
}
