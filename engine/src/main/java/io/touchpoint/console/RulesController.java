package io.touchpoint.console;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The rule files in the rules folder ({@code touchpoint.folders.rules}): what the rule base is built from.
 * The console shows the decisions feature's own {@code /api/rules/status} (active files, last reload) when the
 * engine has it, and this list otherwise.
 */
@RestController
public class RulesController {

    private static final List<String> PATTERNS = List.of("*.drl", "*.drl.csv", "*.drl.xlsx");

    /** One rule file. */
    public record RuleFile(String name, long size, Instant modifiedAt) {
    }

    private final ResourcePatternResolver resources;
    private final String location;

    RulesController(ResourcePatternResolver resources, @Value("${touchpoint.folders.rules}") String location) {
        this.resources = resources;
        this.location = location;
    }

    @GetMapping("/api/console/rules")
    public Map<String, Object> rules() throws IOException {
        List<RuleFile> files = new ArrayList<>();
        for (String pattern : PATTERNS) {
            for (Resource file : resources.getResources(location + pattern)) {
                files.add(new RuleFile(file.getFilename(), file.contentLength(), Instant.ofEpochMilli(file.lastModified())));
            }
        }
        Map<String, Object> rules = new LinkedHashMap<>();
        rules.put("location", location);
        rules.put("files", files);
        return rules;
    }
}
