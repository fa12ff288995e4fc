package io.agentfleet.operator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A real HTTP status endpoint standing in for one worker process: serves {@code /worker} in the
 * Agentfleet worker's format with whatever calls and load the test scripts, or fails on demand.
 * Public for the API-server tier's kubelet ({@code apiserver.RealKubelet}).
 */
public final class ScriptedWorker implements AutoCloseable {

  private final HttpServer server;
  private volatile int calls;
  private volatile double load;
  private volatile boolean broken;

  public ScriptedWorker() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/worker",
        exchange -> {
          byte[] body;
          int code;
          if (broken) {
            code = 500;
            body = "boom".getBytes(StandardCharsets.UTF_8);
          } else {
            code = 200;
            body =
                String.format(
                        Locale.ROOT,
                        "{\"agent_name\":\"voice\",\"worker_type\":\"JT_ROOM\",\"active_jobs\":%d,"
                            + "\"worker_load\":%.3f,\"project_type\":\"java\",\"worker_id\":\"AW_x\","
                            + "\"status\":\"%s\",\"registered\":true,\"draining\":false,\"max_jobs\":4}",
                        calls,
                        load,
                        load >= 1.0 ? "WS_FULL" : "WS_AVAILABLE")
                    .getBytes(StandardCharsets.UTF_8);
          }
          exchange.sendResponseHeaders(code, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  public void report(int calls, double load) {
    this.calls = calls;
    this.load = load;
    this.broken = false;
  }

  public void breakDown() {
    this.broken = true;
  }

  public int calls() {
    return calls;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
