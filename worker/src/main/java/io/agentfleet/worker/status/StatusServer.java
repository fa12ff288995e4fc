package io.agentfleet.worker.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The worker's HTTP endpoints for Kubernetes and the operator: {@code /} liveness (200 while the
 * process runs, as Python's), {@code /ready} (200 only while registered and not draining), {@code
 * /worker} JSON, {@code /metrics} Prometheus text.
 */
public final class StatusServer {
  private final HttpServer server;
  private final ExecutorService executor;
  private final Supplier<WorkerInfo> info;
  private final WorkerMetrics metrics;

  public StatusServer(String host, int port, Supplier<WorkerInfo> info, WorkerMetrics metrics)
      throws IOException {
    this.info = info;
    this.metrics = metrics;
    this.server = HttpServer.create(new InetSocketAddress(host, port), 16);
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "status-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public StatusServer start() {
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case "/" -> reply(exchange, 200, "text/plain", "OK");
        case "/ready" -> {
          boolean ready = info.get().ready();
          reply(exchange, ready ? 200 : 503, "text/plain", ready ? "OK" : "not ready");
        }
        case "/worker" -> reply(exchange, 200, "application/json", info.get().toJson().toString());
        case "/metrics" ->
            reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
        default -> reply(exchange, 404, "text/plain", "not found");
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
