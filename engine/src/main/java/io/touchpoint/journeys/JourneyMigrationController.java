package io.touchpoint.journeys;


import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/journeys/{key}/migrations} (authenticated): body {@code {"fromVersion": 1, "toVersion": 2,
 * "apply": false, "batchSize": 100}}. With apply false (the default) only the check is reported; with apply true
 * the instances move when the check passes. 200 with the report when done, 409 when the plan cannot map them.
 */
@RestController
@RequestMapping("/api/journeys")
class JourneyMigrationController {

    /** The request body. */
    record MigrationRequest(Integer fromVersion, Integer toVersion, Boolean apply, Integer batchSize) {
    }

    private final JourneyMigrations migrations;

    JourneyMigrationController(JourneyMigrations migrations) {
        this.migrations = migrations;
    }

    @PostMapping("/{key}/migrations")
    ResponseEntity<JourneyMigrations.Report> migrate(@PathVariable String key, @RequestBody MigrationRequest request) {
        if (request.fromVersion() == null || request.toVersion() == null) {
            throw new IllegalArgumentException("field 'fromVersion' and 'toVersion' are required");
        }
        int batchSize = request.batchSize() == null ? 100 : request.batchSize();
        if (batchSize < 1) {
            throw new IllegalArgumentException("field 'batchSize' must be at least 1");
        }
        JourneyMigrations.Report report = migrations.migrate(key, request.fromVersion(), request.toVersion(),
                Boolean.TRUE.equals(request.apply()), batchSize);
        return ResponseEntity.status(report.valid() ? 200 : 409).body(report);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }
}
