package io.agentfleet.operator.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The dashboard on the operator's HTTP port (8080, the chart's Service): {@code /dashboard} is the
 * page, {@code /dashboard/api/...} its JSON. Read-only unless {@link
 * DashboardConfig#writeActions()} is on; its answers carry only what {@link DashboardView} puts in
 * them.
 */
@Path("/dashboard")
public class DashboardResource {

  private static final Logger LOG = Logger.getLogger(DashboardResource.class);

  /** The page loads nothing from elsewhere and cannot be framed. */
  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self' data:; frame-ancestors 'none'";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /** The write actions the page offers. */
  public enum Action {
    pause,
    resume,
    promote
  }

  private final Board board;
  private final KubernetesClient client;
  private final DashboardConfig config;
  private final WriteAccess access;
  private final Clock clock;

  public DashboardResource(
      Board board, KubernetesClient client, DashboardConfig config, Clock clock) {
    this.board = board;
    this.client = client;
    this.config = config;
    this.access = new WriteAccess(client);
    this.clock = clock;
  }

  @GET
  public Response page() {
    return asset("dashboard/index.html", "text/html; charset=utf-8");
  }

  @GET
  @Path("app.js")
  public Response script() {
    return asset("dashboard/app.js", "text/javascript; charset=utf-8");
  }

  @GET
  @Path("style.css")
  public Response style() {
    return asset("dashboard/style.css", "text/css; charset=utf-8");
  }

  @GET
  @Path("api/deployments")
  public Response deployments() {
    Map<String, Object> body = new HashMap<>();
    body.put("deployments", DashboardView.summaries(board.deployments()));
    body.put("writeActions", config.writeActions());
    body.put("note", DashboardView.MEMORY_NOTE);
    body.put("agentJoins", board.joins().summary(Instant.now(clock)));
    body.put("at", Instant.now(clock));
    return json(200, body);
  }

  @GET
  @Path("api/deployments/{namespace}/{name}")
  public Response deployment(
      @PathParam("namespace") String namespace, @PathParam("name") String name) {
    Optional<Board.Observed> observed = board.latest(namespace, name);
    if (observed.isEmpty()) {
      return json(404, Map.of("error", "no AgentDeployment " + namespace + "/" + name + " seen"));
    }
    List<ControllerRevision> stored = board.revisions(observed.get().deployment());
    Instant now = Instant.now(clock);
    return json(
        200,
        DashboardView.page(
            observed.get(),
            stored,
            board.history(namespace, name, now),
            board.events(namespace, name),
            config.writeActions()));
  }

  @POST
  @Path("api/deployments/{namespace}/{name}/{action}")
  public Response act(
      @PathParam("namespace") String namespace,
      @PathParam("name") String name,
      @PathParam("action") String action,
      @HeaderParam("Authorization") String authorization) {
    if (!config.writeActions()) {
      // As if the endpoint did not exist: a read-only dashboard has no writes to find.
      return json(404, Map.of("error", "write actions are off"));
    }
    Action chosen;
    try {
      chosen = Action.valueOf(action);
    } catch (IllegalArgumentException e) {
      return json(404, Map.of("error", "no action " + action));
    }
    WriteAccess.Verdict verdict = access.check(authorization, namespace, name);
    if (!verdict.allowed()) {
      LOG.infof(
          "dashboard: %s of %s/%s refused (%d): %s",
          chosen, namespace, name, verdict.status(), verdict.reason());
      return json(verdict.status(), Map.of("error", verdict.reason()));
    }
    var resource = client.resources(AgentDeployment.class).inNamespace(namespace).withName(name);
    if (resource.get() == null) {
      return json(404, Map.of("error", "no AgentDeployment " + namespace + "/" + name));
    }
    Optional<String> refusal = refusal(chosen, resource.get());
    if (refusal.isPresent()) {
      return json(409, Map.of("error", refusal.get()));
    }
    resource.edit(d -> apply(chosen, d, Instant.now(clock)));
    LOG.infof("dashboard: %s of %s/%s by %s", chosen, namespace, name, verdict.user());
    return json(200, Map.of("done", chosen.name(), "by", verdict.user()));
  }

  /**
   * A promotion only at a canary pause, as {@code kubectl agents rollout promote}: the operator
   * acts on a new value at the next pause it reaches, so an early one would skip a pause nobody
   * saw.
   */
  static Optional<String> refusal(Action action, AgentDeployment d) {
    if (action != Action.promote) {
      return Optional.empty();
    }
    if (d.getSpec() == null
        || d.getSpec().getStrategy() == null
        || d.getSpec().getStrategy().getType() != StrategyType.CANARY) {
      return Optional.of("not a Canary rollout: nothing to promote");
    }
    if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
      return Optional.of("paused by spec.paused: resume it instead");
    }
    if (d.getStatus() == null
        || d.getStatus().getRollout() == null
        || !RolloutPhase.Paused.is(d.getStatus().getRollout().getPhase())) {
      return Optional.of("not at a canary pause");
    }
    return Optional.empty();
  }

  /** The same changes as {@code kubectl agents rollout pause|resume|promote}. */
  static AgentDeployment apply(Action action, AgentDeployment d, Instant now) {
    switch (action) {
      case pause -> d.getSpec().setPaused(true);
      case resume -> d.getSpec().setPaused(false);
      case promote -> {
        Map<String, String> annotations =
            d.getMetadata().getAnnotations() == null
                ? new HashMap<>()
                : new HashMap<>(d.getMetadata().getAnnotations());
        annotations.put(AgentDeploymentAnnotations.PROMOTE, now.toString());
        d.getMetadata().setAnnotations(annotations);
      }
    }
    return d;
  }

  private static Response asset(String path, String type) {
    try (InputStream in = DashboardResource.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        return Response.status(404).build();
      }
      return Response.ok(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .type(type)
          .header("Content-Security-Policy", CSP)
          .header("X-Content-Type-Options", "nosniff")
          .header("Cache-Control", "no-store")
          .build();
    } catch (IOException e) {
      return Response.serverError().build();
    }
  }

  private static Response json(int status, Object body) {
    try {
      return Response.status(status)
          .entity(JSON.writeValueAsString(body))
          .type("application/json")
          .header("Cache-Control", "no-store")
          .header("X-Content-Type-Options", "nosniff")
          .build();
    } catch (JsonProcessingException e) {
      return Response.serverError().build();
    }
  }
}
