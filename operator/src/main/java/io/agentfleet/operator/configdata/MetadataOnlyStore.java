package io.agentfleet.operator.configdata;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The informer store for the Secrets and ConfigMaps the operator watches: it keeps their metadata
 * and drops their content. The watch is only there to notice that one changed; {@link
 * WatchedContent} reads the content of the few a deployment uses when the watch says it changed, so
 * no key material of every Secret in the watched namespaces sits in the operator's memory.
 */
public final class MetadataOnlyStore<T extends HasMetadata> implements ItemStore<T> {
  private final BasicItemStore<T> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
  private final UnaryOperator<T> strip;

  private MetadataOnlyStore(UnaryOperator<T> strip) {
    this.strip = strip;
  }

  public static MetadataOnlyStore<Secret> secrets() {
    return new MetadataOnlyStore<>(
        s -> new SecretBuilder().withMetadata(s.getMetadata()).withType(s.getType()).build());
  }

  public static MetadataOnlyStore<ConfigMap> configMaps() {
    return new MetadataOnlyStore<>(
        c -> new ConfigMapBuilder().withMetadata(c.getMetadata()).build());
  }

  @Override
  public String getKey(T object) {
    return store.getKey(object);
  }

  @Override
  public T put(String key, T object) {
    return store.put(key, strip.apply(object));
  }

  @Override
  public T remove(String key) {
    return store.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet();
  }

  @Override
  public Stream<T> values() {
    return store.values();
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public T get(String key) {
    return store.get(key);
  }
}
