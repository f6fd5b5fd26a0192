package io.metamirror.mirror.node;

import io.metamirror.protocol.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A pure-Python wheel pip accepts (PEP 427): a zip of the package, {@code METADATA}, {@code WHEEL}
 * and a {@code RECORD} with each file's urlsafe-base64 sha256 and size.
 *
 * @param project the project name as pip is asked for it, {@code demo-pkg}
 */
record TestWheel(String project, String version) {
  /** The name's distribution form: {@code demo_pkg}. */
  String distribution() {
    return project.replace('-', '_');
  }

  String fileName() {
    return distribution() + "-" + version + "-py3-none-any.whl";
  }

  byte[] build() throws IOException {
    String info = distribution() + "-" + version + ".dist-info/";
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(distribution() + "/__init__.py", utf8("VERSION = \"" + version + "\"\n"));
    files.put(
        info + "METADATA",
        utf8("Metadata-Version: 2.1\nName: " + project + "\nVersion: " + version + "\n"));
    files.put(
        info + "WHEEL",
        utf8(
            "Wheel-Version: 1.0\nGenerator: metamirror-test\nRoot-Is-Purelib: true\n"
                + "Tag: py3-none-any\n"));
    StringBuilder record = new StringBuilder();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      record
          .append(file.getKey())
          .append(",sha256=")
          .append(recordHash(file.getValue()))
          .append(',')
          .append(file.getValue().length)
          .append('\n');
    }
    files.put(info + "RECORD", utf8(record.append(info).append("RECORD,,\n").toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** The hash as RECORD writes it: urlsafe base64 of the sha256, without padding. */
  private static String recordHash(byte[] content) {
    byte[] digest = Sha256.newDigest().digest(content);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
