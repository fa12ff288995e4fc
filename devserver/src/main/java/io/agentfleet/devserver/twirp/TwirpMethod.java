package io.agentfleet.devserver.twirp;

import com.google.protobuf.Message;
import io.agentfleet.devserver.auth.Claims;

/**
 * One Twirp RPC: the request's prototype (for decoding) and the call, which checks grants itself.
 */
public record TwirpMethod<Q extends Message, R extends Message>(Q prototype, Call<Q, R> call) {

  /** The body of an RPC. */
  @FunctionalInterface
  public interface Call<Q, R> {
    R apply(Claims claims, Q request) throws TwirpException;
  }

  @SuppressWarnings("unchecked")
  Message invoke(Claims claims, Message request) throws TwirpException {
    return call.apply(claims, (Q) request);
  }
}
