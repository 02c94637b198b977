package io.touchpoint.console;

import java.time.Instant;
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

import io.touchpoint.decisions.DecisionLog;
import io.touchpoint.journeys.JourneyRecords;
import io.touchpoint.profiles.ProfileStore;

/**
 * The console's customer pages: the customer list and search by part of an id, email, phone or name; one customer's
 * profile, consents, journeys, runs, decisions and timeline.
 */
@RestController
@RequestMapping("/api/console/customers")
public class CustomersController {

    private static final int TIMELINE_LIMIT = 200;
    private static final int DECISIONS = 50;

    /** A customer of the list or a search hit. */
    public record CustomerMatch(String customerId, String email, String phone, String name, Instant updatedAt) {
    }

    /** A journey the customer is in now, and the steps it waits at. */
    public record ActiveJourney(String journey, String instanceId, String instanceKey, List<String> waitingAt) {
    }

    private final ProfileStore profiles;
    private final JourneyRecords records;
    private final ObjectMapper json;
    private final RuntimeService runtime;
    private final List<TimelineSource> timeline;
    private final DecisionLog decisions;
    private final Runs runs;

    CustomersController(ProfileStore profiles, ObjectMapper json, RuntimeService runtime, List<TimelineSource> timeline, JourneyRecords records,
                        DecisionLog decisions, Runs runs) {
        this.decisions = decisions;
        this.runs = runs;
        this.records = records;
        this.profiles = profiles;
        this.json = json;
        this.runtime = runtime;
        this.timeline = timeline;
    }

    /**
     * The customers whose id, email, phone (spaces ignored) or name holds {@code q} in any case, or every customer
     * when {@code q} is blank; the latest updated first, a page at a time.
     */
    @GetMapping
    public Page<CustomerMatch> search(@RequestParam(name = "q", required = false) String q,
                                      @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        Page.check(limit, offset);
        String query = q == null ? "" : q.strip();
        if (query.length() > 200) {
            throw new BadParameterException("q", "'q' is longer than 200 characters");
        }
        return new Page<>(profiles.find(query, limit, offset).stream()
                .map(m -> new CustomerMatch(m.customerId(), m.email(), m.phone(), m.name(), m.updatedAt())).toList(),
                profiles.count(query), limit, offset);
    }

    /** The customer's decisions of the decision log, newest first, a page at a time. */
    @GetMapping("/{customerId}/decisions")
    public Page<DecisionView> decisions(@PathVariable String customerId,
                                        @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        Page.check(limit, offset);
        return new Page<>(decisions.forCustomer(customerId, limit, offset).stream().map(DecisionView::of).toList(),
                decisions.countForCustomer(customerId), limit, offset);
    }

    @GetMapping("/{customerId}")
    public Map<String, Object> customer(@PathVariable String customerId) {
        String stored = profiles.storedDocument(customerId).orElseThrow(
                () -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer with id '" + customerId + "'."));
        Map<String, Object> customer = new LinkedHashMap<>();
        customer.put("customerId", customerId);
        customer.put("profile", read(stored));
        customer.put("journeys", activeJourneys(customerId));
        customer.put("runs", runs.ofCustomer(customerId));
        customer.put("decisions", decisions.forCustomer(customerId, DECISIONS).stream().map(DecisionView::of).toList());
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
