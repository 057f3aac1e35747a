package dev.heed.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** A small HTTP client for the tests (java.base only). */
final class Http {
  record Reply(int status, String body, String contentType) {}

  private Http() {}

  static Reply get(int port, String path) {
    return call(port, "GET", path, null, false);
  }

  static Reply post(int port, String path, String body) {
    return call(port, "POST", path, body, false);
  }

  /** POST on a fresh connection that is closed after the answer. */
  static Reply postClosing(int port, String path, String body) throws IOException {
    return exchange(port, "POST", path, body, true);
  }

  static Reply call(int port, String method, String path, String body, boolean close) {
    try {
      return exchange(port, method, path, body, close);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Reply exchange(int port, String method, String path, String body, boolean close)
      throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(5000);
    c.setReadTimeout(20000);
    if (close) {
      c.setRequestProperty("Connection", "close");
    }
    if (body != null) {
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      try (OutputStream o = c.getOutputStream()) {
        o.write(body.getBytes(StandardCharsets.UTF_8));
      }
    }
    int status = c.getResponseCode();
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    if (in != null) {
      try (in) {
        in.transferTo(b);
      }
    }
    return new Reply(status, b.toString(StandardCharsets.UTF_8), c.getContentType());
  }
}
