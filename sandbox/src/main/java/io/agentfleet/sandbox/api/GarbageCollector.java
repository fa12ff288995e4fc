package io.agentfleet.sandbox.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for the cluster's garbage collector, which the mock store lacks: pods and
 * ControllerRevisions whose controlling owner no longer exists are deleted (background
 * propagation). Pods then go through the kubelet's graceful termination like any other deletion.
 */
public final class GarbageCollector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

  private final KubernetesClient client;
  private final ScheduledExecutorService timer;

  public GarbageCollector(KubernetesClient client, Duration period) {
    this.client = client;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sandbox-gc");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        this::sweepQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.debug("garbage collection pass failed: {}", e.toString());
    }
  }

  /** One pass: delete every dependent whose owner (by uid) is gone. */
  public void sweep() {
    List<HasMetadata> dependents =
        Stream.<HasMetadata>concat(
                client.pods().inAnyNamespace().list().getItems().stream(),
                client.apps().controllerRevisions().inAnyNamespace().list().getItems().stream())
            .toList();
    Set<String> checkedOwners = new HashSet<>();
    Set<String> liveOwners = new HashSet<>();
    for (HasMetadata dependent : dependents) {
      List<OwnerReference> owners = dependent.getMetadata().getOwnerReferences();
      if (owners == null
          || owners.isEmpty()
          || dependent.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      String namespace = dependent.getMetadata().getNamespace();
      boolean anyOwnerAlive = false;
      for (OwnerReference owner : owners) {
        String key = namespace + "/" + owner.getUid();
        if (checkedOwners.add(key) && ownerExists(namespace, owner)) {
          liveOwners.add(key);
        }
        anyOwnerAlive |= liveOwners.contains(key);
      }
      if (!anyOwnerAlive) {
        LOG.info(
            "deleting {} {}/{}: its owner is gone",
            dependent.getKind(),
            namespace,
            dependent.getMetadata().getName());
        try {
          client.resource(dependent).delete();
        } catch (KubernetesClientException e) {
          LOG.debug("could not delete {}: {}", dependent.getMetadata().getName(), e.toString());
        }
      }
    }
  }

  private boolean ownerExists(String namespace, OwnerReference owner) {
    try {
      HasMetadata found =
          client
              .genericKubernetesResources(owner.getApiVersion(), owner.getKind())
              .inNamespace(namespace)
              .withName(owner.getName())
              .get();
      return found != null && owner.getUid().equals(found.getMetadata().getUid());
    } catch (KubernetesClientException e) {
      // An owner kind the sandbox does not know: keep the dependent rather than guess.
      return true;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
