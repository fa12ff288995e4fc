package io.agentfleet.media;

/** The native WebRTC library cannot be loaded here (most often: Debian's libpulse0 is missing). */
public final class MediaUnavailableException extends Exception {
  public MediaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
