package io.agentfleet.sandbox.launcher;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards each connection accepted on one address to another, byte for byte, TCP or Unix socket on
 * either side. Unix sockets are files, which network namespaces do not separate: a TCP → Unix relay
 * outside the media namespace and a Unix → TCP relay inside it make a port inside reachable from
 * the host, so kubectl keeps working while the sandbox runs in the namespace.
 */
final class SocketRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SocketRelay.class);
  private final ServerSocketChannel listener;
  private final SocketAddress listening;
  private final SocketAddress target;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private SocketRelay(ServerSocketChannel listener, SocketAddress listening, SocketAddress target) {
    this.listener = listener;
    this.listening = listening;
    this.target = target;
    this.acceptor = new Thread(this::acceptLoop, "relay " + listening);
    this.acceptor.setDaemon(true);
  }

  static SocketRelay start(SocketAddress listen, SocketAddress target) throws IOException {
    ServerSocketChannel listener =
        listen instanceof UnixDomainSocketAddress
            ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
            : ServerSocketChannel.open();
    try {
      listener.bind(listen);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    SocketRelay relay = new SocketRelay(listener, listen, target);
    relay.acceptor.start();
    return relay;
  }

  private void acceptLoop() {
    while (listener.isOpen()) {
      SocketChannel in;
      try {
        in = listener.accept();
      } catch (IOException e) {
        if (!listener.isOpen()) {
          return;
        }
        // Out of file descriptors or an aborted handshake: the listener is still there, so
        // stopping would leave clients hanging in its backlog instead of failing.
        LOG.warn("relay {}: accept failed ({}); retrying", listening, e.toString());
        sleepQuietly(200);
        continue;
      }
      open.add(in);
      // Connecting can wait on a slow target; off this thread, so other clients are accepted.
      Thread connect = new Thread(() -> connect(in), "relay-connect");
      connect.setDaemon(true);
      connect.start();
    }
  }

  private void connect(SocketChannel in) {
    SocketChannel out;
    try {
      out = SocketChannel.open(target);
    } catch (IOException | RuntimeException unreachable) {
      closeQuietly(in);
      return;
    }
    open.add(out);
    if (!listener.isOpen()) {
      // close() ran meanwhile and may have missed this pair.
      closeQuietly(in);
      closeQuietly(out);
      return;
    }
    // Each side is closed once both directions have ended (half-closes are passed on).
    AtomicInteger directions = new AtomicInteger(2);
    pump(in, out, directions);
    pump(out, in, directions);
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pump(SocketChannel from, SocketChannel to, AtomicInteger directions) {
    Thread t =
        new Thread(
            () -> {
              ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
              try {
                while (from.read(buffer) >= 0) {
                  buffer.flip();
                  while (buffer.hasRemaining()) {
                    to.write(buffer);
                  }
                  buffer.clear();
                }
                to.shutdownOutput();
              } catch (IOException | RuntimeException gone) {
                closeQuietly(from);
                closeQuietly(to);
              } finally {
                if (directions.decrementAndGet() == 0) {
                  closeQuietly(from);
                  closeQuietly(to);
                }
              }
            },
            "relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private void closeQuietly(SocketChannel channel) {
    open.remove(channel);
    try {
      channel.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // already closed
    }
    open.forEach(this::closeQuietly);
    if (listening instanceof UnixDomainSocketAddress unix) {
      try {
        Files.deleteIfExists(unix.getPath());
      } catch (IOException ignored) {
        // its folder goes with the run
      }
    }
  }
}
