package io.touchpoint.events;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * The body of an event request, read whole before a route sees it: at most {@code max-payload-bytes}, complete
 * (as long as its Content-Length says) and strictly UTF-8 (JSON's encoding). Anything else is refused here, naming
 * the problem, instead of failing later inside Camel's stream caching with an empty 500.
 */
final class EventBody {

    /** A body that cannot be taken in; {@link #status()} is the HTTP answer (400 or 413). */
    static final class Refused extends Exception {
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private EventBody() {
    }

    /** The request with its body read, checked and held in memory; throws {@link Refused} for a body that cannot be taken in. */
    static HttpServletRequest read(HttpServletRequest request, long maxBytes) throws Refused {
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")) {
            // the servlet container would parse these itself; an event is JSON
            throw new Refused(415, "send events as application/json, not " + type.split(";")[0]);
        }
        byte[] body = bytes(request, maxBytes);
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new Refused(400, "the request body is not valid UTF-8; send events as UTF-8 JSON");
        }
        return new Held(request, body);
    }

    private static byte[] bytes(HttpServletRequest request, long maxBytes) throws Refused {
        long declared = request.getContentLengthLong();
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
        byte[] chunk = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
                out.write(chunk, 0, read);
                if (out.size() > maxBytes) {
                    throw new Refused(413, "the payload is larger than " + maxBytes + " bytes");
                }
            }
        } catch (IOException e) {
            throw new Refused(400, "the request body could not be read to its end (truncated?): " + e.getClass().getSimpleName());
        }
        if (declared >= 0 && out.size() < declared) {
            throw new Refused(400, "the request body ended after " + out.size() + " of the " + declared + " bytes its Content-Length announced");
        }
        return out.toByteArray();
    }

    /** The request with its body from memory, declared as UTF-8. */
    private static final class Held extends HttpServletRequestWrapper {
        private final byte[] body;

        Held(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already in memory");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] bytes, int offset, int length) {
                    return in.read(bytes, offset, length);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }

        @Override
        public String getCharacterEncoding() {
            return StandardCharsets.UTF_8.name();
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
