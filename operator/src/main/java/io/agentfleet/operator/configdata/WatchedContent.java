package io.agentfleet.operator.configdata;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The content of the Secrets or ConfigMaps the deployments use, read from the API server only when
 * the metadata-only watch shows a resourceVersion other than the one last read. The watch keeps no
 * content (see {@link MetadataOnlyStore}); this keeps it only for the objects a reconcile asked
 * for, so an idle fleet makes no reads and the operator holds no key material it does not use.
 */
public final class WatchedContent<T extends HasMetadata> {

  private final BiFunction<String, String, T> read;
  private final Map<ResourceID, T> content = new ConcurrentHashMap<>();
  // Until the controller starts its watches (and in tests without them) every read goes through.
  private volatile Function<ResourceID, Optional<T>> watched = id -> Optional.empty();

  /**
   * @param read a GET by namespace and name, null when the object does not exist
   */
  public WatchedContent(BiFunction<String, String, T> read) {
    this.read = read;
  }

  /** The watch whose metadata says when the content kept here went stale. */
  public void watchedBy(Function<ResourceID, Optional<T>> watch) {
    this.watched = watch;
  }

  /**
   * The object with its content; empty when it does not exist. An object the watch does not show
   * (yet) is read, so a freshly created Secret is never reported missing for the watch's lag.
   */
  public Optional<T> get(String namespace, String name) {
    ResourceID id = new ResourceID(name, namespace);
    T kept = content.get(id);
    Optional<T> seen = watched.apply(id);
    if (kept != null && seen.isPresent() && sameVersion(kept, seen.get())) {
      return Optional.of(kept);
    }
    T fresh = read.apply(namespace, name);
    if (fresh == null) {
      content.remove(id);
      return Optional.empty();
    }
    content.put(id, fresh);
    return Optional.of(fresh);
  }

  int kept() {
    return content.size();
  }

  private static boolean sameVersion(HasMetadata a, HasMetadata b) {
    String version = a.getMetadata().getResourceVersion();
    return version != null && Objects.equals(version, b.getMetadata().getResourceVersion());
  }
}
