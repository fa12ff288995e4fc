package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./sandbox/run} runs after its build, for a short while: calls flow, nothing leaks.
 */
class LauncherTest {

  @Test
  void runsPlacesCallsPrintsASummaryLineASecondAndCleansUp() throws Exception {
    LauncherRun run =
        LauncherRun.execute("launcher", "--rate", "60", "--mean-call", "3", "--duration", "15");

    assertThat(run.exitCode()).isZero();
    assertThat(run.output()).contains("Agentfleet sandbox is up", "export KUBECONFIG=");
    assertThat(run.output().lines().filter(l -> l.matches("\\[ *\\d+s] calls .*")).count())
        .isGreaterThanOrEqualTo(10);
    List<String> ledger = run.ledger();
    assertThat(ledger.get(0)).startsWith("room,dispatch_id");
    assertThat(ledger.subList(1, ledger.size())).anyMatch(l -> l.endsWith(",COMPLETED"));
    assertThat(ledger).noneMatch(l -> l.endsWith(",DROPPED"));
    run.assertNothingLeftBehind();
  }
}
