package io.agentfleet.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonPatchesTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void strategicMergeMergesContainersByNameAndDropsDirectives() throws Exception {
    JsonNode pod =
        json(
            "{'metadata':{'labels':{'a':'1','b':'2'}},'spec':{'containers':["
                + "{'name':'main','image':'i:1','env':[{'name':'X','value':'1'}]},"
                + "{'name':'side','image':'s:1'}]}}");
    JsonNode patch =
        json(
            "{'metadata':{'labels':{'b':null,'c':'3'}},'spec':{'$setElementOrder/containers':"
                + "[{'name':'main'},{'name':'side'}],'containers':[{'name':'main','env':"
                + "[{'name':'Y','value':'2'}]}]}}");

    JsonNode merged = JsonPatches.strategicMerge(pod, patch);

    assertThat(merged.path("metadata").path("labels").toString())
        .isEqualTo("{\"a\":\"1\",\"c\":\"3\"}");
    JsonNode main = merged.path("spec").path("containers").get(0);
    assertThat(main.path("image").asText()).isEqualTo("i:1");
    assertThat(main.path("env")).hasSize(2);
    assertThat(merged.path("spec").path("containers")).hasSize(2);
    assertThat(merged.path("spec").has("$setElementOrder/containers")).isFalse();
  }

  @Test
  void mergePatchFollowsRfc7386() throws Exception {
    JsonNode merged =
        JsonPatches.mergePatch(
            json("{'spec':{'replicas':2,'paused':true},'x':[1,2]}"),
            json("{'spec':{'replicas':4,'paused':null},'x':[3]}"));
    assertThat(merged).isEqualTo(json("{'spec':{'replicas':4},'x':[3]}"));
  }
}
