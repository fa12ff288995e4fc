package io.agentfleet.sandbox.kubelet;

import io.agentfleet.controlplane.ListenPorts;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kubelet for one simulated node: it registers its {@code Node}, binds every pod that has no node
 * yet to itself (there is no scheduler), and runs each pod bound to it as a local process (see
 * {@link ImageRule}), with its status kept the way a kubelet keeps it, through the status
 * subresource.
 *
 * <p>Many workers share 127.0.0.1 here, so each pod gets its own status port: the pod's IP is
 * 127.0.0.1 and the annotation {@code agentfleet.io/status-address} says {@code 127.0.0.1:<port>}.
 * Probes go to that port whatever port they name. Deletion is the API server's graceful deletion: a
 * bound pod stays, Terminating, with its deletionTimestamp until this kubelet has stopped the
 * process and deleted it for good.
 */
public final class SimulatedKubelet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedKubelet.class);

  private final KubernetesClient client;
  private final KubeletConfig config;
  private final ScheduledExecutorService executor;
  private final Map<String, PodRunner> runners = new ConcurrentHashMap<>();
  private final Set<Integer> portsInUse = ConcurrentHashMap.newKeySet();
  private final Set<Long> startedPids = ConcurrentHashMap.newKeySet();
  private final Probes probes = new Probes();
  private SharedIndexInformer<Pod> informer;

  /** Set by {@link #close()}; guarded by {@link #runners} so no runner is added after it. */
  private boolean closed;

  public SimulatedKubelet(KubernetesClient client, KubeletConfig config) {
    this.client = client;
    this.config = config;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newScheduledThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "kubelet-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      Files.createDirectories(config.logDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public SimulatedKubelet start() {
    NodeRegistration.register(client, config.nodeName());
    informer =
        client
            .pods()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    executor.execute(() -> seen(pod));
                  }

                  @Override
                  public void onUpdate(Pod old, Pod pod) {
                    executor.execute(() -> seen(pod));
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknownFinalState) {
                    executor.execute(() -> gone(pod));
                  }
                },
                30_000);
    // Level-triggered like a real kubelet's sync loop: a deletion is acted on even if its watch
    // event was missed or handled out of order.
    executor.scheduleWithFixedDelay(this::resync, 2, 2, TimeUnit.SECONDS);
    return this;
  }

  private void resync() {
    try {
      informer.getStore().list().forEach(this::seen);
    } catch (RuntimeException e) {
      LOG.debug("resync failed: {}", e.toString());
    }
  }

  private void seen(Pod pod) {
    String uid = pod.getMetadata().getUid();
    PodRunner existing = runners.get(uid);
    if (existing != null) {
      existing.update(pod);
      return;
    }
    String boundTo = pod.getSpec().getNodeName();
    boolean unbound = boundTo == null || boundTo.isEmpty();
    if (!unbound && !boundTo.equals(config.nodeName())) {
      return;
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      // Nothing of it runs here (it was deleted before it started, or by a kubelet before this
      // one): what is left is to take it out of the API, as a restarted kubelet does.
      if (!unbound) {
        PodRunner.finishOrphan(client, pod);
      }
      return;
    }
    boolean ended =
        pod.getStatus() != null
            && ("Succeeded".equals(pod.getStatus().getPhase())
                || "Failed".equals(pod.getStatus().getPhase()));
    if (ended) {
      return;
    }
    int port = freePort();
    PodRunner runner =
        new PodRunner(
            new PodRunner.Node(
                client,
                executor,
                config,
                probes,
                lookup(),
                Clock.systemUTC(),
                startedPids::add,
                () -> {
                  runners.remove(uid);
                  portsInUse.remove(port);
                }),
            pod,
            port);
    synchronized (runners) {
      // A pod seen while the kubelet stops would start a process nobody stops.
      if (closed || runners.putIfAbsent(uid, runner) != null) {
        portsInUse.remove(port);
        return;
      }
    }
    runner.start();
  }

  private void gone(Pod pod) {
    PodRunner runner = runners.get(pod.getMetadata().getUid());
    if (runner != null) {
      runner.vanished();
    }
  }

  /** A port nobody listens on and no other pod of this kubelet was given. */
  private int freePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = ListenPorts.unused();
      if (portsInUse.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port");
  }

  private EnvResolver.Lookup lookup() {
    return new EnvResolver.Lookup() {
      @Override
      public Optional<Map<String, String>> secret(String namespace, String name) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        return Optional.ofNullable(secret)
            .map(s -> EnvResolver.decodeSecret(s.getData(), s.getStringData()));
      }

      @Override
      public Optional<Map<String, String>> configMap(String namespace, String name) {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
        return Optional.ofNullable(map).map(m -> m.getData() == null ? Map.of() : m.getData());
      }
    };
  }

  /** The pods this kubelet runs right now. */
  public List<RunningPod> pods() {
    List<RunningPod> pods = new ArrayList<>();
    for (PodRunner runner : runners.values()) {
      pods.add(
          new RunningPod(
              runner.namespace(),
              runner.name(),
              runner.port(),
              runner.process().map(ProcessHandle::pid),
              runner.logFile()));
    }
    return pods;
  }

  public Optional<RunningPod> pod(String namespace, String name) {
    return pods().stream()
        .filter(p -> p.namespace().equals(namespace) && p.name().equals(name))
        .findFirst();
  }

  /** Where a pod's log is, also after it ended. */
  public Path logFile(String namespace, String pod) {
    return config.logDir().resolve(namespace + "_" + pod + ".log");
  }

  /** Every process id this kubelet started, for leak checks. */
  public Set<Long> startedPids() {
    return new HashSet<>(startedPids);
  }

  /** A pod as this kubelet runs it. */
  public record RunningPod(
      String namespace, String name, int port, Optional<Long> pid, Path logFile) {}

  /**
   * Stops watching and ends every process: SIGTERM, then SIGKILL after the shutdown grace. The pods
   * stay in the API as they are; the sandbox is going away with it.
   */
  @Override
  public void close() {
    synchronized (runners) {
      closed = true;
    }
    if (informer != null) {
      informer.close();
    }
    List<Process> stopping = new ArrayList<>();
    runners.values().forEach(r -> r.stopForShutdown().ifPresent(stopping::add));
    long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
    for (Process p : stopping) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    executor.shutdownNow();
    LOG.info("kubelet stopped {} process(es)", stopping.size());
  }
}
