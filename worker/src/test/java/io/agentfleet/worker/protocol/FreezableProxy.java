package io.agentfleet.worker.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback that can freeze its open connections: bytes stop flowing both ways but
 * nothing is closed, which is what a network partition looks like to both ends. New connections
 * made after a freeze flow normally.
 */
final class FreezableProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  FreezableProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Stops all current connections from carrying data, without closing them. */
  void freezeAll() {
    links.forEach(l -> l.frozen = true);
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        Link link = new Link(client, server);
        links.add(link);
        pump(link, client, server);
        pump(link, server, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pump(Link link, Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (!link.frozen) {
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                }
              } catch (IOException ignored) {
                // one side closed
              }
            },
            "proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Link l : links) {
      l.client.close();
      l.server.close();
    }
  }

  private static final class Link {
    final Socket client;
    final Socket server;
    volatile boolean frozen;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }
  }
}
