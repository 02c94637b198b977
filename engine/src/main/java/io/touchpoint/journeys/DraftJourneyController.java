package io.touchpoint.journeys;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Trying a journey before it goes live (marketer): {@code POST /api/journeys/test} plays a scenario file against a
 * draft BPMN (200 with pass/fail and the differences); {@code POST /api/journeys/backtest} replays a period's recorded
 * events against a draft or a deployed version (202 with the backtest's id; its progress and report at
 * {@code GET /api/journeys/backtest/{id}}, the BPMN it ran at {@code GET /api/journeys/backtest/{id}/bpmn}). Both
 * take JSON ({@code bpmn} as text) or multipart form data (the {@code bpmn} file). A draft a deployment would refuse, a bad scenario or a bad period: 400 naming the problem.
 */
@RestController
@RequestMapping("/api/journeys")
class DraftJourneyController {

    /** {@code POST /api/journeys/test} as JSON. */
    record TestRequest(String bpmn, String fileName, String scenario) {
    }

    /** {@code POST /api/journeys/backtest} as JSON: a draft ({@code bpmn}) or a deployed {@code journey} and {@code version}. */
    record BacktestRequest(String bpmn, String fileName, String journey, Integer version, Instant from, Instant to) {
    }

    private static final String DRAFT = "draft.bpmn";

    private final DraftJourneys drafts;

    DraftJourneyController(DraftJourneys drafts) {
        this.drafts = drafts;
    }

    @PostMapping(path = "/test", consumes = MediaType.APPLICATION_JSON_VALUE)
    DraftJourneys.TestAnswer test(@RequestBody TestRequest request) {
        return drafts.test(fileName(request.fileName()), bytes(request.bpmn()), request.scenario());
    }

    @PostMapping(path = "/test", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    DraftJourneys.TestAnswer testFiles(@RequestParam("bpmn") MultipartFile bpmn, @RequestParam("scenario") MultipartFile scenario) throws IOException {
        return drafts.test(fileName(bpmn.getOriginalFilename()), bpmn.getBytes(), new String(scenario.getBytes(), StandardCharsets.UTF_8));
    }

    @PostMapping(path = "/backtest", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<DraftJourneys.BacktestStatus> backtest(@RequestBody BacktestRequest request) {
        return accepted(drafts.startBacktest(fileName(request.fileName()), bytes(request.bpmn()), request.journey(), request.version(),
                request.from(), request.to()));
    }

    @PostMapping(path = "/backtest", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<DraftJourneys.BacktestStatus> backtestFile(@RequestParam(name = "bpmn", required = false) MultipartFile bpmn,
                                                               @RequestParam(name = "journey", required = false) String journey,
                                                               @RequestParam(name = "version", required = false) Integer version,
                                                               @RequestParam("from") String from, @RequestParam("to") String to) throws IOException {
        return accepted(drafts.startBacktest(fileName(bpmn == null ? null : bpmn.getOriginalFilename()), bpmn == null ? null : bpmn.getBytes(),
                journey, version, instant("from", from), instant("to", to)));
    }

    @GetMapping("/backtest/{id}")
    ResponseEntity<DraftJourneys.BacktestStatus> backtestStatus(@PathVariable String id) {
        return ResponseEntity.of(drafts.backtest(id));
    }

    /** The BPMN the backtest ran, a draft or a deployed version (the console draws the report's counts on it). */
    @GetMapping(path = "/backtest/{id}/bpmn", produces = MediaType.APPLICATION_XML_VALUE)
    ResponseEntity<byte[]> backtestBpmn(@PathVariable String id) {
        return ResponseEntity.of(drafts.backtestBpmn(id));
    }

    private static ResponseEntity<DraftJourneys.BacktestStatus> accepted(DraftJourneys.BacktestStatus status) {
        return ResponseEntity.accepted().location(URI.create("/api/journeys/backtest/" + status.id())).body(status);
    }

    /** A file name the sandbox can write: the upload's own when it is a plain {@code *.bpmn} name. */
    private static String fileName(String given) {
        return given != null && given.matches("[A-Za-z0-9._-]{1,100}\\.bpmn") ? given : DRAFT;
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static Instant instant(String field, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not an instant like 2026-11-30T00:00:00Z");
        }
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(JourneySandbox.SandboxBusyException.class)
    ResponseEntity<ProblemDetail> busy(JourneySandbox.SandboxBusyException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "30")
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
    }

    @ExceptionHandler(JourneySandbox.SandboxFailedException.class)
    ProblemDetail sandboxFailed(JourneySandbox.SandboxFailedException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, e.getMessage());
    }
}
