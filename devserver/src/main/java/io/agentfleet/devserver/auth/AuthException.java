package io.agentfleet.devserver.auth;

/** A token that is missing, malformed, expired or signed with an unknown key. */
public final class AuthException extends Exception {
  public AuthException(String message) {
    super(message);
  }
}
