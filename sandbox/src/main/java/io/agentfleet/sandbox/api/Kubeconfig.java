package io.agentfleet.sandbox.api;

/** A kubeconfig with one cluster, user and context named {@code agentfleet-sandbox}. */
final class Kubeconfig {
  private Kubeconfig() {}

  static String render(String serverUrl) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: agentfleet-sandbox
            cluster:
              server: %s
        users:
          - name: agentfleet-sandbox
            user:
              token: sandbox
        contexts:
          - name: agentfleet-sandbox
            context:
              cluster: agentfleet-sandbox
              user: agentfleet-sandbox
              namespace: default
        current-context: agentfleet-sandbox
        """
        .formatted(serverUrl);
  }
}
