package io.agentfleet.api.redispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResumptionTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {"''", "plain text", "'{\"caller\":\"+4930\",\"n\":2}'", "[1,2]", "'{'", "42"})
  void theOriginalMetadataComesBackFromEveryAttempt(String original) {
    for (int attempt = 1; attempt <= 3; attempt++) {
      String written = new Resumption(attempt, original).toMetadata();
      assertThat(Resumption.parse(written)).contains(new Resumption(attempt, original));
    }
  }

  @Test
  void anObjectKeepsItsFieldsSoAnAgentParsingItsOwnMetadataStillFindsThem() {
    String written = new Resumption(1, "{\"caller\":\"+4930\"}").toMetadata();

    assertThat(written)
        .isEqualTo("{\"caller\":\"+4930\",\"agentfleet.io/resumption\":{\"attempt\":1}}");
  }

  @Test
  void anythingElseIsCarriedAsAString() {
    assertThat(new Resumption(2, "hello").toMetadata())
        .isEqualTo("{\"agentfleet.io/resumption\":{\"attempt\":2,\"metadata\":\"hello\"}}");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "''",
        "plain",
        "'{\"caller\":1}'",
        "'{\"agentfleet.io/resumption\":1}'",
        "'{\"agentfleet.io/resumption\":{}}'",
        "'{\"agentfleet.io/resumption\":{\"attempt\":0}}'",
        "'{\"agentfleet.io/resumption\":{\"attempt\":\"x\"}}'"
      })
  void aFirstDispatchOrAMalformedMarkIsNoResumption(String metadata) {
    assertThat(Resumption.parse(metadata)).isEmpty();
    assertThat(Resumption.parse(null)).isEmpty();
  }

  @Test
  void attemptsStartAtOne() {
    assertThatThrownBy(() -> new Resumption(0, "")).isInstanceOf(IllegalArgumentException.class);
  }
}
