package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class LiveKitConnection {

  /** A Secret name is a DNS-1123 subdomain. */
  public static final String SECRET_NAME_PATTERN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  @JsonPropertyDescription(
      "LiveKit server URL, e.g. wss://example.livekit.cloud (ws, wss, http or https).")
  @Required
  @Size(max = 2048)
  @ValidationRule(
      value = "self.matches('^(wss?|https?)://[^/?#\\\\s]+')",
      message = "livekit.url must be a ws://, wss://, http:// or https:// URL with a host")
  private String url;

  @JsonPropertyDescription(
      "Name of a Secret in the same namespace with keys api-key and api-secret.")
  @Required
  @Size(max = 253)
  @Pattern(SECRET_NAME_PATTERN)
  private String credentialsSecret;

  public LiveKitConnection() {}

  public LiveKitConnection(String url, String credentialsSecret) {
    this.url = url;
    this.credentialsSecret = credentialsSecret;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(String credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LiveKitConnection c
        && Objects.equals(url, c.url)
        && Objects.equals(credentialsSecret, c.credentialsSecret);
  }

  @Override
  public int hashCode() {
    return Objects.hash(url, credentialsSecret);
  }
}
