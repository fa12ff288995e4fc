package io.agentfleet.controlplane;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where etcd, kube-apiserver and kube-controller-manager are: the folder named by the system
 * property {@value #PROPERTY} or the environment variable {@value #ENV}, else the one {@code
 * tools/build-kube.sh} builds them into.
 */
public record KubeBinaries(Path etcd, Path apiserver, Path controllerManager) {
  public static final String PROPERTY = "agentfleet.kube.bin";
  public static final String ENV = "AGENTFLEET_KUBE_BIN";
  static final String SCRIPT = "tools/build-kube.sh";

  /** Finds the binaries, building them with the project's script if needed. */
  public static KubeBinaries locate() throws IOException {
    BinaryFolder folder = BinaryFolder.locate(SCRIPT, PROPERTY, ENV);
    return new KubeBinaries(
        folder.executable("etcd", SCRIPT),
        folder.executable("kube-apiserver", SCRIPT),
        folder.executable("kube-controller-manager", SCRIPT));
  }
}
