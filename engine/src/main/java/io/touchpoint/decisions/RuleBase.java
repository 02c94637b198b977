package io.touchpoint.decisions;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.runtime.StatelessKieSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The Drools rule base compiled from {@code rules/}: {@code *.drl} files and {@code *.drl.csv} / {@code *.drl.xlsx}
 * decision tables. At start a file that does not compile stops the engine with its name, line and message;
 * {@link #reload()} compiles the folder again and swaps the new rules in atomically, or keeps the running rules
 * and reports the problems in {@link #status()}.
 */
@Component
public class RuleBase {

    private static final Logger log = LoggerFactory.getLogger(RuleBase.class);
    private static final String[] PATTERNS = {"*.drl", "*.drl.csv", "*.drl.xlsx"};
    private static final AtomicLong BUILDS = new AtomicLong();

    /** One compiled generation of the rules; sessions are thread-safe to share. */
    private record Compiled(StatelessKieSession session, List<String> files, int rules, Instant loadedAt) {
    }

    private final ResourcePatternResolver resolver;
    private final String location;
    private final Clock clock;
    private final AtomicReference<Compiled> current = new AtomicReference<>();
    private volatile Instant lastAttemptAt;
    private volatile List<RuleProblem> problems = List.of();

    @Autowired
    RuleBase(ResourcePatternResolver resolver, @Value("${touchpoint.folders.rules}") String location, Clock clock) throws IOException {
        this.resolver = resolver;
        this.location = location;
        this.clock = clock;
        current.set(compile(ruleFiles()));
        log.info("Rules from {} compiled: {} rules in {}", location, current.get().rules(), current.get().files());
    }

    /** Compiles the given rule files once (tests, benchmarks); throws {@link RuleCompilationException} on error. */
    public RuleBase(Resource... ruleFiles) throws IOException {
        this.resolver = null;
        this.location = null;
        this.clock = Clock.systemUTC();
        current.set(compile(List.of(ruleFiles)));
    }

    /** The running rules as a stateless session, safe to share between threads. */
    public StatelessKieSession session() {
        return current.get().session();
    }

    /** The location the rules are read from ({@code file:…/rules/} or {@code classpath:…}), null for fixed files. */
    public String location() {
        return location;
    }

    /** Compiles the rule folder again; on success the new rules replace the running ones, else these stay. */
    public synchronized boolean reload() throws IOException {
        lastAttemptAt = clock.instant();
        try {
            Compiled next = compile(ruleFiles());
            current.set(next);
            problems = List.of();
            log.info("Rules reloaded from {}: {} rules in {}", location, next.rules(), next.files());
            return true;
        } catch (RuleCompilationException refused) {
            problems = refused.problems();
            log.error("Rule change refused, the running rules stay: {}", refused.getMessage());
            return false;
        }
    }

    public RuleStatus status() {
        Compiled running = current.get();
        return new RuleStatus(problems.isEmpty() ? RuleStatus.RUNNING : RuleStatus.CHANGE_REFUSED, location,
                running.loadedAt(), running.files(), running.rules(), lastAttemptAt, problems);
    }

    private List<Resource> ruleFiles() throws IOException {
        List<Resource> files = new ArrayList<>();
        for (String pattern : PATTERNS) {
            files.addAll(Arrays.asList(resolver.getResources(location + pattern)));
        }
        files.sort(Comparator.comparing(Resource::getFilename));
        return files;
    }

    private Compiled compile(List<Resource> ruleFiles) throws IOException {
        KieServices kie = KieServices.get();
        KieFileSystem files = kie.newKieFileSystem();
        ReleaseId release = kie.newReleaseId("io.touchpoint", "rules", "1.0." + BUILDS.incrementAndGet());
        files.generateAndWritePomXML(release);
        List<RuleProblem> refused = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Resource file : ruleFiles) {
            byte[] content = file.getContentAsByteArray();
            if (!file.getFilename().endsWith(".drl")) {
                refused.addAll(DecisionTableCheck.check(file.getFilename(), content));
            }
            files.write("src/main/resources/rules/" + file.getFilename(), content);
            names.add(file.getFilename());
        }
        if (refused.isEmpty()) {
            KieBuilder builder = kie.newKieBuilder(files).buildAll();
            builder.getResults().getMessages(Message.Level.ERROR).forEach(e ->
                    refused.add(new RuleProblem(fileName(e.getPath()), e.getLine(), e.getText().strip())));
        }
        if (!refused.isEmpty()) {
            throw new RuleCompilationException(refused);
        }
        KieBase base = kie.newKieContainer(release).getKieBase();
        kie.getRepository().removeKieModule(release);
        int rules = base.getKiePackages().stream().mapToInt(p -> p.getRules().size()).sum();
        return new Compiled(base.newStatelessKieSession(), List.copyOf(names), rules, clock.instant());
    }

    private static String fileName(String path) {
        return path == null ? "rules" : path.substring(path.lastIndexOf('/') + 1);
    }

    /** Rule files that do not compile, with each problem's file, line and message. */
    public static class RuleCompilationException extends IllegalStateException {

        private final transient List<RuleProblem> problems;

        RuleCompilationException(List<RuleProblem> problems) {
            super("Rules do not compile: " + String.join("; ", problems.stream().map(RuleProblem::toString).toList()));
            this.problems = List.copyOf(problems);
        }

        public List<RuleProblem> problems() {
            return problems;
        }
    }
}
