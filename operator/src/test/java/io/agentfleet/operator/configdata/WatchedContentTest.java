package io.agentfleet.operator.configdata;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WatchedContentTest {

  final Map<String, Secret> server = new HashMap<>();
  final Map<ResourceID, Secret> watch = new HashMap<>();
  final AtomicInteger reads = new AtomicInteger();
  final WatchedContent<Secret> content =
      new WatchedContent<>(
          (ns, name) -> {
            reads.incrementAndGet();
            return server.get(ns + "/" + name);
          });

  static Secret secret(String name, String version, String value) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace("prod")
        .withName(name)
        .withResourceVersion(version)
        .endMetadata()
        .addToData("api-secret", value)
        .build();
  }

  void store(Secret s) {
    server.put("prod/" + s.getMetadata().getName(), s);
    Secret metadataOnly = new SecretBuilder().withMetadata(s.getMetadata()).build();
    watch.put(ResourceID.fromResource(s), metadataOnly);
  }

  @Test
  void readsAgainOnlyWhenTheWatchedVersionMoves() {
    content.watchedBy(id -> Optional.ofNullable(watch.get(id)));
    store(secret("livekit", "1", "b25l"));

    assertThat(content.get("prod", "livekit").orElseThrow().getData())
        .containsEntry("api-secret", "b25l");
    assertThat(content.get("prod", "livekit")).isPresent();
    assertThat(content.get("prod", "livekit")).isPresent();
    assertThat(reads).hasValue(1);

    store(secret("livekit", "2", "dHdv"));
    assertThat(content.get("prod", "livekit").orElseThrow().getData())
        .containsEntry("api-secret", "dHdv");
    assertThat(reads).hasValue(2);
  }

  @Test
  void anObjectTheWatchDoesNotShowIsReadEveryTimeAndAMissingOneKeepsNothing() {
    content.watchedBy(id -> Optional.ofNullable(watch.get(id)));
    server.put("prod/fresh", secret("fresh", "7", "eA=="));

    assertThat(content.get("prod", "fresh")).isPresent();
    assertThat(content.get("prod", "fresh")).isPresent();
    assertThat(reads).hasValue(2);

    server.remove("prod/fresh");
    assertThat(content.get("prod", "fresh")).isEmpty();
    assertThat(content.kept()).isZero();
  }

  @Test
  void withoutAWatchEveryReadGoesToTheServer() {
    store(secret("livekit", "1", "b25l"));
    content.get("prod", "livekit");
    content.get("prod", "livekit");
    assertThat(reads).hasValue(2);
  }
}
