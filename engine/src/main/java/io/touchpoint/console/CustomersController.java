package io.touchpoint.console;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import io.touchpoint.journeys.JourneyRecords;
import io.touchpoint.profiles.ProfileStore;

/** The console's customer pages: search by id, email or phone; one customer's profile, consents, journeys and timeline. */
@RestController
@RequestMapping("/api/console/customers")
public class CustomersController {

    private static final int TIMELINE_LIMIT = 200;

    /** A search hit. */
    public record CustomerMatch(String customerId, String email, String phone) {
    }

    /** A journey the customer is in now, and the steps it waits at. */
    public record ActiveJourney(String journey, String instanceId, String instanceKey, List<String> waitingAt) {
    }

    private final ProfileStore profiles;
    private final JourneyRecords records;
    private final ObjectMapper json;
    private final RuntimeService runtime;
    private final List<TimelineSource> timeline;

    CustomersController(ProfileStore profiles, ObjectMapper json, RuntimeService runtime, List<TimelineSource> timeline, JourneyRecords records) {
        this.records = records;
        this.profiles = profiles;
        this.json = json;
        this.runtime = runtime;
        this.timeline = timeline;
    }

    /** Customers whose id, email (any case) or phone (spaces ignored) is exactly {@code q}; empty when none. */
    @GetMapping
    public List<CustomerMatch> search(@RequestParam("q") String q) {
        String query = q.strip();
        if (query.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Type a customer id, email or phone number in 'q'.");
        }
        return profiles.search(query).stream()
                .map(match -> new CustomerMatch(match.customerId(), match.email(), match.phone())).toList();
    }

    @GetMapping("/{customerId}")
    public Map<String, Object> customer(@PathVariable String customerId) {
        String stored = profiles.storedDocument(customerId).orElseThrow(
                () -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer with id '" + customerId + "'."));
        Map<String, Object> customer = new LinkedHashMap<>();
        customer.put("customerId", customerId);
        customer.put("profile", read(stored));
        customer.put("journeys", activeJourneys(customerId));
        customer.put("timeline", timeline.stream().flatMap(source -> source.entries(customerId, TIMELINE_LIMIT).stream())
                .sorted(Comparator.comparing(TimelineEntry::at, Comparator.nullsLast(Comparator.reverseOrder())))
                .limit(TIMELINE_LIMIT).toList());
        return customer;
    }

    private List<ActiveJourney> activeJourneys(String customerId) {
        Map<String, String> keys = records.instanceKeys(customerId);
        return runtime.createProcessInstanceQuery().processInstanceBusinessKey(customerId).list().stream()
                .map(instance -> new ActiveJourney(instance.getProcessDefinitionId().split(":")[0], instance.getId(),
                        keys.get(instance.getId()), runtime.getActiveActivityIds(instance.getId())))
                .toList();
    }

    private Map<?, ?> read(String profileJson) {
        try {
            return json.readValue(profileJson, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored profile is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
