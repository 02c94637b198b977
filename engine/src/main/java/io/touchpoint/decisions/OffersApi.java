package io.touchpoint.decisions;

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

/**
 * The offer catalogue over HTTP: read it (viewer), add or replace one offer and remove one (marketer), checked on save
 * (400 naming the bad field), and forget what the learning decisions learned about an offer (marketer).
 */
@RestController
@RequestMapping("/api/offers")
class OffersApi {

    private final OfferCatalogue catalogue;
    private final OfferRewards rewards;

    OffersApi(OfferCatalogue catalogue, OfferRewards rewards) {
        this.catalogue = catalogue;
        this.rewards = rewards;
    }

    /** The catalogue and where it comes from ({@code folder}: rules/offers.yaml, {@code api}: saved over this API). */
    record Catalogue(String origin, List<Offer> offers) {
    }

    @GetMapping
    Catalogue list() {
        return new Catalogue(catalogue.origin(), catalogue.offers());
    }

    @GetMapping("/{id}")
    ResponseEntity<?> read(@PathVariable String id) {
        return catalogue.find(id).<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> notFound(id));
    }

    @PutMapping("/{id}")
    ResponseEntity<?> save(@PathVariable String id, @RequestBody Map<String, Object> offer, Authentication user) {
        Object named = offer.getOrDefault("id", id);
        if (!id.equals(named)) {
            throw new OfferCatalogue.InvalidOfferException("offer.id: '" + named + "' differs from the id in the path '" + id + "'");
        }
        Map<String, Object> fields = new java.util.LinkedHashMap<>(offer);
        fields.put("id", id);
        Offer checked = OfferCatalogue.check(fields, "offer");
        return ResponseEntity.ok(catalogue.save(checked, user.getName()));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<?> delete(@PathVariable String id, Authentication user) {
        return catalogue.remove(id, user.getName()) ? ResponseEntity.noContent().build() : notFound(id);
    }

    /** Forgets the offer's conversions and failures in every learning decision (the offer starts again from no knowledge). */
    @PostMapping("/{id}/learning/reset")
    ResponseEntity<?> reset(@PathVariable String id) {
        rewards.reset(id);
        return ResponseEntity.noContent().build();
    }

    @ExceptionHandler(OfferCatalogue.InvalidOfferException.class)
    ProblemDetail invalid(OfferCatalogue.InvalidOfferException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    private static ResponseEntity<?> notFound(String id) {
        return ResponseEntity.of(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no offer '" + id + "'")).build();
    }
}
