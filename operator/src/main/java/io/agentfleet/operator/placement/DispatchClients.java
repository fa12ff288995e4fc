package io.agentfleet.operator.placement;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.configdata.WatchedContent;
import io.agentfleet.operator.workers.PodRenderer;
import io.fabric8.kubernetes.api.model.Secret;
import io.livekit.server.AgentDispatchServiceClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import retrofit2.Response;

/**
 * The LiveKit server's {@code AgentDispatchService} of a deployment, reached with the deployment's
 * own URL and credentials Secret.
 */
public final class DispatchClients {

  private final WatchedContent<Secret> secrets;
  private final Map<List<String>, AgentDispatchServiceClient> clients = new ConcurrentHashMap<>();
  private final OkHttpClient http =
      new OkHttpClient.Builder()
          .connectTimeout(Duration.ofSeconds(2))
          .readTimeout(Duration.ofSeconds(3))
          .callTimeout(Duration.ofSeconds(5))
          .build();

  public DispatchClients(WatchedContent<Secret> secrets) {
    this.secrets = secrets;
  }

  /**
   * The client for the deployment's server.
   *
   * @throws IllegalStateException when the credentials Secret or one of its keys is missing
   */
  public AgentDispatchServiceClient of(AgentDeployment deployment) {
    String name = deployment.getSpec().getLivekit().getCredentialsSecret();
    Secret secret = secrets.get(deployment.getMetadata().getNamespace(), name).orElse(null);
    if (secret == null) {
      throw new IllegalStateException("Secret " + name + " not found");
    }
    String url = httpUrl(deployment.getSpec().getLivekit().getUrl());
    String key = value(secret, PodRenderer.SECRET_KEY_API_KEY);
    String apiSecret = value(secret, PodRenderer.SECRET_KEY_API_SECRET);
    // One client per server and credentials (a rotated secret gets a new one); all share one
    // connection pool, with timeouts short enough that a dead server cannot stall a reconcile.
    return clients.computeIfAbsent(
        List.of(url, key, Integer.toHexString(apiSecret.hashCode())),
        k -> AgentDispatchServiceClient.createClient(url, key, apiSecret, () -> http));
  }

  /** The body of a successful answer; anything else is an IOException naming the call. */
  public static <T> T body(Response<T> response, String call) throws IOException {
    if (!response.isSuccessful() || response.body() == null) {
      throw new IOException(call + " answered " + response.code());
    }
    return response.body();
  }

  private static String value(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return secret.getStringData().get(key);
    }
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    throw new IllegalStateException(
        "Secret " + secret.getMetadata().getName() + " has no key " + key);
  }

  /** The server API is HTTP on the address the workers' WebSocket URL names. */
  static String httpUrl(String livekitUrl) {
    if (livekitUrl.startsWith("wss://")) {
      return "https://" + livekitUrl.substring("wss://".length());
    }
    if (livekitUrl.startsWith("ws://")) {
      return "http://" + livekitUrl.substring("ws://".length());
    }
    return livekitUrl;
  }
}
