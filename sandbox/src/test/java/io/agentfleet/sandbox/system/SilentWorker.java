package io.agentfleet.sandbox.system;

import io.agentfleet.sandbox.calls.AccessTokens;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A worker of the real agent protocol that registers and then never answers an availability
 * request: a hung agent whose socket is still up (the JDK answers the server's pings). Frames are
 * encoded by hand (a few protobuf fields), so the sandbox's tests need no protocol classes.
 */
final class SilentWorker implements AutoCloseable {

  /** One availability request the server sent and nobody answered. */
  record Offer(Instant at, String jobId, String dispatchId, String room) {}

  final List<Offer> offers = new CopyOnWriteArrayList<>();
  private volatile String workerId;
  private final WebSocket socket;

  private SilentWorker(WebSocket socket) {
    this.socket = socket;
  }

  static SilentWorker register(String livekitUrl, String apiKey, String apiSecret, String agentName)
      throws Exception {
    String token = AccessTokens.worker(apiKey, apiSecret, Instant.now());
    SilentWorker[] self = new SilentWorker[1];
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(
                URI.create(livekitUrl + "/agent"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onBinary(
                      WebSocket webSocket, ByteBuffer data, boolean last) {
                    byte[] part = new byte[data.remaining()];
                    data.get(part);
                    frame.writeBytes(part);
                    if (last) {
                      while (self[0] == null) {
                        Thread.onSpinWait();
                      }
                      self[0].received(frame.toByteArray());
                      frame.reset();
                    }
                    webSocket.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    self[0] = new SilentWorker(socket);
    // WorkerMessage.register (1) { type JT_ROOM (0, the default), version (3), agent_name (8) }
    byte[] register = concat(string(3, "silent"), string(8, agentName));
    socket.sendBinary(ByteBuffer.wrap(bytes(1, register)), true).get(5, TimeUnit.SECONDS);
    return self[0];
  }

  String workerId() {
    return workerId;
  }

  /** ServerMessage: register (1) carries the worker id, availability (2) a job. */
  private void received(byte[] message) {
    Fields server = new Fields(message);
    server.bytes(1).ifPresent(r -> workerId = new Fields(r).string(1).orElse(null));
    server
        .bytes(2)
        .flatMap(request -> new Fields(request).bytes(1))
        .ifPresent(
            job -> {
              Fields j = new Fields(job);
              // Job: id (1), room (3) whose name is field 2, dispatch_id (9)
              String room = j.bytes(3).flatMap(r -> new Fields(r).string(2)).orElse("");
              offers.add(
                  new Offer(Instant.now(), j.string(1).orElse(""), j.string(9).orElse(""), room));
            });
  }

  @Override
  public void close() {
    socket.abort();
  }

  private static byte[] string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(int field, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, (field << 3) | 2);
    varint(out, value.length);
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  /** The top-level fields of one protobuf message, read lazily; enough to pick out a few. */
  private record Fields(byte[] data) {
    java.util.Optional<byte[]> bytes(int wanted) {
      int i = 0;
      while (i < data.length) {
        long[] key = varint(i);
        i = (int) key[1];
        int field = (int) (key[0] >>> 3);
        int type = (int) (key[0] & 7);
        switch (type) {
          case 0 -> i = (int) varint(i)[1];
          case 1 -> i += 8;
          case 5 -> i += 4;
          case 2 -> {
            long[] length = varint(i);
            int start = (int) length[1];
            int end = start + (int) length[0];
            if (field == wanted) {
              return java.util.Optional.of(java.util.Arrays.copyOfRange(data, start, end));
            }
            i = end;
          }
          default -> {
            return java.util.Optional.empty();
          }
        }
      }
      return java.util.Optional.empty();
    }

    java.util.Optional<String> string(int field) {
      return bytes(field).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** The varint at {@code i}: its value and the index after it. */
    private long[] varint(int i) {
      long value = 0;
      int shift = 0;
      while (true) {
        byte b = data[i++];
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return new long[] {value, i};
        }
        shift += 7;
      }
    }
  }
}
