package io.github.twocheckout.connector.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written by hand on a socket: what an HTTP client library will not send (a GET with a form
 * body, a body slower than its headers, a caller from another loopback address such as 127.0.0.2).
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    /** A connection to the connector on 127.0.0.1 from {@code from} (any 127.x.y.z address). */
    public static RawHttp open(int port, String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(30_000);
        return new RawHttp(s);
    }

    public static RawHttp open(int port) throws IOException {
        return open(port, "127.0.0.1");
    }

    /** Writes the request head (request line and headers, then the empty line). */
    public RawHttp head(String method, String path, String... headers) throws IOException {
        StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        sb.append("\r\n");
        write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    public RawHttp write(byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        return this;
    }

    /** The whole request: head with Content-Type and Content-Length, then the body. */
    public Answer send(String method, String path, String contentType, String body, String... headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type: " + contentType;
        all[1] = "Content-Length: " + bytes.length;
        System.arraycopy(headers, 0, all, 2, headers.length);
        head(method, path, all);
        write(bytes);
        return read();
    }

    /** Reads one answer: status, head and body (Content-Length bodies; the rest up to close otherwise). */
    public Answer read() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        if (headText.isEmpty()) {
            return new Answer(-1, "", "");
        }
        int status = Integer.parseInt(headText.substring(9, 12));
        int length = -1;
        boolean chunked = false;
        for (String line : headText.split("\r\n")) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                int size = Integer.parseInt(line(in).trim().split(";")[0], 16);
                if (size == 0) {
                    line(in); // the empty line after the last chunk (no trailers are sent)
                    break;
                }
                body.write(in.readNBytes(size));
                line(in);
            }
        } else if (length >= 0) {
            body.write(in.readNBytes(length));
        }
        return new Answer(status, headText, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** True once the server closed the connection (a read answers end of stream). */
    public boolean closedByServer() {
        try {
            return socket.getInputStream().read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    public record Answer(int status, String head, String body) { }
}
