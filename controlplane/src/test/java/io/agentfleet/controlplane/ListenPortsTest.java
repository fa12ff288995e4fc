package io.agentfleet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class ListenPortsTest {

  @Test
  void picksAPortBelowTheEphemeralRangeThatAServerCanBind() throws Exception {
    int low = ListenPorts.ephemeralLow();
    for (int i = 0; i < 20; i++) {
      int port = ListenPorts.unused();
      assertThat(port).isBetween(10_000, low - 1);
      try (ServerSocket server = new ServerSocket()) {
        server.bind(new InetSocketAddress(port));
        assertThat(server.getLocalPort()).isEqualTo(port);
      }
    }
  }

  @Test
  void aPortAnOutgoingConnectionHoldsIsNotOffered() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      // The race this class exists for: the kernel gave a client this port as its local one.
      assertThat(ListenPorts.bindable(client.getLocalPort())).isFalse();
      assertThat(ListenPorts.bindable(server.getLocalPort())).isFalse();
    }
  }

  @Test
  void withNoRoomBelowTheEphemeralRangeTheKernelPicks() throws Exception {
    int port = ListenPorts.unused(10_500);
    assertThat(port).isPositive();
    assertThat(ListenPorts.bindable(port)).isTrue();
  }
}
