package io.agentfleet.devserver.twirp;

import com.google.gson.JsonObject;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.agentfleet.devserver.auth.AuthException;
import io.agentfleet.devserver.auth.Claims;
import io.agentfleet.devserver.auth.TokenVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code POST /twirp/livekit.<Service>/<Method>} with protobuf or JSON bodies, as the Go
 * server does: JSON replies use proto field names with defaults emitted; errors are Twirp JSON; a
 * token that fails verification gets a plain-text 401 before Twirp sees the request.
 */
public final class TwirpHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(TwirpHandler.class);
  private static final String PREFIX = "/twirp/";
  private static final int MAX_BODY = 10 * 1024 * 1024;
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().preservingProtoFieldNames().alwaysPrintFieldsWithNoPresence();

  private final TokenVerifier verifier;
  private final Map<String, TwirpMethod<?, ?>> methods;

  /**
   * @param methods by path after {@code /twirp/}, e.g. {@code livekit.RoomService/CreateRoom}
   */
  public TwirpHandler(TokenVerifier verifier, Map<String, TwirpMethod<?, ?>> methods) {
    this.verifier = verifier;
    this.methods = Map.copyOf(methods);
  }

  /** Strips one leading slash from {@code //twirp/...}, which some SDKs produce. */
  static String normalize(String path) {
    return path.startsWith("//") ? path.substring(1) : path;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = normalize(Request.getPathInContext(request));
    if (!path.startsWith(PREFIX)) {
      return false;
    }
    try {
      serve(path.substring(PREFIX.length()), request, response, callback);
    } catch (TwirpException e) {
      writeError(response, callback, e);
    } catch (RuntimeException e) {
      LOG.error("twirp {} failed", path, e);
      writeError(response, callback, new TwirpException("internal", 500, e.toString()));
    }
    return true;
  }

  private void serve(String route, Request request, Response response, Callback callback)
      throws TwirpException {
    if (!"POST".equals(request.getMethod())) {
      throw TwirpException.badRoute("unsupported method " + request.getMethod());
    }
    // Read before any answer, errors included: an answer that leaves the body unread makes Jetty
    // close the connection, and a client that reuses it for its next request gets no response.
    byte[] raw = readBody(request, response);
    TwirpMethod<?, ?> method = methods.get(route);
    if (method == null) {
      throw TwirpException.badRoute("no handler for path /twirp/" + route);
    }
    Claims claims;
    try {
      String token =
          TokenVerifier.tokenFrom(request.getHeaders().get(HttpHeader.AUTHORIZATION), null);
      claims = verifier.verify(token);
    } catch (AuthException e) {
      writePlain(response, callback, 401, e.getMessage());
      return;
    }
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase();
    boolean json;
    if (mediaType.equals("application/json")) {
      json = true;
    } else if (mediaType.equals("application/protobuf")) {
      json = false;
    } else {
      throw TwirpException.badRoute("unexpected Content-Type: " + contentType);
    }
    Message decoded = decode(method.prototype(), raw, json);
    Message reply = method.invoke(claims, decoded);
    byte[] body;
    if (json) {
      try {
        body = JSON.print(reply).getBytes(StandardCharsets.UTF_8);
      } catch (InvalidProtocolBufferException e) {
        throw new TwirpException("internal", 500, e.getMessage());
      }
    } else {
      body = reply.toByteArray();
    }
    response.setStatus(200);
    response
        .getHeaders()
        .put(HttpHeader.CONTENT_TYPE, json ? "application/json" : "application/protobuf");
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static byte[] readBody(Request request, Response response) throws TwirpException {
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        // The rest stays unread, so say the connection ends rather than let a client reuse it.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        throw TwirpException.invalidArgument("request body too large");
      }
      return body;
    } catch (IOException e) {
      throw TwirpException.malformed("failed to read request body: " + e.getMessage());
    }
  }

  /** The request as the method's type, or a {@code malformed} TwirpException; nothing else. */
  static Message decode(Message prototype, byte[] body, boolean json) throws TwirpException {
    try {
      if (json) {
        Message.Builder builder = prototype.newBuilderForType();
        String text = new String(body, StandardCharsets.UTF_8);
        JsonFormat.parser().ignoringUnknownFields().merge(text.isBlank() ? "{}" : text, builder);
        return builder.build();
      }
      return prototype.getParserForType().parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw TwirpException.malformed("the request could not be decoded: " + e.getMessage());
    }
  }

  private static void writeError(Response response, Callback callback, TwirpException e) {
    JsonObject error = new JsonObject();
    error.addProperty("code", e.code());
    error.addProperty("msg", e.getMessage());
    response.setStatus(e.httpStatus());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(
        true, ByteBuffer.wrap(error.toString().getBytes(StandardCharsets.UTF_8)), callback);
  }

  public static void writePlain(Response response, Callback callback, int status, String text) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
  }
}
