package io.agentfleet.operator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.SampleDeployments;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's write actions: absent unless turned on, and then only for a caller whose token
 * the API server accepts and who may patch the deployment. The API server's answers come from
 * Fabric8's mock server; the requests the dashboard made are read back from it.
 */
@EnableKubernetesMockClient
class DashboardWriteTest {

  static final String TOKENREVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
  static final String SARS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
  static final String DEPLOYMENT =
      "/apis/agentfleet.io/v1alpha1/namespaces/team/agentdeployments/voice";

  KubernetesMockServer server;
  KubernetesClient client;

  DashboardResource dashboard(boolean writes) {
    return new DashboardResource(
        new Board(),
        client,
        () -> writes,
        Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC));
  }

  void tokenIs(boolean authenticated) {
    server
        .expect()
        .post()
        .withPath(TOKENREVIEWS)
        .andReturn(
            201,
            new TokenReviewBuilder()
                .withNewStatus()
                .withAuthenticated(authenticated)
                .withNewUser()
                .withUsername(authenticated ? "alice" : null)
                .withGroups(authenticated ? List.of("team-viewers") : null)
                .endUser()
                .endStatus()
                .build())
        .once();
  }

  void accessIs(boolean allowed) {
    server
        .expect()
        .post()
        .withPath(SARS)
        .andReturn(
            201,
            new SubjectAccessReviewBuilder()
                .withNewStatus()
                .withAllowed(allowed)
                .endStatus()
                .build())
        .once();
  }

  List<RecordedRequest> requests() throws InterruptedException {
    List<RecordedRequest> all = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
      all.add(r);
    }
    return all;
  }

  @Test
  void withWriteActionsOffEveryWriteIs404AndNothingIsAsked() throws Exception {
    Response r = dashboard(false).act("team", "voice", "pause", "Bearer some-token");
    assertThat(r.getStatus()).isEqualTo(404);
    assertThat(requests()).isEmpty();
  }

  @Test
  void withoutATokenTheCallerIs401() throws Exception {
    assertThat(dashboard(true).act("team", "voice", "pause", null).getStatus()).isEqualTo(401);
    assertThat(dashboard(true).act("team", "voice", "pause", "Basic x").getStatus()).isEqualTo(401);
    assertThat(requests()).isEmpty();
  }

  @Test
  void aTokenTheApiServerRejectsIs401() throws Exception {
    tokenIs(false);
    Response r = dashboard(true).act("team", "voice", "pause", "Bearer forged");
    assertThat(r.getStatus()).isEqualTo(401);
    assertThat(requests()).extracting(RecordedRequest::getPath).containsExactly(TOKENREVIEWS);
  }

  @Test
  void aCallerWhoMayNotPatchIsDeniedAndNothingIsWritten() throws Exception {
    tokenIs(true);
    accessIs(false);
    Response r = dashboard(true).act("team", "voice", "pause", "Bearer alices-token");
    assertThat(r.getStatus()).isEqualTo(403);
    assertThat((String) r.getEntity()).contains("alice may not patch agentdeployments voice");
    assertThat((String) r.getEntity()).doesNotContain("alices-token");
    List<RecordedRequest> made = requests();
    assertThat(made).extracting(RecordedRequest::getPath).containsExactly(TOKENREVIEWS, SARS);
    assertThat(made.get(0).getBody().readUtf8()).contains("alices-token");
    String sar = made.get(1).getBody().readUtf8();
    assertThat(sar)
        .contains(
            "\"user\":\"alice\"",
            "team-viewers",
            "\"verb\":\"patch\"",
            "\"resource\":\"agentdeployments\"",
            "\"group\":\"agentfleet.io\"",
            "\"namespace\":\"team\"",
            "\"name\":\"voice\"");
  }

  @Test
  void anAllowedCallerPausesTheDeployment() throws Exception {
    tokenIs(true);
    accessIs(true);
    AgentDeployment d = SampleDeployments.ourWorker("voice", 2, "agent:v1");
    d.getMetadata().setNamespace("team");
    server.expect().get().withPath(DEPLOYMENT).andReturn(200, d).always();
    server.expect().patch().withPath(DEPLOYMENT).andReturn(200, d).once();
    Response r = dashboard(true).act("team", "voice", "pause", "Bearer alices-token");
    assertThat(r.getStatus()).isEqualTo(200);
    List<RecordedRequest> patches =
        requests().stream().filter(q -> q.getMethod().equals("PATCH")).toList();
    assertThat(patches).hasSize(1);
    assertThat(patches.get(0).getBody().readUtf8()).contains("paused").contains("true");
  }

  @Test
  void anUnknownActionIs404() {
    assertThat(dashboard(true).act("team", "voice", "delete", "Bearer t").getStatus())
        .isEqualTo(404);
  }
}
