package io.agentfleet.operator.tombstone;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Uids of deleted deployments (a uid is never reused), the newest {@link #KEPT}. Memory kept per
 * deployment checks here before it stores, so a reconcile still in flight when its deployment was
 * deleted does not bring that memory back.
 */
public final class Tombstones {

  public static final int KEPT = 10_000;

  private final Set<String> uids =
      Collections.synchronizedSet(
          Collections.newSetFromMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > KEPT;
                }
              }));

  public void add(String uid) {
    uids.add(uid);
  }

  public boolean contains(String uid) {
    return uids.contains(uid);
  }
}
