package io.touchpoint.events;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Administrators add, list and revoke the API keys of event sources (HTTP Basic; an API key cannot reach this). */
@RestController
@RequestMapping("/api/event-sources/keys")
class ApiKeysAdminApi {

    private final ApiKeys keys;

    ApiKeysAdminApi(ApiKeys keys) {
        this.keys = keys;
    }

    @PostMapping
    ResponseEntity<ApiKeys.Issued> issue(@RequestBody Map<String, String> request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(keys.issue(request.get("source")));
    }

    @GetMapping
    List<ApiKeys.Listed> list() {
        return keys.list();
    }

    @DeleteMapping("/{id}")
    ResponseEntity<?> revoke(@PathVariable String id) {
        return keys.revoke(id) ? ResponseEntity.noContent().build()
                : ResponseEntity.of(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no API key '" + id + "'")).build();
    }

    @ExceptionHandler(InvalidEventException.class)
    ProblemDetail invalid(InvalidEventException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }
}
