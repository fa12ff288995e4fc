package io.agentfleet.sandbox.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The smallest OpenAPI v2 document kubectl accepts. Without any, every default {@code kubectl
 * apply} stops with "failed to download openapi". It declares no paths, so kubectl learns nothing
 * from it and leaves validation to the server, which the sandbox does ({@link Admission}).
 */
final class OpenApiDocuments {

  /** What kube-apiserver answers the protobuf request with. */
  static final String PROTOBUF_TYPE = "application/octet-stream";

  private static final String TITLE = "Agentfleet sandbox";
  private static final String VERSION = "v1.32.0";

  private OpenApiDocuments() {}

  static String v2Json() {
    return "{\"swagger\":\"2.0\",\"info\":{\"title\":\""
        + TITLE
        + "\",\"version\":\""
        + VERSION
        + "\"},\"paths\":{}}";
  }

  /**
   * The same document as gnostic's {@code openapi_v2.Document} protobuf, which kubectl asks for
   * first: field 1 swagger, 2 info (1 title, 2 version), 8 paths.
   */
  static byte[] v2Protobuf() {
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    field(info, 1, TITLE.getBytes(StandardCharsets.UTF_8));
    field(info, 2, VERSION.getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream doc = new ByteArrayOutputStream();
    field(doc, 1, "2.0".getBytes(StandardCharsets.UTF_8));
    field(doc, 2, info.toByteArray());
    field(doc, 8, new byte[0]);
    return doc.toByteArray();
  }

  /** A length-delimited field: tag (number << 3 | 2), varint length, bytes. */
  private static void field(ByteArrayOutputStream out, int number, byte[] value) {
    varint(out, (number << 3) | 2);
    varint(out, value.length);
    out.writeBytes(value);
  }

  private static void varint(ByteArrayOutputStream out, int value) {
    while ((value & ~0x7F) != 0) {
      out.write((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }
}
