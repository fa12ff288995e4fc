package io.agentfleet.sandbox.launcher;

import io.agentfleet.controlplane.PrivateNetwork;
import java.util.List;
import java.util.Optional;

/**
 * The private network namespace media calls run in: {@code unshare -n} with a veth pair
 * 10.213.0.1/24 – 10.213.0.2/24 and loopback up. libwebrtc ignores loopback, so WebRTC needs an
 * interface; inside the namespace the only ones are the pair, so no media can leave the machine.
 */
public final class NetworkNamespace {
  /** Set in the sandbox re-executed inside the namespace. */
  static final String INSIDE_ENV = "AGENTFLEET_SANDBOX_NETNS";

  static final String ADDRESS = PrivateNetwork.ADDRESS;
  static final String PEER_ADDRESS = PrivateNetwork.PEER_ADDRESS;

  private NetworkNamespace() {}

  static boolean inside() {
    return System.getenv(INSIDE_ENV) != null;
  }

  /** What prevents creating the namespace (and running WebRTC in it), or empty if nothing. */
  public static Optional<String> missing() {
    return PrivateNetwork.missing();
  }

  /** {@code command} run inside a new namespace with the veth pair up. */
  static List<String> wrap(List<String> command) {
    return PrivateNetwork.wrap(command);
  }

  /** How to run a command in the namespace of the process {@code pid}. */
  static String enterCommand(long pid) {
    return "nsenter --net=/proc/" + pid + "/ns/net";
  }
}
