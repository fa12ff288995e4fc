package io.agentfleet.cli;

/**
 * Something the user should read: printed as {@code error: <message>} on stderr, exit code 1, no
 * stack trace.
 */
public class CommandFailure extends RuntimeException {

  public CommandFailure(String message) {
    super(message);
  }
}
