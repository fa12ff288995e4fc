package io.agentfleet.devserver.rtc;

import io.agentfleet.devserver.twirp.TwirpHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The plain-HTTP side of {@code /rtc}: {@code /rtc/v1} (single peer connection, not implemented)
 * and {@code /rtc/v1/validate} answer 404 with CORS headers, which makes current clients fall back
 * to {@code /rtc} (the browser client reads the validate reply across origins); {@code
 * /rtc/validate} checks the token as the join would; a non-WebSocket {@code /rtc} is 404.
 */
public final class RtcHttpHandler extends Handler.Abstract.NonBlocking {
  private final RtcService rtc;

  public RtcHttpHandler(RtcService rtc) {
    this.rtc = rtc;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if (!path.equals("/rtc") && !path.startsWith("/rtc/")) {
      return false;
    }
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "*");
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, OPTIONS");
    if ("OPTIONS".equals(request.getMethod())) {
      TwirpHandler.writePlain(response, callback, 200, "");
    } else if (path.equals("/rtc/validate")) {
      try {
        rtc.authorize(request);
        TwirpHandler.writePlain(response, callback, 200, "success");
      } catch (RtcService.JoinRejected e) {
        TwirpHandler.writePlain(response, callback, e.status(), e.getMessage());
      }
    } else {
      TwirpHandler.writePlain(response, callback, 404, "404 page not found");
    }
    return true;
  }
}
