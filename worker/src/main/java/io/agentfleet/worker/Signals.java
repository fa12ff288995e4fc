package io.agentfleet.worker;

/**
 * SIGTERM/SIGINT handling. A shutdown hook cannot do this: the JVM is already exiting when hooks
 * run, and a second signal could not cut a long drain short. {@code sun.misc.Signal} is in {@code
 * jdk.unsupported}, available on every JDK this project supports.
 */
@SuppressWarnings("removal")
final class Signals {
  private Signals() {}

  static void onTermination(Runnable action) {
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> action.run());
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> action.run());
  }
}
