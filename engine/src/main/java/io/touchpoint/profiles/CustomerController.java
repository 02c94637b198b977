package io.touchpoint.profiles;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The customer API: read a profile (by id, email or phone) with its contact history, patch attributes, replace
 * consents, erase a customer.
 */
@RestController
@RequestMapping("/api/customers")
public class CustomerController {

    /** How many messages of the contact history the customer view shows. */
    private static final int CONTACTS_SHOWN = 50;

    private final ProfileService profiles;
    private final SentMessages contacts;
    private final ObjectMapper json;

    CustomerController(ProfileService profiles, SentMessages contacts, ObjectMapper json) {
        this.profiles = profiles;
        this.contacts = contacts;
        this.json = json;
    }

    @GetMapping("/{customerId}")
    public Map<String, Object> get(@PathVariable String customerId) {
        return view(profiles.find(customerId).orElseThrow(() -> new UnknownCustomerException("no customer '" + customerId + "'")));
    }

    /** {@code GET /api/customers?email=...} or {@code ?phone=...}. */
    @GetMapping
    public Map<String, Object> lookup(@RequestParam(required = false) String email, @RequestParam(required = false) String phone) {
        String kind = email != null ? CustomerProfile.EMAIL : phone != null ? CustomerProfile.PHONE : null;
        if (kind == null) {
            throw new ProfileUpdate.InvalidProfileUpdateException("email", "or 'phone' is required to look a customer up");
        }
        String value = email != null ? email : phone;
        return view(profiles.findByIdentity(kind, value).orElseThrow(() -> new UnknownCustomerException("no customer with " + kind + " '" + value + "'")));
    }

    @PatchMapping("/{customerId}/attributes")
    public Map<String, Object> patchAttributes(@PathVariable String customerId, @RequestBody Map<String, Object> attributes) {
        return view(profiles.patchAttributes(customerId, attributes).orElseThrow(() -> new UnknownCustomerException("no customer '" + customerId + "'")));
    }

    @PutMapping("/{customerId}/consents")
    public Map<String, Object> replaceConsents(@PathVariable String customerId, @RequestBody Map<String, Object> consents) {
        return view(profiles.replaceConsents(customerId, consents).orElseThrow(() -> new UnknownCustomerException("no customer '" + customerId + "'")));
    }

    /** Erases the customer; answers what was erased (all zeros when there was nothing left). */
    @DeleteMapping("/{customerId}")
    public ProfileService.Erasure erase(@PathVariable String customerId) {
        return profiles.erase(customerId);
    }

    @ExceptionHandler(UnknownCustomerException.class)
    ProblemDetail notFound(UnknownCustomerException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(ProfileUpdate.InvalidProfileUpdateException.class)
    ProblemDetail badRequest(ProfileUpdate.InvalidProfileUpdateException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setProperty("field", e.field());
        return problem;
    }

    private Map<String, Object> view(CustomerProfile profile) {
        Map<String, Object> view = new LinkedHashMap<>(json.convertValue(profile, new TypeReference<Map<String, Object>>() { }));
        view.put("contactHistory", contacts.recent(profile.customerId(), CONTACTS_SHOWN));
        return view;
    }

    /** No customer has this id (or identity). */
    static class UnknownCustomerException extends RuntimeException {
        UnknownCustomerException(String message) {
            super(message);
        }
    }
}
