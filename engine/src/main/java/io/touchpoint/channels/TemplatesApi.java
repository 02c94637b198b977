package io.touchpoint.channels;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;

/**
 * The message templates over HTTP: list them (with the reason of any refused file), preview one for a customer
 * without sending, save one (refused with the reason when it does not parse or render its example) and delete one;
 * saved and deleted templates are kept in the database and apply on every node.
 */
@RestController
@RequestMapping("/api/templates")
class TemplatesApi {

    private final MessageTemplates templates;
    private final MessageService messages;
    private final ProfileService profiles;

    TemplatesApi(MessageTemplates templates, MessageService messages, ProfileService profiles) {
        this.templates = templates;
        this.messages = messages;
        this.profiles = profiles;
    }

    /** The body of a preview: the customer, optionally a locale, and the variables a journey would pass. */
    record PreviewRequest(String customerId, String locale, Map<String, Object> variables) {
    }

    @GetMapping
    List<MessageTemplates.Listing> list() {
        return templates.list();
    }

    @PostMapping("/{name}/preview")
    ResponseEntity<?> preview(@PathVariable String name, @RequestBody PreviewRequest request) {
        if (request.customerId() == null || request.customerId().isBlank()) {
            return error(HttpStatus.BAD_REQUEST, "field 'customerId' is required");
        }
        CustomerProfile profile = profiles.find(request.customerId()).orElse(null);
        if (profile == null) {
            return error(HttpStatus.NOT_FOUND, "no customer '" + request.customerId() + "'");
        }
        Map<String, Object> variables = request.variables() == null ? Map.of() : request.variables();
        return ResponseEntity.ok(messages.preview(name, profile, request.locale(), variables));
    }

    @PutMapping(value = "/{name}/{locale}", consumes = {"application/yaml", "text/yaml", "text/plain"})
    MessageTemplates.Listing save(@PathVariable String name, @PathVariable String locale, @RequestBody String source,
                                  Authentication user) {
        MessageTemplate saved = templates.save(name, locale, source, user.getName());
        return new MessageTemplates.Listing(saved.name(), saved.locale(), saved.channel().id(), saved.category(), "loaded", null);
    }

    @DeleteMapping("/{name}/{locale}")
    ResponseEntity<?> delete(@PathVariable String name, @PathVariable String locale, Authentication user) {
        return templates.delete(name, locale, user.getName()) ? ResponseEntity.noContent().build()
                : error(HttpStatus.NOT_FOUND, "no template '" + name + "' (" + locale + ")");
    }

    @ExceptionHandler({TemplateException.class, IllegalArgumentException.class})
    ProblemDetail refused(RuntimeException problem) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, problem.getMessage());
    }

    private static ResponseEntity<ProblemDetail> error(HttpStatus status, String message) {
        return ResponseEntity.of(ProblemDetail.forStatusAndDetail(status, message)).build();
    }
}
