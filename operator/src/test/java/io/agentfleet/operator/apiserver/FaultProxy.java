package io.agentfleet.operator.apiserver;

import io.agentfleet.controlplane.ControlPlane;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS reverse proxy in front of a {@link ControlPlane}'s API server that answers some writes
 * itself, as an API server under load or a load balancer in front of one does: 409 Conflict, 500,
 * 503, or the write done and its answer lost. Reads (gets, lists, and watches over chunked HTTP or
 * WebSocket) pass through as they stream. Every write is recorded with what the client got, so a
 * test can count the attempts a client made.
 *
 * <p>HTTP/1.1 with one request per connection ({@code Connection: close} both ways): the proxy
 * never has to find where a response ends, so a watch is relayed byte for byte as it comes.
 */
final class FaultProxy implements AutoCloseable {

  /** What the client gets instead of the API server's answer. */
  enum Fault {
    /** 409, not forwarded: as if the object had changed under the write. */
    CONFLICT(409, "Conflict", false),
    /** 500, not forwarded. */
    INTERNAL_ERROR(500, "InternalError", false),
    /** 503, not forwarded: an API server going away behind its load balancer. */
    UNAVAILABLE(503, "ServiceUnavailable", false),
    /**
     * Forwarded and done by the API server, answered 500: the client cannot tell it from a write
     * that never happened, which is how a retry creates or deletes something twice.
     */
    LOST_ANSWER(500, "InternalError", true);

    final int code;
    final String reason;
    final boolean forwarded;

    Fault(int code, String reason, boolean forwarded) {
      this.code = code;
      this.reason = reason;
      this.forwarded = forwarded;
    }
  }

  /**
   * One write as the proxy handled it.
   *
   * @param fault what was injected, if anything
   * @param serverCode the API server's answer; 0 when the write was not forwarded
   */
  record Write(Instant at, String method, String target, Optional<Fault> fault, int serverCode) {

    boolean on(String resource) {
      String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
      return path.contains("/" + resource + "/") || path.endsWith("/" + resource);
    }
  }

  /** Which write gets which fault; empty forwards it. Called once per write, in arrival order. */
  @FunctionalInterface
  interface Rule {
    Optional<Fault> judge(String method, String target);

    Rule NONE = (method, target) -> Optional.empty();

    /**
     * Every {@code n}th write whose target contains {@code part} gets the next fault of {@code
     * faults} in turn, so each kind is seen whatever the order of the writes.
     */
    static Rule everyNth(int n, String part, List<Fault> faults) {
      AtomicLong seen = new AtomicLong();
      return (method, target) -> {
        if (!target.contains(part)) {
          return Optional.empty();
        }
        long k = seen.incrementAndGet();
        return k % n == 0
            ? Optional.of(faults.get((int) ((k / n - 1) % faults.size())))
            : Optional.empty();
      };
    }
  }

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final String STORE_PASSWORD = "agentfleet-proxy";

