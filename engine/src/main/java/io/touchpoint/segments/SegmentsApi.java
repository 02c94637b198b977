package io.touchpoint.segments;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.touchpoint.events.SegmentMembers;

/**
 * The segments over HTTP, for every node at once: list them (with the version running and the reason of any left
 * out), read one, save one ({@code PUT}, checked with all the others first: 400 naming the condition at fault) and
 * remove one; preview a condition's audience before saving it.
 */
@RestController
@RequestMapping("/api/segments")
class SegmentsApi {

    private static final int MAX_PAGE_SIZE = 500;

    private final SegmentDefinitions definitions;
    private final SegmentPreview preview;
    private final SegmentBackfill backfill;
    private final SegmentMembers members;

    SegmentsApi(SegmentDefinitions definitions, SegmentPreview preview, SegmentBackfill backfill, SegmentMembers members) {
        this.members = members;
        this.definitions = definitions;
        this.preview = preview;
        this.backfill = backfill;
    }

    /** One segment as listed: usable ({@code problem} null) or left out with the reason; how many members it has. */
    record Listing(String id, String name, String description, List<String> references, String problem, long members) {
    }

    /** A page of a segment's members (by customer id) and how many there are in all. */
    record Members(String segmentId, int page, int size, long total, List<SegmentMembers.Member> members) {
    }

    /** The segments of the running version, and how far their backfill over the stored customers got (null before it started). */
    record Listings(long version, SegmentBackfill.Progress backfill, List<Listing> segments) {
    }

    @GetMapping
    Listings list() {
        SegmentSet running = definitions.current();
        Map<String, Long> counts = members.counts();
        List<Listing> listings = new ArrayList<>();
        running.segments().forEach(segment -> listings.add(new Listing(segment.id(), segment.name(), segment.description(),
                List.copyOf(segment.references()), null, counts.getOrDefault(segment.id(), 0L))));
        running.problems().forEach((id, problem) -> listings.add(new Listing(id, null, null, List.of(), problem.getMessage(),
                counts.getOrDefault(id, 0L))));
        listings.sort(java.util.Comparator.comparing(Listing::id));
        return new Listings(Math.max(running.version(), 0), backfill.progress().orElse(null), listings);
    }

    @GetMapping("/{id}")
    ResponseEntity<?> read(@PathVariable String id) {
        byte[] source = definitions.current().source(id);
        return source == null ? error(HttpStatus.NOT_FOUND, "no segment '" + id + "'")
                : ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new String(source, StandardCharsets.UTF_8));
    }

    /** The members of a segment, a page at a time (page from 0; size 1 to 500, default 50), by customer id. */
    @GetMapping("/{id}/members")
    ResponseEntity<?> members(@PathVariable String id, @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        if (definitions.current().source(id) == null) {
            return error(HttpStatus.NOT_FOUND, "no segment '" + id + "'");
        }
        if (page < 0 || page > 1_000_000) {
            return error(HttpStatus.BAD_REQUEST, "page: must be from 0 to 1000000");
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            return error(HttpStatus.BAD_REQUEST, "size: must be from 1 to " + MAX_PAGE_SIZE);
        }
        return ResponseEntity.ok(new Members(id, page, size, members.count(id), members.page(id, page, size)));
    }

    @PutMapping(value = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> save(@PathVariable String id, @RequestBody byte[] definition, Authentication user) {
        SegmentSet running = definitions.save(id, definition, user.getName());
        Map<String, Object> saved = new LinkedHashMap<>();
        saved.put("id", id);
        saved.put("version", running.version());
        return saved;
    }

    @DeleteMapping("/{id}")
    ResponseEntity<?> delete(@PathVariable String id, Authentication user) {
        if (definitions.current().source(id) == null) {
            return error(HttpStatus.NOT_FOUND, "no segment '" + id + "'");
        }
        definitions.save(id, null, user.getName());
        return ResponseEntity.noContent().build();
    }

    /** The body of a preview: a condition as a segment holds it, and how many customers to show (default 20, at most 100). */
    record PreviewRequest(JsonNode condition, Integer sampleSize) {
    }

    @PostMapping("/preview")
    SegmentPreview.Audience preview(@RequestBody PreviewRequest request) {
        int sample = request.sampleSize() == null ? 20 : Math.max(0, Math.min(100, request.sampleSize()));
        return preview.audience(request.condition(), sample);
    }

    @ExceptionHandler(SegmentException.class)
    ProblemDetail refused(SegmentException problem) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, problem.getMessage());
        detail.setProperty("segment", problem.segmentId());
        detail.setProperty("condition", problem.condition());
        return detail;
    }

    private static ResponseEntity<ProblemDetail> error(HttpStatus status, String message) {
        return ResponseEntity.of(ProblemDetail.forStatusAndDetail(status, message)).build();
    }
}
