package io.agentfleet.operator.dashboard;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may use the dashboard's write actions: the caller's bearer token is sent to the API server
 * (TokenReview), and the user it names must be allowed to patch the AgentDeployment
 * (SubjectAccessReview), exactly what {@code kubectl agents rollout pause} would need. The token is
 * never logged or kept.
 */
public final class WriteAccess {

  /** The answer for one request; {@code status} is the HTTP status to refuse with. */
  public record Verdict(boolean allowed, int status, String user, String reason) {
    static Verdict refuse(int status, String user, String reason) {
      return new Verdict(false, status, user, reason);
    }
  }

  private final KubernetesClient client;

  public WriteAccess(KubernetesClient client) {
    this.client = client;
  }

  public Verdict check(String authorization, String namespace, String name) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return Verdict.refuse(401, null, "a Kubernetes bearer token is required");
    }
    String token = authorization.substring("Bearer ".length()).trim();
    if (token.isEmpty()) {
      return Verdict.refuse(401, null, "a Kubernetes bearer token is required");
    }
    try {
      TokenReview review =
          client
              .resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build())
              .create();
      if (review.getStatus() == null
          || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())
          || review.getStatus().getUser() == null) {
        return Verdict.refuse(401, null, "the API server did not accept the token");
      }
      UserInfo user = review.getStatus().getUser();
      Map<String, List<String>> extra = new HashMap<>();
      if (user.getExtra() != null) {
        user.getExtra().forEach(extra::put);
      }
      SubjectAccessReview access =
          client
              .resource(
                  new SubjectAccessReviewBuilder()
                      .withNewSpec()
                      .withUser(user.getUsername())
                      .withUid(user.getUid())
                      .withGroups(user.getGroups())
                      .withExtra(extra)
                      .withNewResourceAttributes()
                      .withGroup(AgentDeployment.GROUP)
                      .withResource("agentdeployments")
                      .withVerb("patch")
                      .withNamespace(namespace)
                      .withName(name)
                      .endResourceAttributes()
                      .endSpec()
                      .build())
              .create();
      boolean allowed =
          access.getStatus() != null && Boolean.TRUE.equals(access.getStatus().getAllowed());
      if (!allowed) {
        return Verdict.refuse(
            403,
            user.getUsername(),
            user.getUsername()
                + " may not patch agentdeployments "
                + name
                + " in namespace "
                + namespace);
      }
      return new Verdict(true, 200, user.getUsername(), "allowed");
    } catch (KubernetesClientException e) {
      return Verdict.refuse(
          503, null, "the access check failed (" + e.getCode() + "): no write was made");
    }
  }
}