  private final ControlPlane plane;
  private final Path certificate;
  private final SSLServerSocket server;
  private final SSLContext upstream;
  private final ExecutorService connections =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
          });
  private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
  private final List<Write> writes = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final AtomicLong webSockets = new AtomicLong();
  private volatile Rule rule = Rule.NONE;
  private volatile boolean closed;

  private FaultProxy(ControlPlane plane, Path certificate, SSLContext own) throws IOException {
    this.plane = plane;
    this.certificate = certificate;
    this.upstream = ControlPlane.trusting(plane.caFile());
    this.server =
        (SSLServerSocket)
            own.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    connections.execute(this::accept);
  }

  /** Starts a proxy for {@code plane} with a certificate of its own, made in {@code dir}. */
  static FaultProxy start(ControlPlane plane, Path dir) {
    try {
      Files.createDirectories(dir);
      Path store = dir.resolve("proxy.p12");
      Path certificate = dir.resolve("proxy.crt");
      Files.deleteIfExists(store);
      // keytool is the JDK's only public way to make a certificate; the operator trusts this one
      // through its kubeconfig, as it trusts the API server's own.
      keytool(
          "-genkeypair",
          "-alias",
          "proxy",
          "-keyalg",
          "EC",
          "-groupname",
          "secp256r1",
          "-dname",
          "CN=agentfleet-fault-proxy",
          "-ext",
          "SAN=ip:127.0.0.1",
          "-validity",
          "2",
          "-keystore",
          store.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          STORE_PASSWORD,
          "-keypass",
          STORE_PASSWORD);
      keytool(
          "-exportcert",
          "-rfc",
          "-alias",
          "proxy",
          "-keystore",
          store.toString(),
          "-storepass",
          STORE_PASSWORD,
          "-file",
          certificate.toString());
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, STORE_PASSWORD.toCharArray());
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, STORE_PASSWORD.toCharArray());
      SSLContext own = SSLContext.getInstance("TLS");
      own.init(kmf.getKeyManagers(), null, null);
      return new FaultProxy(plane, certificate, own);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up the proxy's TLS", e);
    }
  }

  private static void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool " + args[0] + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  String url() {
    return "https://127.0.0.1:" + server.getLocalPort();
  }

  /** The proxy's own certificate (PEM), the one a client has to trust. */
  Path certificate() {
    return certificate;
  }

  /** WebSocket upgrades relayed: the Fabric8 client's watches. */
  long webSockets() {
    return webSockets.get();
  }

  /**
   * A copy of {@code kubeconfig} (one the control plane wrote) that goes through this proxy and
   * trusts its certificate; same user, same namespace.
   */
  Path through(Path kubeconfig) {
    try {
      String text =
          Files.readString(kubeconfig)
              .replace("server: " + plane.url(), "server: " + url())
              .replace(
                  "certificate-authority: " + plane.caFile(),
                  "certificate-authority: " + certificate);
      Path copy =
          kubeconfig.resolveSibling(
              kubeconfig.getFileName().toString().replace(".kubeconfig", "")
                  + "-proxied.kubeconfig");
      Files.writeString(copy, text);
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** From now on, writes are judged by {@code rule}. */
  void inject(Rule rule) {
    this.rule = rule;
  }

  /** Every write handled so far, in order of arrival. */
  List<Write> writes() {
    return List.copyOf(writes);
  }

  /** Requests the proxy could not answer at all (no fault, its own failure), with the cause. */
  List<String> failures() {
    return List.copyOf(failures);
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        open.add(client);
        connections.execute(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          // one failed handshake or accept; keep serving the others
          continue;
        }
        return;
      }
    }
  }

  private void serve(Socket client) {
    // A client that closes a connection before its request (mid-handshake, as one shutting down
    // does) asked for nothing, so nothing went unanswered.
    String exchange = null;
    boolean answered = false;
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      Head request = Head.read(in);
      if (request == null) {
        return;
      }
      exchange = request.method() + " " + request.target();
      byte[] body = request.body(in);
      String method = request.method();
      boolean write = WRITES.contains(method);
      Optional<Fault> fault = write ? rule.judge(method, request.target()) : Optional.empty();
      if (fault.isPresent() && !fault.get().forwarded) {
        writes.add(new Write(Instant.now(), method, request.target(), fault, 0));
        answered = true;
        answer(out, fault.get(), request);
        return;
      }
      boolean upgrade = request.header("Upgrade") != null;
      SSLSocket server = connect();
      open.add(server);
      try (server) {
        OutputStream up = server.getOutputStream();
        InputStream down = new BufferedInputStream(server.getInputStream());
        Head forwarded = request.without("Transfer-Encoding");
        if (!upgrade) {
          forwarded = forwarded.with("Connection", "close");
        }
        if (body.length > 0 || request.header("Transfer-Encoding") != null) {
          forwarded = forwarded.with("Content-Length", Integer.toString(body.length));
        }
        up.write(forwarded.bytes());
        up.write(body);
        up.flush();
        Head response = Head.read(down);
        if (response == null) {
          throw new EOFException("the API server closed the connection without an answer");
        }
        if (write) {
          writes.add(new Write(Instant.now(), method, request.target(), fault, response.status()));
        }
        if (fault.isPresent()) {
          down.transferTo(OutputStream.nullOutputStream());
          answered = true;
          answer(out, fault.get(), request);
          return;
        }
        if (response.status() == 101) {
          // A WebSocket watch: both ways from now on, until either side closes.
          answered = true;
          webSockets.incrementAndGet();
          out.write(response.bytes());
          out.flush();
          connections.execute(() -> relay(in, up, server));
          relay(down, out, client);
          return;
        }
        answered = true;
        out.write(response.with("Connection", "close").bytes());
        out.flush();
        relay(down, out, client);
      } finally {
        open.remove(server);
      }
    } catch (IOException e) {
      // Once answered, a side that goes away mid-stream is what a proxy sees all day; before, it
      // is the proxy failing the client, which no test should put down to the operator.
      if (exchange != null && !answered && !closed) {
        failures.add(exchange + ": " + e);
      }
    } finally {
      open.remove(client);
    }
  }

  private SSLSocket connect() throws IOException {
    SSLSocket socket =
        (SSLSocket)
            upstream
                .getSocketFactory()
                // By address, not by name: the API server's certificate names 127.0.0.1, not
                // localhost, and the name is what the certificate is checked against.
                .createSocket("127.0.0.1", plane.apiPort());
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    return socket;
  }

  /** Copies as it comes (a watch event is written on as soon as it arrives), then closes. */
  private static void relay(InputStream from, OutputStream to, Socket closeAfter) {
    byte[] buffer = new byte[16 * 1024];
    try {
      for (int n; (n = from.read(buffer)) >= 0; ) {
        to.write(buffer, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      // one side went away
    } finally {
      try {
        closeAfter.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** A Kubernetes Status, as the API server would answer the fault. */
  private static void answer(OutputStream out, Fault fault, Head request) throws IOException {
    String message =
        fault == Fault.CONFLICT
            ? "Operation cannot be fulfilled: the object has been modified; please apply your"
                + " changes to the latest version and try again (injected by the test's proxy)"
            : "injected by the test's proxy: " + request.method() + " " + request.target();
    byte[] body =
        ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"%s\",\"reason\":\"%s\",\"code\":%d}")
            .formatted(message.replace("\"", "'"), fault.reason, fault.code)
            .getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            .formatted(fault.code, fault.reason, body.length);
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Closeable c : open) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    connections.shutdownNow();
  }

  /** The start line and headers of a request or a response, as they came. */
  private record Head(String start, List<String> headers) {

    /** Reads up to the blank line; null if the stream ended before anything came. */
    static Head read(InputStream in) throws IOException {
      List<String> lines = new ArrayList<>();
      while (true) {
        byte[] line = lineOf(in);
        if (line == null) {
          if (lines.isEmpty()) {
            return null;
          }
          throw new EOFException("the stream ended inside a head");
        }
        if (line.length == 0) {
          return new Head(lines.get(0), List.copyOf(lines.subList(1, lines.size())));
        }
        lines.add(new String(line, StandardCharsets.ISO_8859_1));
      }
    }

    String method() {
      return start.substring(0, start.indexOf(' '));
    }

    String target() {
      String[] parts = start.split(" ");
      return parts.length > 1 ? parts[1] : "";
    }

    int status() {
      return Integer.parseInt(start.split(" ")[1]);
    }

    String header(String name) {
      for (String h : headers) {
        int colon = h.indexOf(':');
        if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return h.substring(colon + 1).trim();
        }
      }
      return null;
    }

    Head without(String name) {
      return new Head(
          start,
          headers.stream()
              .filter(
                  h -> !h.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":"))
              .toList());
    }

    Head with(String name, String value) {
      List<String> all = new ArrayList<>(without(name).headers());
      all.add(name + ": " + value);
      return new Head(start, all);
    }

    /** The request's body, whole: by Content-Length, or chunks put together. */
    byte[] body(InputStream in) throws IOException {
      String length = header("Content-Length");
      if (length != null) {
        return in.readNBytes(Integer.parseInt(length));
      }
      if (!"chunked".equalsIgnoreCase(header("Transfer-Encoding"))) {
        return new byte[0];
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String size = new String(chunkLine(in), StandardCharsets.ISO_8859_1).trim();
        int n =
            Integer.parseInt(size.contains(";") ? size.substring(0, size.indexOf(';')) : size, 16);
        if (n == 0) {
          while (chunkLine(in).length > 0) {
            // trailers, dropped
          }
          return body.toByteArray();
        }
        body.write(in.readNBytes(n));
        chunkLine(in);
      }
    }

    private static byte[] chunkLine(InputStream in) throws IOException {
      byte[] line = lineOf(in);
      if (line == null) {
        throw new EOFException("the stream ended inside a chunked body");
      }
      return line;
    }

    /** One line without its CRLF; null at the end of the stream before any byte of it. */
    private static byte[] lineOf(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b; (b = in.read()) >= 0; ) {
        if (b == '\n') {
          byte[] bytes = line.toByteArray();
          return bytes.length > 0 && bytes[bytes.length - 1] == '\r'
              ? Arrays.copyOf(bytes, bytes.length - 1)
              : bytes;
        }
        line.write(b);
      }
      if (line.size() > 0) {
        throw new EOFException("the stream ended inside a line");
      }
      return null;
    }

    byte[] bytes() {
      StringBuilder text = new StringBuilder(start).append("\r\n");
      headers.forEach(h -> text.append(h).append("\r\n"));
      return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
  }
}
