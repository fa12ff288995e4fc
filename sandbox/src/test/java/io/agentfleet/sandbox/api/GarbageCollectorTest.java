package io.agentfleet.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GarbageCollectorTest {
  @Test
  void dependentsOfAGoneOwnerAreDeletedAndOthersKept() {
    try (SandboxApi api = SandboxApi.start(0, List.of(), PodLogs.NONE);
        GarbageCollector gc = new GarbageCollector(api.client(), Duration.ofHours(1))) {
      var client = api.client();
      ConfigMap owner =
          client
              .configMaps()
              .resource(
                  new ConfigMapBuilder().withNewMetadata().withName("owner").endMetadata().build())
              .create();
      for (String name : List.of("owned", "orphan-to-be", "independent")) {
        var meta = new PodBuilder().withNewMetadata().withName(name);
        if (!name.equals("independent")) {
          meta.addNewOwnerReference()
              .withApiVersion("v1")
              .withKind("ConfigMap")
              .withName(name.equals("owned") ? "owner" : "gone")
              .withUid(name.equals("owned") ? owner.getMetadata().getUid() : "uid-of-gone")
              .withController(true)
              .endOwnerReference();
        }
        client
            .pods()
            .resource(
                meta.endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("c")
                    .withImage("i")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
      }

      gc.sweep();

      assertThat(client.pods().list().getItems())
          .extracting(p -> p.getMetadata().getName())
          .containsExactlyInAnyOrder("owned", "independent");
    }
  }
}
