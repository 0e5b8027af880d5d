package dev.signet.server.custody;

import dev.signet.keys.Algorithm;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a sealed key is: it goes into the AES-GCM additional authenticated data, so a blob copied to
 * another project, key, version or algorithm row no longer opens.
 */
public record SealBinding(String project, String name, int version, Algorithm algorithm) {
  /** The context string every custody AAD starts with; a new format gets a new one. */
  static final String CONTEXT = "signet-custody/v1";

  /**
   * {@code CONTEXT ‖ 0x00 ‖ header ‖ (u16 length ‖ UTF-8)} for project, name, decimal version and
   * JWA algorithm name. Length prefixes make the encoding injective: no two bindings give one AAD.
   */
  byte[] aad(byte[] header) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(CONTEXT.getBytes(StandardCharsets.US_ASCII));
    out.write(0);
    out.writeBytes(header);
    for (String field : new String[] {project, name, Integer.toString(version), algorithm.jwa()}) {
      byte[] b = field.getBytes(StandardCharsets.UTF_8);
      out.write(b.length >>> 8);
      out.write(b.length & 0xff);
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  String display() {
    return project + "/" + name + " v" + version;
  }
}
