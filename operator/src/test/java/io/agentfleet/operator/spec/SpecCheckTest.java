package io.agentfleet.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.Canary;
import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.LiveKitConnection;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecCheckTest {

  static AgentDeploymentSpec valid() {
    AgentDeploymentSpec spec = new AgentDeploymentSpec();
    spec.setLivekit(new LiveKitConnection("wss://lk.example", "livekit"));
    spec.setTemplate(
        new PodTemplateSpecBuilder()
            .withNewSpec()
            .addNewContainer()
            .withName("agent")
            .withImage("agent:1")
            .endContainer()
            .endSpec()
            .build());
    return spec;
  }

  @Test
  void validSpecHasNoProblems() {
    assertThat(SpecCheck.problems(valid())).isEmpty();
  }

  static Stream<Arguments> broken() {
    return Stream.of(
        Arguments.of("spec.livekit", (Consumer<AgentDeploymentSpec>) s -> s.setLivekit(null)),
        Arguments.of(
            "spec.livekit.url",
            (Consumer<AgentDeploymentSpec>) s -> s.getLivekit().setUrl("tcp://x")),
        Arguments.of(
            "spec.livekit.credentialsSecret",
            (Consumer<AgentDeploymentSpec>) s -> s.getLivekit().setCredentialsSecret(" ")),
        Arguments.of("spec.template", (Consumer<AgentDeploymentSpec>) s -> s.setTemplate(null)),
        Arguments.of(
            "spec.template.spec.containers",
            (Consumer<AgentDeploymentSpec>) s -> s.getTemplate().getSpec().getContainers().clear()),
        Arguments.of(
            "spec.template.spec.containers[0].image",
            (Consumer<AgentDeploymentSpec>)
                s -> s.getTemplate().getSpec().getContainers().get(0).setImage("")),
        Arguments.of(
            "spec.template.metadata.labels",
            (Consumer<AgentDeploymentSpec>)
                s ->
                    s.getTemplate()
                        .setMetadata(
                            new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                                .withLabels(Map.of(AgentDeploymentLabels.REVISION, "x"))
                                .build())),
        Arguments.of("spec.replicas", (Consumer<AgentDeploymentSpec>) s -> s.setReplicas(-1)),
        Arguments.of("spec.agentName", (Consumer<AgentDeploymentSpec>) s -> s.setAgentName("a b")),
        Arguments.of(
            "spec.drain.timeoutSeconds",
            (Consumer<AgentDeploymentSpec>) s -> s.getDrain().setTimeoutSeconds(100000)),
        Arguments.of(
            "spec.workerStatus.port",
            (Consumer<AgentDeploymentSpec>) s -> s.getWorkerStatus().setPort(0)),
        Arguments.of(
            "spec.revisionHistoryLimit",
            (Consumer<AgentDeploymentSpec>) s -> s.setRevisionHistoryLimit(-1)),
        Arguments.of(
            "spec.strategy.canary.steps[2].setWeight",
            (Consumer<AgentDeploymentSpec>) s -> s.setStrategy(canary(50, null, 5))));
  }

  /** A Canary strategy: a number is a setWeight step, null a pause. */
  static Strategy canary(Integer... weights) {
    Canary canary = new Canary();
    for (Integer w : weights) {
      canary.getSteps().add(w == null ? CanaryStep.pause(null) : CanaryStep.weight(w));
    }
    Strategy strategy = new Strategy();
    strategy.setType(StrategyType.CANARY);
    strategy.setCanary(canary);
    return strategy;
  }

  @Test
  void canaryWeightsThatHoldOrRiseAreFine() {
    AgentDeploymentSpec spec = valid();
    spec.setStrategy(canary(20, null, 20, 100));
    assertThat(SpecCheck.problems(spec)).isEmpty();
  }

  @Test
  void aNameTooLongForALabelValueIsAProblem() {
    AgentDeployment d = new AgentDeployment();
    d.getMetadata().setName("v".repeat(64));
    d.setSpec(valid());
    assertThat(SpecCheck.problems(d))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("metadata.name:").contains("63"));
    d.getMetadata().setName("v".repeat(63));
    assertThat(SpecCheck.problems(d)).isEmpty();
  }

  @Test
  void aMissingSpecIsAProblem() {
    AgentDeployment d = new AgentDeployment();
    d.getMetadata().setName("voice");
    assertThat(SpecCheck.problems(d)).containsExactly("spec: Required value");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("broken")
  void eachProblemNamesItsField(String field, Consumer<AgentDeploymentSpec> breakIt) {
    AgentDeploymentSpec spec = valid();
    breakIt.accept(spec);
    assertThat(SpecCheck.problems(spec)).anySatisfy(p -> assertThat(p).startsWith(field + ":"));
  }
}
