package io.touchpoint.decisions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

import io.touchpoint.system.StoredFiles;
import io.touchpoint.system.StoredFiles.Snapshot;

/**
 * The Drools rule base compiled from {@code rules/} ({@code *.drl} files and {@code *.drl.csv} / {@code *.drl.xlsx}
 * decision tables) together with the rule files stored over the API ({@link StoredFiles}, area {@value #AREA}): a
 * stored file replaces the folder's file of the same name, or adds one; a stored removal hides the folder's file.
 * At start a set that does not compile stops the engine with file, line and message; {@link #reload()} and
 * {@link #change} compile the whole new set and swap it in atomically, or keep the running rules and report the
 * problems. Every node reloads when another has changed the stored files.
 */
@Component
public class RuleBase {

    static final String AREA = "rules";
    private static final Logger log = LoggerFactory.getLogger(RuleBase.class);
    private static final String[] PATTERNS = {"*.drl", "*.drl.csv", "*.drl.xlsx"};
    private static final AtomicLong BUILDS = new AtomicLong();

    /** One compiled generation of the rules (from the stored files' {@code version}); sessions are thread-safe to share. */
    private record Compiled(StatelessKieSession session, Map<String, byte[]> sources, int rules, Instant loadedAt, long version) {

        List<String> files() {
            return List.copyOf(sources.keySet());
        }
    }

    private final ResourcePatternResolver resolver;
    private final String location;
    private final Clock clock;
    private final StoredFiles stored;
    private final AtomicReference<Compiled> current = new AtomicReference<>();
    private volatile Instant lastAttemptAt;
    private volatile List<RuleProblem> problems = List.of();

    @Autowired
    RuleBase(ResourcePatternResolver resolver, @Value("${touchpoint.folders.rules}") String location, Clock clock,
             StoredFiles stored) throws IOException {
        this.resolver = resolver;
        this.location = location;
        this.clock = clock;
        this.stored = stored;
        Snapshot files = storedFiles();
        current.set(compile(ruleFiles(files), files.version()));
        log.info("Rules from {} compiled: {} rules in {}", location, current.get().rules(), current.get().files());
        if (stored != null) {
            stored.onChange(AREA, this::refresh);
            refresh(); // a change made while this node compiled
        }
    }

    /** The rules of a folder alone, nothing stored (tests of the folder watcher). */
    RuleBase(ResourcePatternResolver resolver, String location, Clock clock) throws IOException {
        this(resolver, location, clock, null);
    }

    /** Compiles the given rule files once (tests, benchmarks); throws {@link RuleCompilationException} on error. */
    public RuleBase(Resource... ruleFiles) throws IOException {
        this.resolver = null;
        this.location = null;
        this.clock = Clock.systemUTC();
        this.stored = null;
        Map<String, byte[]> sources = new TreeMap<>();
        for (Resource file : ruleFiles) {
            sources.put(file.getFilename(), file.getContentAsByteArray());
        }
        current.set(compile(sources, 0));
    }

    /** The running rules as a stateless session, safe to share between threads. */
    public StatelessKieSession session() {
        return current.get().session();
    }

    /** The location the rules are read from ({@code file:…/rules/} or {@code classpath:…}), null for fixed files. */
    public String location() {
        return location;
    }

    /** Compiles the folder and the stored files again; on success the new rules replace the running ones, else these stay. */
    public synchronized boolean reload() throws IOException {
        lastAttemptAt = clock.instant();
        try {
            Snapshot files = storedFiles();
            Compiled next = compile(ruleFiles(files), files.version());
            current.set(next);
            problems = List.of();
            log.info("Rules reloaded from {} and stored version {}: {} rules in {}", location, next.version(), next.rules(), next.files());
            return true;
        } catch (RuleCompilationException refused) {
            problems = refused.problems();
            log.error("TP-RULES-001 Rule change refused, the running rules stay: {}", refused.getMessage());
            return false;
        }
    }

