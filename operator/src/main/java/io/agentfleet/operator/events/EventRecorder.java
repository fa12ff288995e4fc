package io.agentfleet.operator.events;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Writes core/v1 Events about an AgentDeployment, the ones {@code kubectl describe} lists. An Event
 * that cannot be written is logged and dropped: it must never fail a reconcile.
 */
public final class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  public static final String COMPONENT = "agentfleet-operator";

  private final KubernetesClient client;
  private final Clock clock;

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

  private void record(HasMetadata about, String type, EventReason reason, String message) {
    String now = Instant.now(clock).toString();
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
