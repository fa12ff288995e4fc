package io.agentfleet.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The flags every kubectl plugin is expected to honour. kubectl passes none of its own flags to a
 * plugin ({@code kubectl -n x agents} is refused by kubectl itself), so each command takes them.
 * Without {@code --kubeconfig}, {@code KUBECONFIG} and then {@code ~/.kube/config} are read, as
 * kubectl does.
 */
public final class ClusterOptions {

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "Namespace of the AgentDeployment (default: the context's, else default).")
  String namespace;

  @Option(
      names = "--context",
      paramLabel = "CONTEXT",
      description = "kubeconfig context to use (default: the current context).")
  String context;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
  Path kubeconfig;

  /** The API server of the last connect(), to name it when it cannot be reached. */
  private String server;

  public Cluster connect() {
    Config config = config();
    server = config.getMasterUrl();
    String ns = namespace != null ? namespace : config.getNamespace();
    return new Cluster(
        new KubernetesClientBuilder().withConfig(config).build(), ns == null ? "default" : ns);
  }

  String server() {
    return server;
  }

  Config config() {
    Config loaded;
    if (kubeconfig != null) {
      File file = kubeconfig.toFile();
      if (!Files.isReadable(kubeconfig)) {
        throw new CommandFailure("cannot read kubeconfig " + kubeconfig);
      }
      loaded = Config.fromKubeconfig(context, file);
    } else {
      loaded = Config.autoConfigure(context);
    }
    if (context != null
        && (loaded.getCurrentContext() == null
            || !context.equals(loaded.getCurrentContext().getName()))) {
      throw new CommandFailure("context \"" + context + "\" does not exist");
    }
    // A person is waiting: fail fast instead of Fabric8's default of ten retries with back-off.
    return new ConfigBuilder(loaded).withRequestRetryBackoffLimit(0).build();
  }
}
