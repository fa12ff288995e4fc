package io.agentfleet.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers this project starts as processes (the API server, livekit-server, each sandbox
 * pod's status server).
 *
 * <p>A port the kernel picks for {@code new ServerSocket(0)} comes from its ephemeral range, the
 * same range every outgoing connection's local port comes from. A process that needs seconds to
 * start (a Node worker under load) can find its port taken by some client's connection by then, and
 * fails to listen ({@code EADDRINUSE}) — for as long as that connection lives. Ports here are
 * picked below the ephemeral range instead, where only a listener can hold them.
 */
public final class ListenPorts {
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LOWEST = 10_000;
  private static final int ENOUGH = 2_000;

  private ListenPorts() {}

  /** A TCP port no socket is bound to now, outside the ephemeral range where there is room. */
  public static int unused() {
    return unused(ephemeralLow());
  }

  static int unused(int ephemeralLow) {
    int high = ephemeralLow - 1;
    if (high - LOWEST >= ENOUGH) {
      for (int attempt = 0; attempt < 200; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, high + 1);
        if (bindable(port)) {
          return port;
        }
      }
    }
    // A machine whose ephemeral range starts low leaves no such room: take the kernel's pick.
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port", e);
    }
  }

  /** Bound on the wildcard address, so a listener on any address or a connection makes it fail. */
  static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int ephemeralLow() {
    try {
      // Read as lines: procfs reports a size of 0, which Files.readString trusts.
      String[] range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException e) {
      // Linux's default range; other systems (49152 and up) leave even more room below.
      return 32_768;
    }
  }
}
