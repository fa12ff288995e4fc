package io.agentfleet.operator.redispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.redispatch.Resumption;
import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.LiveKitConnection;
import io.agentfleet.api.v1alpha1.Redispatch;
import io.agentfleet.controlplane.LiveKitServer;
import io.agentfleet.operator.configdata.ConfigData;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.placement.DispatchClients;
import io.agentfleet.operator.placement.DispatchWatch;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.livekit.server.AgentDispatchServiceClient;
import io.livekit.server.RoomServiceClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import livekit.LivekitAgentDispatch.AgentDispatch;
import livekit.LivekitModels.DisconnectReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RedispatchStep} against the real livekit-server: the dispatches it makes are what the
 * server lists, they are its only record of earlier attempts, and that record holds across a new
 * operator (a fresh step). The room facts are given as the webhooks would give them; no worker is
 * registered, so the dispatches stay listed without a job.
 */
@EnableKubernetesMockClient(crud = true)
class RedispatchStepLiveKitTest {

  static final String KEY = "devkey";
  static final String SECRET = "redispatch-test-secret-long-enough-for-hs256";
  static final String ORIGINAL = "{\"hold_ms\":60000,\"caller\":\"+4930\"}";

  static LiveKitServer livekit;

  KubernetesClient client;
  SimpleMeterRegistry meters;
  RoomWatch rooms;
  AgentDispatchServiceClient dispatches;

  @BeforeAll
  static void startLiveKit() throws Exception {
    livekit =
        LiveKitServer.start(
            LiveKitServer.Options.in(Path.of("target/redispatch-livekit"), KEY, SECRET));
  }

  @AfterAll
  static void stopLiveKit() {
    if (livekit != null) {
      livekit.close();
    }
  }

