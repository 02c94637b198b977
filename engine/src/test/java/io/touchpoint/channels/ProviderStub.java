package io.touchpoint.channels;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;

/** A local stand-in for the third-party HTTP APIs (Twilio, a push gateway, a webhook receiver) on a random port. */
public final class ProviderStub {

    /** One request the stub received. */
    public record Received(String method, String path, Headers headers, String body, Instant at) {
        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** What the stub answers on a path prefix. */
    record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    public ProviderStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the provider stub", e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(exchange.getRequestMethod(), path, exchange.getRequestHeaders(), body, Instant.now()));
            Answer answer = answers.entrySet().stream().filter(a -> path.startsWith(a.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse(new Answer(200, "{}"));
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), out.length);
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(out);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void answer(String pathPrefix, int status, String body) {
        answers.put(pathPrefix, new Answer(status, body));
    }

    public void reset() {
        received.clear();
        answers.clear();
    }

    public List<Received> received(String pathPrefix) {
        return received.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
    }
}
