package io.agentfleet.operator.events;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * Writes core/v1 Events about an AgentDeployment, the ones {@code kubectl describe} lists. An Event
 * that cannot be written is logged and dropped: it must never fail a reconcile.
 */
public final class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  public static final String COMPONENT = "agentfleet-operator";

  /** Told of every Event recorded, e.g. for the dashboard's list of recent Events. */
  @FunctionalInterface
  public interface Listener {
    void recorded(HasMetadata about, Instant at, String type, String reason, String message);
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata about, EventReason reason, String message) {
    record(about, "Normal", reason, message);
  }

  public void warning(HasMetadata about, EventReason reason, String message) {
    record(about, "Warning", reason, message);
  }

  public void listen(Listener listener) {
    listeners.add(listener);
  }

  private void record(HasMetadata about, String type, EventReason reason, String message) {
    Instant at = Instant.now(clock);
    for (Listener listener : listeners) {
      listener.recorded(about, at, type, reason.name(), message);
    }
    String now = at.toString();
    String namespace = about.getMetadata().getNamespace();
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(
                      about.getMetadata().getName()
                          + "."
                          + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
                  .withNamespace(namespace)
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(about.getApiVersion())
                  .withKind(about.getKind())
                  .withName(about.getMetadata().getName())
                  .withNamespace(namespace)
                  .withUid(about.getMetadata().getUid())
                  .withResourceVersion(about.getMetadata().getResourceVersion())
                  .endInvolvedObject()
                  .withType(type)
                  .withReason(reason.name())
                  .withMessage(message)
                  .withCount(1)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .withReportingComponent(COMPONENT)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warnf("could not record event %s %s: %s", reason, message, e.getMessage());
    }
  }
}
