package io.agentfleet.operator.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.SampleDeployments;
import io.agentfleet.operator.events.EventRecorder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class FleetWriterTest {

  static final long SEED = 7;

  KubernetesClient client;

  static AgentDeployment deployment() {
    AgentDeployment d = SampleDeployments.ourWorker("voice", 1, "worker:1");
    d.getMetadata().setNamespace("apps");
    d.getMetadata().setUid("uid-1");
    return d;
  }

  /** The pod a create sent again after its lost answer finds: stored by the first attempt. */
  void alreadyStored(AgentDeployment owner) {
    String name = PodNames.next("voice", "abc", new Random(SEED));
    client
        .pods()
        .inNamespace("apps")
        .resource(PodRenderer.pod(owner, PodRenderer.effectiveTemplate(deployment()), "abc", name))
        .create();
  }

  List<WorkerPod> createOne(List<Pod> told) {
    AgentDeployment d = deployment();
    FleetWriter writer =
        new FleetWriter(
            client,
            new EventRecorder(client, Clock.systemUTC()),
            new RecentDeletions(Clock.systemUTC()),
            new Random(SEED));
    return writer.apply(
        d,
        PodRenderer.effectiveTemplate(d),
        "abc",
        new PodChanges(1, List.of(), "scale up"),
        List.of(),
        told::add);
  }

  @Test
  void aCreationAnsweredAlreadyExistsForItsOwnPodIsTheCreatedPod() {
    alreadyStored(deployment());
    List<Pod> told = new ArrayList<>();

    List<WorkerPod> after = createOne(told);

    assertThat(after).singleElement().satisfies(w -> assertThat(w.name()).startsWith("voice-abc-"));
    assertThat(told).singleElement();
    assertThat(client.pods().inNamespace("apps").list().getItems()).hasSize(1);
  }

  @Test
  void aPodOfThatNameOwnedByAnotherIsStillAnError() {
    AgentDeployment other = deployment();
    other.getMetadata().setUid("uid-2");
    alreadyStored(other);

    assertThatThrownBy(() -> createOne(new ArrayList<>()))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
  }

  @Test
  void aPodOfThatNameOwnedByNobodyIsStillAnError() {
    String name = PodNames.next("voice", "abc", new Random(SEED));
    Pod bare =
        PodRenderer.pod(deployment(), PodRenderer.effectiveTemplate(deployment()), "abc", name);
    bare.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().build()));
    client.pods().inNamespace("apps").resource(bare).create();

    assertThatThrownBy(() -> createOne(new ArrayList<>()))
        .isInstanceOf(KubernetesClientException.class);
  }
}
