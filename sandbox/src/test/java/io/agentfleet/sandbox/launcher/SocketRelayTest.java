package io.agentfleet.sandbox.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relays that keep the sandbox's API reachable from the host while it runs in a namespace. */
class SocketRelayTest {
  @TempDir Path dir;

  @Test
  void carriesBytesBothWaysThroughAUnixSocketHop() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> echoOnce(echo));
      server.start();
      UnixDomainSocketAddress hop = UnixDomainSocketAddress.of(dir.resolve("api.sock"));
      InetSocketAddress front = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
      try (SocketRelay inner = SocketRelay.start(hop, echo.getLocalSocketAddress());
          SocketRelay outer = SocketRelay.start(front, hop);
          Socket client = new Socket(front.getAddress(), front.getPort())) {
        client.setSoTimeout(5000);
        client.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
        client.shutdownOutput();

        String back = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(back).isEqualTo("hello\n");
      }
      server.join(5000);
      assertThat(Files.exists(hop.getPath())).as("the socket file goes with the relay").isFalse();
    }
  }

  @Test
  void aClientOfAnUnreachableTargetIsClosedNotLeftHanging() throws Exception {
    InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
    InetSocketAddress front = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
    try (SocketRelay relay = SocketRelay.start(front, nobody);
        Socket client = new Socket(front.getAddress(), front.getPort())) {
      client.setSoTimeout(5000);

      assertThat(client.getInputStream().read()).as("end of stream").isEqualTo(-1);
    }
  }

  private static void echoOnce(ServerSocket server) {
    try (Socket s = server.accept()) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      out.write(in.readAllBytes());
      s.shutdownOutput();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
