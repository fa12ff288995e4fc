package io.agentfleet.sandbox.api;

import java.nio.file.Path;
import java.util.Optional;

/** Where a pod's log file is, so {@code kubectl logs} can read it through the sandbox API. */
@FunctionalInterface
public interface PodLogs {
  Optional<Path> find(String namespace, String pod);

  PodLogs NONE = (namespace, pod) -> Optional.empty();
}
