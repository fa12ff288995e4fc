package io.agentfleet.cli.status;

import static io.agentfleet.cli.Fixtures.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.cli.Cli;
import io.agentfleet.cli.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mock server in CRUD mode has no pod proxy; its expectations stand in for the workers that
 * answer and for an API server that refuses the proxy (403). A worker whose report cannot be read
 * must show "-".
 */
@EnableKubernetesMockClient(crud = true, https = false)
class StatusCommandMockTest {

  static KubernetesMockServer server;
  static KubernetesClient client;

  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(Cli.kubeconfig(server, dir), Clock.systemUTC());
    server.reset();

    AgentDeployment d = Fixtures.deployment(Fixtures.template("agent:2"));
    d = client.resources(AgentDeployment.class).inNamespace("default").resource(d).create();
    d.setStatus(Fixtures.status(1, RolloutPhase.Progressing.name()));
    d.getStatus().setUpdateRevision(NAME + "-bbb");
    d.getStatus().getRollout().setDrainingOldWorkers(1);
    d.getStatus().getRollout().setDrainingOldCalls(2);
    d.getStatus().getRollout().setMessage("draining 1 worker of revision 1");
    client.resources(AgentDeployment.class).inNamespace("default").resource(d).updateStatus();
    for (var r :
        new io.fabric8.kubernetes.api.model.apps.ControllerRevision[] {
          Fixtures.revision(1, "aaa", Fixtures.template("agent:1"), null, null),
          Fixtures.revision(2, "bbb", Fixtures.template("agent:2"), null, null)
        }) {
      client.apps().controllerRevisions().inNamespace("default").resource(r).create();
    }
    create(Fixtures.pod(NAME + "-aaa-1", "aaa", true, "10.0.0.1"));
    create(Fixtures.pod(NAME + "-bbb-1", "bbb", true, "10.0.0.2"));
    create(Fixtures.pod(NAME + "-bbb-2", "bbb", false, null));
    // Another fleet's pod is not shown.
    Pod other = Fixtures.pod("other-1", "zzz", true, "10.0.0.9");
    other.getMetadata().getLabels().put(AgentDeploymentLabels.DEPLOYMENT, "other");
    create(other);
  }

  void create(Pod pod) {
    client.pods().inNamespace("default").resource(pod).create();
  }

  void worker(String pod, String body) {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/default/pods/" + pod + ":8081/proxy/worker")
        .andReturn(200, body)
        .always();
  }

  @Test
  void tableShowsEachWorkerWithCallsAndLoadFromItsReport() {
    worker(NAME + "-aaa-1", "{\"active_jobs\": 2, \"worker_load\": 0.5, \"draining\": true}");
    worker(NAME + "-bbb-1", "{\"agent_name\": \"voice-agent\"}");

    var result = cli.run("status", NAME);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .matches(
            """
            voice-agent: desired 2, ready 2, calls 3, load 0.25, update revision 2, rollout \
            Progressing \\(1 old draining with 2 calls\\)
              draining 1 worker of revision 1

            NAME                REVISION   STATE      CALLS   LOAD   AGE
            voice-agent-aaa-1   1          draining   2       0.50   \\d+s
            voice-agent-bbb-1   2          ready      0       0.00   \\d+s
            voice-agent-bbb-2   2          starting   -       -      \\d+s
            """);
  }

  @Test
  void workersThatCannotBeReadShowADash() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/default/pods/" + NAME + "-aaa-1:8081/proxy/worker")
        .andReturn(403, "{\"kind\":\"Status\",\"reason\":\"Forbidden\"}")
        .always();
    worker(NAME + "-bbb-1", "not json");

    var result = cli.run("status", NAME);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .containsPattern("voice-agent-aaa-1 +1 +ready +- +- ")
        .containsPattern("voice-agent-bbb-1 +2 +ready +- +- ");
  }

  @Test
  void documentFormsCarryTheSameFacts() {
    worker(NAME + "-bbb-1", "{\"active_jobs\": 1, \"worker_load\": 0.125}");

    var yaml = cli.run("status", NAME, "-o", "yaml");
    assertThat(yaml.exitCode()).as(yaml.err()).isZero();
    assertThat(yaml.out())
        .startsWith("name: voice-agent\nnamespace: default\ndesired: 2\n")
        .contains(
            """
            - name: voice-agent-bbb-1
              revision: "2"
              state: ready
              calls: 1
              load: 0.125
            """);

    var json = cli.run("status", NAME, "-o", "json");
    assertThat(json.exitCode()).isZero();
    assertThat(json.out()).contains("\"updateRevision\" : \"2\"").contains("\"calls\" : 1");
  }

  @Test
  void terminatingPodsAreDraining() {
    Pod pod = client.pods().inNamespace("default").withName(NAME + "-aaa-1").get();
    pod.getMetadata().setFinalizers(java.util.List.of("test/hold"));
    client.pods().inNamespace("default").resource(pod).update();
    client.pods().inNamespace("default").withName(NAME + "-aaa-1").delete();

    var result = cli.run("status", NAME);

    assertThat(result.out()).containsPattern("voice-agent-aaa-1 +1 +draining ");
  }

  @Test
  void withoutAProxyTheSandboxsStatusAddressIsAskedDirectlyWithoutCredentialsOnlyWhenAsked()
      throws Exception {
    java.util.List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer worker =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    worker.createContext(
        "/worker",
        exchange -> {
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          byte[] body = "{\"active_jobs\": 4, \"worker_load\": 0.75}".getBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    worker.start();
    try {
      Pod pod = client.pods().inNamespace("default").withName(NAME + "-bbb-1").get();
      pod.getMetadata()
          .setAnnotations(
              java.util.Map.of(
                  AgentDeploymentAnnotations.STATUS_ADDRESS,
                  "127.0.0.1:" + worker.getAddress().getPort()));
      client.pods().inNamespace("default").resource(pod).update();

      var withoutFlag = cli.run("status", NAME);
      var result = cli.run("status", NAME, "--status-address-annotation");

      assertThat(withoutFlag.out())
          .as("a pod's annotation is not obeyed unless asked")
          .containsPattern("voice-agent-bbb-1 +2 +ready +- +- ");
      assertThat(result.out()).containsPattern("voice-agent-bbb-1 +2 +ready +4 +0.75 ");
      assertThat(authorizations).containsExactly("null");
    } finally {
      worker.stop(0);
    }
  }

  @Test
  void unknownDeploymentIsAnError() {
    var result = cli.run("status", "nope");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("\"nope\" not found");
  }
}
