package dev.stepflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A client that writes exactly the bytes it is given to a fresh socket, framing mistakes included,
 * and reads answers as HTTP/1.1 (status line, headers, a body framed by Content-Length, chunked or
 * the connection's end). A conforming client cannot send what the hostile-client tests send.
 */
final class RawConnection implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_HEAD_BYTES = 64 * 1024;
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  /** CR LF CR LF as the last four bytes read, in an int. */
  private static final int END_OF_HEAD = 0x0d0a0d0a;

  /** How an attempt to read an answer ended. */
  enum Ending {
    /** A whole answer: status line, headers and body. */
    ANSWERED,
    /** The server closed the connection before the first byte of an answer. */
    CLOSED,
    /** The connection was reset before the first byte of an answer. */
    RESET,
    /** Nothing arrived, and the connection stayed open, for the whole read timeout. */
    TIMED_OUT,
    /** An answer began but did not end (cut by a close, a reset or the read timeout). */
    CUT
  }

  /** One answer, or how the attempt to read one ended. */
  record Answer(
      Ending ending, int status, String statusLine, Map<String, String> headers, byte[] body) {
    static Answer none(Ending ending) {
      return new Answer(ending, 0, "", Map.of(), new byte[0]);
    }

    boolean answered() {
      return ending == Ending.ANSWERED;
    }

    /** A header's value (the last one when repeated), by its name in any case; null if absent. */
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Null when this is an error answer in the v4 envelope with a 4xx status: JSON content type,
     * {@code success:false}, a numeric {@code errors[0].code}, {@code messages}, {@code
     * result:null}. Otherwise what is wrong with it.
     */
    String envelopeProblem() {
      if (ending != Ending.ANSWERED) {
        return "no whole answer (" + ending + ")";
      }
      if (status < 400 || status > 499) {
        return "status " + status + " is not 4xx";
      }
      String type = header("Content-Type");
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
        return "Content-Type " + type + " is not application/json";
      }
      String text = bodyText();
      if (text.toLowerCase(Locale.ROOT).contains("<html")) {
        return "an HTML body";
      }
      JsonNode json;
      try {
        json = JSON.readTree(text);
      } catch (IOException e) {
        return "a body that is not JSON: " + cut(text);
      }
      if (json == null || !json.isObject()) {
        return "a body that is not a JSON object: " + cut(text);
      }
      boolean shape =
          json.path("success").isBoolean()
              && !json.path("success").asBoolean()
              && json.path("errors").isArray()
              && json.path("errors").size() >= 1
              && json.path("errors").get(0).path("code").isIntegralNumber()
              && json.path("errors").get(0).path("message").isTextual()
              && json.path("messages").isArray()
              && json.has("result")
              && json.get("result").isNull();
      return shape ? null : "not the v4 failure envelope: " + cut(text);
    }

    private static String cut(String text) {
      return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    @Override
    public String toString() {
      return ending == Ending.ANSWERED ? statusLine + " " + cut(bodyText()) : ending.toString();
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new java.io.BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to 127.0.0.1:{@code port}; reads give up after {@code readTimeout} of silence. */
  static RawConnection open(int port, Duration readTimeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
      return new RawConnection(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  void readTimeout(Duration timeout) throws SocketException {
    socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
  }

  /** Writes {@code data}; false if the connection no longer takes bytes (closed or reset). */
  boolean send(byte[] data) {
    try {
      out.write(data);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  boolean send(String text) {
    return send(bytes(text));
  }

  /** Ends the sending side (FIN): the server reads the end of the stream. */
  void closeWrite() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      // the connection is gone already; there is nothing left to end
    }
  }

  /** Closes with a reset (RST) instead of an orderly close, as a killed or aborting client. */
  void reset() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      // closed already
    }
  }

  /** What {@link #peek} found. */
  static final int END = -1;

  static final int NOTHING_YET = -2;
  static final int RESET = -3;

  /**
   * Waits up to the read timeout for the next byte, without consuming it: the byte, or {@link #END}
   * (the server closed), {@link #NOTHING_YET} or {@link #RESET}.
   */
  int peek() {
    try {
      in.mark(1);
      int b = in.read();
      if (b >= 0) {
        in.reset();
      }
      return b;
    } catch (SocketTimeoutException e) {
      return NOTHING_YET;
    } catch (IOException e) {
      return RESET;
    }
  }

  /** Reads to the end of the stream (or the read timeout); what arrived. */
  byte[] drain() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // a timeout or reset ends the drain
    }
    return all.toByteArray();
  }

  /**
   * Reads the next answer, a {@code 100 Continue} included. {@code head}: the request was HEAD, so
   * the answer has no body whatever its headers say.
   */
  Answer read(boolean head) {
    ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
    try {
      int first = in.read();
      if (first < 0) {
        return Answer.none(Ending.CLOSED);
      }
      headBytes.write(first);
      int lastFour = first;
      while (lastFour != END_OF_HEAD) {
        int b = in.read();
        if (b < 0) {
          return Answer.none(Ending.CUT);
        }
        headBytes.write(b);
        lastFour = (lastFour << 8) | b;
        if (headBytes.size() > MAX_HEAD_BYTES) {
          return Answer.none(Ending.CUT);
        }
      }
    } catch (SocketTimeoutException e) {
      return Answer.none(headBytes.size() == 0 ? Ending.TIMED_OUT : Ending.CUT);
    } catch (IOException e) {
      return Answer.none(headBytes.size() == 0 ? Ending.RESET : Ending.CUT);
    }
    String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String statusLine = lines[0];
    int status;
    try {
      status = Integer.parseInt(statusLine.substring(9, 12));
    } catch (RuntimeException e) {
      return new Answer(Ending.ANSWERED, -1, statusLine, Map.of(), new byte[0]);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    if (head || status < 200 || status == 204 || status == 304) {
      return new Answer(Ending.ANSWERED, status, statusLine, headers, new byte[0]);
    }
    try {
      byte[] body;
      String transfer = headers.get("transfer-encoding");
      String length = headers.get("content-length");
      if (transfer != null && transfer.toLowerCase(Locale.ROOT).contains("chunked")) {
        body = chunked();
      } else if (length != null) {
        body = in.readNBytes(Math.toIntExact(Math.min(Long.parseLong(length), MAX_BODY_BYTES)));
        if (body.length < Long.parseLong(length)) {
          throw new EOFException("body cut");
        }
      } else {
        body = in.readNBytes(MAX_BODY_BYTES);
      }
      return new Answer(Ending.ANSWERED, status, statusLine, headers, body);
    } catch (IOException | RuntimeException e) {
      return new Answer(Ending.CUT, status, statusLine, headers, new byte[0]);
    }
  }

  /** Reads answers until one that is not {@code 1xx}; the interim ones are dropped. */
  Answer readFinal(boolean head) {
    Answer answer = read(head);
    while (answer.answered() && answer.status() >= 100 && answer.status() < 200) {
      answer = read(head);
    }
    return answer;
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line();
      int semicolon = sizeLine.indexOf(';');
      int size =
          Integer.parseInt(
              (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        while (!line().isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      byte[] data = in.readNBytes(size);
      if (data.length < size || body.size() + size > MAX_BODY_BYTES) {
        throw new EOFException("chunk cut");
      }
      body.write(data);
      line();
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new EOFException("line cut");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a broken socket
    }
  }

  /** The request head lines joined with CRLF and ended by a blank line. */
  static String head(List<String> lines) {
    return String.join("\r\n", new ArrayList<>(lines)) + "\r\n\r\n";
  }
}