  @BeforeEach
  void setUp() {
    client
        .secrets()
        .inNamespace("default")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("livekit")
                .endMetadata()
                .addToStringData("api-key", KEY)
                .addToStringData("api-secret", SECRET)
                .build())
        .create();
    meters = new SimpleMeterRegistry();
    rooms = new RoomWatch();
    dispatches = AgentDispatchServiceClient.createClient(livekit.httpUrl(), KEY, SECRET);
  }

  RedispatchStep step() {
    EventRecorder events = new EventRecorder(client, Clock.systemUTC());
    DispatchClients clients = new DispatchClients(ConfigData.of(client).secrets());
    return new RedispatchStep(
        clients,
        new DispatchWatch(clients, events, meters),
        rooms,
        events,
        meters,
        Clock.systemUTC());
  }

  AgentDeployment deployment(String name, String agentName, boolean enabled) {
    AgentDeployment d = new AgentDeployment();
    d.getMetadata().setName(name);
    d.getMetadata().setNamespace("default");
    d.getMetadata().setUid("uid-" + name);
    AgentDeploymentSpec spec = new AgentDeploymentSpec();
    spec.setAgentName(agentName);
    LiveKitConnection lk = new LiveKitConnection();
    lk.setUrl(livekit.url());
    lk.setCredentialsSecret("livekit");
    spec.setLivekit(lk);
    Redispatch redispatch = new Redispatch();
    redispatch.setEnabled(enabled);
    redispatch.setMaxAttempts(2);
    spec.setRedispatch(redispatch);
    d.setSpec(spec);
    return d;
  }

  /** A call in progress: a room, its dispatch, a caller and an agent, as webhooks report them. */
  String call(String room, String agentName) throws Exception {
    RoomServiceClient.createClient(livekit.httpUrl(), KEY, SECRET).createRoom(room).execute();
    dispatches.createDispatch(room, agentName, ORIGINAL).execute();
    rooms.joined(room, "caller", false);
    rooms.joined(room, "agent-1", true);
    return room;
  }

  /** The agent's connection dies; the server's webhook time has seconds only, as LiveKit's. */
  void lose(String room, String agent) throws InterruptedException {
    Thread.sleep(1100);
    rooms.joined(room, agent, true);
    rooms.left(
        room,
        agent,
        true,
        DisconnectReason.SIGNAL_CLOSE,
        Instant.ofEpochSecond(Instant.now().getEpochSecond()));
  }

  /**
   * The room's dispatches of a named agent. The server lists one more in every room it creates,
   * with an empty agent name: the automatic dispatch for workers registered without a name.
   */
  List<AgentDispatch> listed(String room) throws Exception {
    return dispatches.listDispatch(room).execute().body().stream()
        .filter(d -> !d.getAgentName().isEmpty())
        .toList();
  }

  double count(String outcome) {
    var counter = meters.find(RedispatchStep.METRIC).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  List<String> events(EventReason reason) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> reason.name().equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  @Test
  void aLostAgentIsDispatchedAgainOncePerLossUpToTheBoundAcrossOperators() throws Exception {
    AgentDeployment voice = deployment("voice", "voice", true);
    String room = call("call-lost", "voice");
    lose(room, "agent-1");

    step().run(voice, List.of());

    List<AgentDispatch> after = listed(room);
    assertThat(after).hasSize(2);
    assertThat(after.stream().map(d -> Resumption.parse(d.getMetadata())).flatMap(Optional::stream))
        .containsExactly(new Resumption(1, ORIGINAL));
    assertThat(after).allMatch(d -> d.getAgentName().equals("voice"));
    assertThat(count("created")).isEqualTo(1);
    assertThat(events(EventReason.Redispatched))
        .singleElement()
        .satisfies(
            m ->
                assertThat(m)
                    .contains("agent agent-1 lost (SIGNAL_CLOSE)")
                    .contains(room)
                    .contains("attempt 1 of 2"));

    // Rounds again, by this operator and by a new one that knows the same loss: the server's
    // record says the loss is served.
    step().run(voice, List.of());
    RedispatchStep restarted = step();
    restarted.run(voice, List.of());
    assertThat(listed(room)).hasSize(2);

    // Lost again: the second attempt, still carrying the first dispatch's metadata.
    lose(room, "agent-2");
    restarted.run(voice, List.of());
    assertThat(
            listed(room).stream()
                .map(d -> Resumption.parse(d.getMetadata()))
                .flatMap(Optional::stream)
                .toList())
        .containsExactlyInAnyOrder(new Resumption(1, ORIGINAL), new Resumption(2, ORIGINAL));

    // And again: the bound is reached, nothing more, one Warning.
    lose(room, "agent-3");
    restarted.run(voice, List.of());
    restarted.run(voice, List.of());
    assertThat(listed(room)).hasSize(3);
    assertThat(count("created")).isEqualTo(2);
    assertThat(count("exhausted")).isEqualTo(1);
    assertThat(events(EventReason.RedispatchExhausted))
        .singleElement()
        .satisfies(m -> assertThat(m).contains("2 of 2 attempts made"));

    // The agents that joined after each attempt (agent-2, agent-3) were reported with the gap
    // since their loss; one joining after the bound was reached is not a re-dispatch's.
    rooms.joined(room, "agent-4", true);
    assertThat(count("joined")).isEqualTo(2);
    assertThat(events(EventReason.RedispatchJoined))
        .hasSize(2)
        .allSatisfy(m -> assertThat(m).contains(room).containsPattern("\\d+ ms after the agent"));
  }

  @Test
  void offOrAnotherAgentsCallNothingIsDispatched() throws Exception {
    String room = call("call-other", "voice");
    lose(room, "agent-1");

    step().run(deployment("quiet", "voice", false), List.of());
    step().run(deployment("sales", "sales", true), List.of());

    assertThat(listed(room)).hasSize(1);
    assertThat(count("created")).isZero();
  }

  @Test
  void anAgentThatLeftOnPurposeIsNotDispatchedAgain() throws Exception {
    String room = call("call-ended", "voice");
    Thread.sleep(1100);
    rooms.left(
        room,
        "agent-1",
        true,
        DisconnectReason.CLIENT_INITIATED,
        Instant.ofEpochSecond(Instant.now().getEpochSecond()));

    step().run(deployment("voice", "voice", true), List.of());

    assertThat(listed(room)).hasSize(1);
  }
}
