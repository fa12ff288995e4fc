package io.agentfleet.devserver.twirp;

/** A Twirp error: a code from the Twirp spec, its HTTP status and a message. */
public final class TwirpException extends Exception {
  private final String code;
  private final int httpStatus;

  public TwirpException(String code, int httpStatus, String message) {
    super(message);
    this.code = code;
    this.httpStatus = httpStatus;
  }

  public static TwirpException permissionsDenied() {
    return new TwirpException("unauthenticated", 401, "permissions denied");
  }

  public static TwirpException notFound(String message) {
    return new TwirpException("not_found", 404, message);
  }

  public static TwirpException badRoute(String message) {
    return new TwirpException("bad_route", 404, message);
  }

  public static TwirpException invalidArgument(String message) {
    return new TwirpException("invalid_argument", 400, message);
  }

  public static TwirpException malformed(String message) {
    return new TwirpException("malformed", 400, message);
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
