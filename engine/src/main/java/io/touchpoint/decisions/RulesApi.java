package io.touchpoint.decisions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The rule files over HTTP, for every node at once: list, read, replace or add ({@code PUT}) and remove
 * ({@code DELETE}) one file. A change is compiled with all the other rules first: 400 with file, line and message
 * when it does not compile, and the running rules stay. DRL files are code: only the code role changes them (the
 * URL rules in {@code SecurityConfiguration}); a decision table from anyone else is checked cell by cell.
 */
@RestController
@RequestMapping("/api/rules")
class RulesApi {

    private static final Pattern FILE = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}\\.(drl|drl\\.csv|drl\\.xlsx)");
    private static final int MAX_FILE_BYTES = 1024 * 1024;
    private static final MediaType XLSX = MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

    private final RuleBase rules;
    private final RoleHierarchy roles;
    private final String codeRole;

    RulesApi(RuleBase rules, RoleHierarchy roles, @Value("${touchpoint.rules.code-role}") String codeRole) {
        this.rules = rules;
        this.roles = roles;
        this.codeRole = "ROLE_" + codeRole.toUpperCase(Locale.ROOT);
    }

    /** One running rule file: from the rules folder, or stored over the API (replacing the folder's or added). */
    record RuleFile(String file, String origin, int bytes) {
    }

    @GetMapping
    List<RuleFile> list() {
        Set<String> stored = rules.storedFileNames();
        List<RuleFile> files = new ArrayList<>();
        rules.sources().forEach((file, content) -> files.add(new RuleFile(file, stored.contains(file) ? "api" : "folder", content.length)));
        return files;
    }

    @GetMapping("/status")
    RuleStatus status() {
        return rules.status();
    }

    @GetMapping("/{file}")
    ResponseEntity<?> read(@PathVariable String file) {
        byte[] content = rules.sources().get(file);
        if (content == null) {
            return error(HttpStatus.NOT_FOUND, "no rule file '" + file + "'");
        }
        MediaType type = file.endsWith(".xlsx") ? XLSX : new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);
        return ResponseEntity.ok().contentType(type).body(content);
    }

    @PutMapping("/{file}")
    ResponseEntity<?> save(@PathVariable String file, @RequestBody byte[] content, Authentication user) throws IOException {
        if (!FILE.matcher(file).matches()) {
            return error(HttpStatus.BAD_REQUEST, "file '" + file + "' must be lower-case letters, digits and dashes ending in .drl, .drl.csv or .drl.xlsx");
        }
        if (content.length > MAX_FILE_BYTES) {
            return error(HttpStatus.PAYLOAD_TOO_LARGE, "a rule file may have at most " + MAX_FILE_BYTES + " bytes");
        }
        if (!file.endsWith(".drl") && !trustedWithCode(user)) {
            List<RuleProblem> problems = DecisionTableCheck.checkCells(file, content, rules.sources());
            if (!problems.isEmpty()) {
                return ResponseEntity.of(refused(problems)).build();
            }
        }
        rules.change(file, content, user.getName());
        return ResponseEntity.ok(rules.status());
    }

    @DeleteMapping("/{file}")
    ResponseEntity<?> delete(@PathVariable String file, Authentication user) {
        if (!rules.sources().containsKey(file)) {
            return error(HttpStatus.NOT_FOUND, "no rule file '" + file + "'");
        }
        rules.change(file, null, user.getName());
        return ResponseEntity.ok(rules.status());
    }

    @ExceptionHandler(RuleBase.RuleCompilationException.class)
    ProblemDetail doesNotCompile(RuleBase.RuleCompilationException refused) {
        return refused(refused.problems());
    }

    private boolean trustedWithCode(Authentication user) {
        return roles.getReachableGrantedAuthorities(user.getAuthorities()).stream()
                .anyMatch(authority -> codeRole.equals(authority.getAuthority()));
    }

    private static ProblemDetail refused(List<RuleProblem> problems) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "the rules were not changed: " + problems.get(0));
        problem.setProperty("problems", problems);
        return problem;
    }

    private static ResponseEntity<ProblemDetail> error(HttpStatus status, String message) {
        return ResponseEntity.of(ProblemDetail.forStatusAndDetail(status, message)).build();
    }
}