    /**
     * Stores a rule file (null content: removes it) when the whole rule base compiles with the change, and swaps the
     * new rules in on this node at once (the others follow). Throws {@link RuleCompilationException} with the
     * problems and changes nothing when it does not compile.
     */
    public void change(String file, byte[] content, String changedBy) {
        if (stored == null) {
            throw new IllegalStateException("rules from fixed files cannot be changed");
        }
        stored.change(AREA, file, content, changedBy, proposed -> {
            try {
                return compile(ruleFiles(proposed), proposed.version());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, this::swapIfNewer);
    }

    /** The source of each rule file running now, by file name. */
    public Map<String, byte[]> sources() {
        return current.get().sources();
    }

    /** The names of the rule files stored over the API (replacing or adding to the folder's), removals excluded. */
    public Set<String> storedFileNames() {
        Set<String> names = new TreeSet<>();
        if (stored != null) {
            stored.read(AREA).files().forEach((name, content) -> {
                if (content != null) {
                    names.add(name);
                }
            });
        }
        return names;
    }

    public RuleStatus status() {
        Compiled running = current.get();
        return new RuleStatus(problems.isEmpty() ? RuleStatus.RUNNING : RuleStatus.CHANGE_REFUSED, location,
                running.loadedAt(), running.files(), running.rules(), lastAttemptAt, problems);
    }

    /** Reloads when the stored files have moved on from the version running here. */
    void refresh() {
        if (stored.version(AREA) > current.get().version()) {
            try {
                reload();
            } catch (IOException e) {
                log.error("TP-RULES-002 Rule reload failed, the running rules stay", e);
            }
        }
    }

    private synchronized void swapIfNewer(Compiled next) {
        if (next.version() > current.get().version()) {
            current.set(next);
            problems = List.of();
            lastAttemptAt = clock.instant();
            log.info("Rules changed (stored version {}): {} rules in {}", next.version(), next.rules(), next.files());
        }
    }

    private Snapshot storedFiles() {
        return stored == null ? new Snapshot(0, Map.of()) : stored.read(AREA);
    }

    /** The rule files in force: the folder's with the ones stored over the API laid over them, by name (a journey sandbox's input). */
    public Map<String, byte[]> files() throws IOException {
        return ruleFiles(storedFiles());
    }

    /** The folder's rule files with the stored ones laid over them, by name. */
    private Map<String, byte[]> ruleFiles(Snapshot storedFiles) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        for (String pattern : PATTERNS) {
            for (Resource file : resolver.getResources(location + pattern)) {
                files.put(file.getFilename(), file.getContentAsByteArray());
            }
        }
        storedFiles.files().forEach((name, content) -> {
            if (content == null) {
                files.remove(name);
            } else {
                files.put(name, content);
            }
        });
        return files;
    }

    private Compiled compile(Map<String, byte[]> ruleFiles, long version) throws IOException {
        KieServices kie = KieServices.get();
        KieFileSystem files = kie.newKieFileSystem();
        ReleaseId release = kie.newReleaseId("io.touchpoint", "rules", "1.0." + BUILDS.incrementAndGet());
        files.generateAndWritePomXML(release);
        List<RuleProblem> refused = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : ruleFiles.entrySet()) {
            if (!file.getKey().endsWith(".drl")) {
                refused.addAll(DecisionTableCheck.check(file.getKey(), file.getValue()));
            }
            files.write("src/main/resources/rules/" + file.getKey(), file.getValue());
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
        refused.addAll(RuleScopeCheck.check(base, ruleFiles));
        if (!refused.isEmpty()) {
            throw new RuleCompilationException(refused);
        }
        int rules = base.getKiePackages().stream().mapToInt(p -> p.getRules().size()).sum();
        return new Compiled(base.newStatelessKieSession(), Collections.unmodifiableMap(new TreeMap<>(ruleFiles)), rules,
                clock.instant(), version);
    }

    private static String fileName(String path) {
        return path == null ? "rules" : path.substring(path.lastIndexOf('/') + 1);
    }

    /** Rule files that do not compile, with each problem's file, line and message. */
    public static class RuleCompilationException extends IllegalStateException {

        private final transient List<RuleProblem> problems;

        public RuleCompilationException(List<RuleProblem> problems) {
            super("Rules do not compile: " + String.join("; ", problems.stream().map(RuleProblem::toString).toList()));
            this.problems = List.copyOf(problems);
        }

        public List<RuleProblem> problems() {
            return problems;
        }
    }
}
