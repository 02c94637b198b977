package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import io.touchpoint.EngineIT;

/**
 * The OpenAPI document of /api/** that the engine serves at /openapi.yaml is valid OpenAPI and describes exactly
 * what the engine serves: every handler method of Spring MVC under /api/** (the controllers) and every Camel
 * platform-http consumer under /api/** (the event intake, POST /api/events and /api/events/batch, which Camel
 * registers in a handler mapping of its own). An endpoint missing from the document, or one it describes that
 * nothing serves, fails the build.
 */
class OpenApiDocumentIT extends EngineIT {

    private static final String DOCUMENT = "/openapi.yaml";

    /** An operation's extension naming the setting without which the engine does not serve it. */
    private static final String SERVED_WHEN = "x-touchpoint-served-when";

    @Autowired
    Environment settings;

    /** Spring's own mapping (the controllers) and Camel platform-http's (the REST DSL routes), both of this type. */
    @Autowired
    List<RequestMappingHandlerMapping> handlerMappings;

    @Test
    void theDocumentDescribesEveryApiEndpointTheEngineServesAndNoOther() {
        OpenAPI document = parse(fetch("viewer", "viewer"));

        Set<String> served = served();
        Set<String> documented = documented(document);

        assertThat(served).as("what the engine serves under /api/**").contains("POST /api/events", "POST /api/events/batch",
                "GET /api/customers/{}");
        assertThat(missing(served, documented)).as("served under /api/** but missing from " + DOCUMENT).isEmpty();
        assertThat(missing(documented, served)).as("described in " + DOCUMENT + " but not served").isEmpty();
    }

    @Test
    void everySignedInRoleReadsTheDocumentAndNobodyElse() {
        for (String[] user : List.of(new String[] {"integration", "integration"}, new String[] {"viewer", "viewer"},
                new String[] {USER, PASSWORD})) {
            assertThat(fetch(user[0], user[1])).as(user[0]).contains("openapi: 3.0.3", "/api/events/batch");
        }
        HttpResponse<String> anonymous = send(request(DOCUMENT).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private String fetch(String user, String password) {
        HttpResponse<String> response = send(request(DOCUMENT).header("Authorization", basic(user, password)).GET().build());
        assertThat(response.statusCode()).as("GET " + DOCUMENT + " as " + user).isEqualTo(200);
        return response.body();
    }

    /** Reads the text as OpenAPI with every reference resolved; any message of the parser (a bad key, a dangling $ref) fails. */
    private static OpenAPI parse(String yaml) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(yaml, null, options);
        assertThat(result.getMessages()).as("what the OpenAPI parser says about " + DOCUMENT).isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        return result.getOpenAPI();
    }

    /** "METHOD /path" of every handler under /api/**, path variables written {} so their names do not matter. */
    private Set<String> served() {
        Set<String> served = new TreeSet<>();
        for (RequestMappingHandlerMapping mapping : handlerMappings) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (String path : info.getPatternValues()) {
                    if (path.equals("/api") || path.startsWith("/api/")) {
                        assertThat(methods).as("the methods of " + info + " (a handler without one answers them all)").isNotEmpty();
                        methods.forEach(method -> served.add(method.name() + " " + normalised(path)));
                    }
                }
            }
        }
        return served;
    }

    /**
     * "METHOD /path" of every operation of the document that this engine should serve: one marked
     * {@code x-touchpoint-served-when: <setting>} (the development mailbox) only when that setting is true here.
     */
    private Set<String> documented(OpenAPI document) {
        Set<String> documented = new TreeSet<>();
        document.getPaths().forEach((path, item) -> {
            assertThat(path).as("a path of " + DOCUMENT).startsWith("/api/");
            item.readOperationsMap().forEach((method, operation) -> {
                Object setting = operation.getExtensions() == null ? null : operation.getExtensions().get(SERVED_WHEN);
                if (setting == null || settings.getProperty(setting.toString(), Boolean.class, false)) {
                    documented.add(method.name() + " " + normalised(path));
                }
            });
        });
        return documented;
    }

    private static String normalised(String path) {
        return path.replaceAll("\\{[^}]*}", "{}");
    }

    private static Set<String> missing(Set<String> from, Set<String> in) {
        Set<String> missing = new TreeSet<>(from);
        missing.removeAll(in);
        return missing;
    }
}
