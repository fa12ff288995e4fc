package io.agentfleet.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD must be what the generator makes of the model today. To regenerate after a
 * model change: {@code ./mvnw -pl crds test -Dtest=CrdDriftTest -Dcrd.regenerate=true}.
 */
class CrdDriftTest {

  @Test
  void committedCrdMatchesAFreshGeneration() throws Exception {
    Path committed = CrdGeneration.committedCrd();
    String fresh = CrdGeneration.generate();
    if (Boolean.getBoolean("crd.regenerate")) {
      Files.writeString(committed, fresh);
    }
    assertThat(Files.readString(committed))
        .as(
            "%s is stale: regenerate it with ./mvnw -pl crds test -Dtest=CrdDriftTest"
                + " -Dcrd.regenerate=true and commit it",
            committed)
        .isEqualTo(fresh);
  }
}
