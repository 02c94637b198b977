package io.touchpoint.journeys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParser;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ResourceEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.touchpoint.channels.MessageTemplates;
import io.touchpoint.decisions.RuleBase;

/**
 * Runs a draft journey in a sandbox: a process of its own (README "Testing a journey before it goes live"), because
 * the virtual clock a scenario or a backtest needs is the engine clock, which is global to a JVM — moved here, it
 * would move the live engine's time. The sandbox is started from the engine's own classpath (the packaged jar through
 * Spring Boot's {@code PropertiesLauncher}), with an in-memory database, a Hazelcast member that joins nobody, no job
 * executor, no Camel routes (events go straight to the intake), messages captured instead of sent, no provider or
 * SMTP settings, and a folder holding the draft, the rule files and the templates in force on this node; it runs one
 * {@link SandboxJob} ({@link SandboxMain}) and exits. The draft is checked first with the very parse a deployment
 * runs (building blocks, {@link DeploymentPolicy}, {@link JourneyLint}), without deploying it. A sandbox that runs
 * longer than {@code touchpoint.journeys.sandbox.timeout} is killed; at most
 * {@code touchpoint.journeys.sandbox.max-running} run at once on a node. A backtest splits its customers over up to
 * {@code touchpoint.journeys.sandbox.backtest-processes} sandboxes side by side ({@link #runEach}).
 */
@Component
public class JourneySandbox {

    private static final Logger log = LoggerFactory.getLogger(JourneySandbox.class);

    /** Thrown when the sandbox itself failed (it did not start, it ran out of time); the draft may be fine. */
    public static class SandboxFailedException extends RuntimeException {
        SandboxFailedException(String message) {
            super(message);
        }
    }

    /** Thrown when a sandbox cannot start now because the node runs as many as it may. */
    public static class SandboxBusyException extends RuntimeException {
        SandboxBusyException(String message) {
            super(message);
        }
    }

    /** A running sandbox: its folder (for its progress) and process. */
    record Running(Path folder, Process process) {
        /** How many events or scenarios it has done, as it last said. */
        int progress() {
            try {
                Path file = folder.resolve("progress");
                return Files.exists(file) ? Integer.parseInt(Files.readString(file).trim()) : 0;
            } catch (IOException | NumberFormatException e) {
                return 0;
            }
        }
    }

    private final ProcessEngine engine;
    private final RuleBase rules;
    private final MessageTemplates templates;
    private final Duration timeout;
    private final String maxHeap;
    private final List<String> javaOptions;
    private final Semaphore slots;
    private final int parallel;

    JourneySandbox(ProcessEngine engine, RuleBase rules, MessageTemplates templates,
                   @Value("${touchpoint.journeys.sandbox.timeout:PT30M}") Duration timeout,
                   @Value("${touchpoint.journeys.sandbox.max-heap:2g}") String maxHeap,
                   @Value("${touchpoint.journeys.sandbox.max-running:2}") int maxRunning,
                   @Value("${touchpoint.journeys.sandbox.java-options:}") String javaOptions,
                   @Value("${touchpoint.journeys.sandbox.backtest-processes:2}") int parallel) {
        this.engine = engine;
        this.rules = rules;
        this.templates = templates;
        this.timeout = timeout;
        this.maxHeap = maxHeap;
        this.javaOptions = javaOptions.isBlank() ? List.of() : List.of(javaOptions.trim().split("\\s+"));
        this.slots = new Semaphore(maxRunning);
        this.parallel = Math.max(1, parallel);
    }

    /**
     * Parses the draft exactly as a deployment would, without deploying it: its building blocks, the templates and
     * decisions they name, the deployment policy and the lint. Answers the process key; throws
     * {@link IllegalArgumentException} with the parser's problems (element ids and lines) when a deploy would refuse it.
     */
    public String check(String fileName, byte[] bpmn) {
        if (bpmn == null || bpmn.length == 0) {
            throw new IllegalArgumentException("bpmn: missing");
        }
        if (bpmn.length > DeploymentPolicy.MAX_BYTES) {
            throw new IllegalArgumentException("bpmn: the file has " + bpmn.length + " bytes; a journey may have at most " + DeploymentPolicy.MAX_BYTES);
        }
        ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
        try {
            List<String> keys = configuration.getCommandExecutorTxRequired().execute(context -> {
                DeploymentEntity deployment = new DeploymentEntity();
                deployment.setName("draft/" + fileName);
                ResourceEntity resource = new ResourceEntity();
                resource.setName(fileName);
                resource.setBytes(bpmn);
                deployment.addResource(resource);
                BpmnParse parse = ((BpmnParse) new BpmnParser(configuration.getExpressionManager(), configuration.getBpmnParseFactory())
                        .createParse()).sourceInputStream(new ByteArrayInputStream(bpmn)).deployment(deployment).name(fileName);
                parse.execute();
                return parse.getProcessDefinitions().stream().map(ProcessDefinitionEntity::getKey).toList();
            });
            if (keys.size() != 1) {
                throw new IllegalArgumentException("bpmn: a journey file has one process; this one has " + keys.size());
            }
            return keys.get(0);
        } catch (ProcessEngineException refused) {
            throw new IllegalArgumentException("bpmn: " + fileName + " would be refused: " + refused.getMessage());
        }
    }

    /** Runs the job in a sandbox on the draft and waits for its result; {@code started} is told the running sandbox. */
    SandboxJob.Result run(String fileName, byte[] bpmn, SandboxJob job, java.util.function.Consumer<Running> started) {
        return runEach(fileName, bpmn, parts -> List.of(job), running -> started.accept(running.get(0))).get(0);
    }

    /**
     * Runs jobs side by side, a sandbox each, on the draft and waits for all their results (in the order of the
     * jobs). {@code split} is told how many sandboxes may run — one at least, up to {@code backtest-processes} while
     * this node has free slots ({@code max-running}) — and answers that many jobs at most; {@code started} is told the
     * running sandboxes. When one fails, the others are stopped.
     */
    List<SandboxJob.Result> runEach(String fileName, byte[] bpmn, java.util.function.IntFunction<List<SandboxJob>> split,
                                    java.util.function.Consumer<List<Running>> started) {
        if (!slots.tryAcquire()) {
            throw new SandboxBusyException("as many journey sandboxes run as this node allows (touchpoint.journeys.sandbox.max-running); try again later");
        }
        int held = 1;
        while (held < parallel && slots.tryAcquire()) {
            held++;
        }
        List<Running> running = new ArrayList<>();
        try {
            List<SandboxJob> jobs = split.apply(held);
            long start = System.nanoTime();
            for (SandboxJob job : jobs) {
                Path folder = Files.createTempDirectory("touchpoint-sandbox-");
                try {
                    prepare(folder, fileName, bpmn, job);
                    running.add(new Running(folder, start(folder, job.isBacktest())));
                } catch (IOException | RuntimeException notStarted) {
                    delete(folder);
                    throw notStarted;
                }
            }
            started.accept(List.copyOf(running));
            long deadline = start + timeout.toNanos();
            List<SandboxJob.Result> results = new ArrayList<>();
            for (Running sandbox : running) {
                boolean ended = sandbox.process().waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                log.info("Journey sandbox in {} {} after {} ms", sandbox.folder(), ended ? "ended" : "stopped", (System.nanoTime() - start) / 1_000_000);
                if (!ended) {
                    throw new SandboxFailedException("the sandbox ran longer than " + timeout + " (touchpoint.journeys.sandbox.timeout) and was stopped");
                }
                results.add(result(sandbox));
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxFailedException("interrupted while the sandbox ran");
        } finally {
            for (Running sandbox : running) {
                stop(sandbox.process());
                delete(sandbox.folder());
            }
            slots.release(held);
        }
    }

    /** Kills a sandbox that still runs (another one failed, or time ran out) and waits a little for it to go. */
    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static SandboxJob.Result result(Running sandbox) throws IOException {
        Path result = sandbox.folder().resolve("result.json");
        if (!Files.exists(result)) {
            throw new SandboxFailedException("the sandbox stopped without a result (exit " + sandbox.process().exitValue() + "): " + tail(sandbox.folder()));
        }
        SandboxJob.Result answer = SandboxJob.JSON.readValue(result.toFile(), SandboxJob.Result.class);
        if (answer.error() != null) {
            throw new SandboxFailedException("the sandbox failed: " + answer.error() + "\n" + tail(sandbox.folder()));
        }
        return answer;
    }

    /** The sandbox's folder: the draft, the rules and templates in force here, and the job. */
    private void prepare(Path folder, String fileName, byte[] bpmn, SandboxJob job) throws IOException {
        Path workflows = Files.createDirectories(folder.resolve("workflows"));
        Files.write(workflows.resolve(fileName), bpmn);
        Path templateFolder = Files.createDirectories(workflows.resolve("templates"));
        for (var template : templates.sources().entrySet()) {
            Files.writeString(templateFolder.resolve(template.getKey()), template.getValue(), StandardCharsets.UTF_8);
        }
        Files.createDirectories(folder.resolve("routes")); // none: events go straight to the intake, messages are captured
        Path ruleFolder = Files.createDirectories(folder.resolve("rules"));
        for (var rule : rules.files().entrySet()) {
            Files.write(ruleFolder.resolve(rule.getKey()), rule.getValue());
        }
        SandboxJob.JSON.writeValue(folder.resolve("job.json").toFile(), job);
    }

    private Process start(Path folder, boolean backtest) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeap);
        command.add("-XX:+UseSerialGC");
        // Hazelcast completes its asynchronous calls on the common pool, or on a new thread each when that pool has
        // one thread (two cores): a thread per profile or journey-waits write otherwise
        command.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
        command.add("-Dhazelcast.partition.count=7"); // one member of its own: few partitions, less to start and to ask
        command.addAll(javaOptions); // e.g. a flight recording of the sandbox (JourneyBacktestBenchmark)
        if (!backtest) {
            command.add("-XX:TieredStopAtLevel=1"); // a few scenarios: starting fast counts, not the fully optimised code
        }
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> option.startsWith("--add-opens") || option.startsWith("--add-exports")).forEach(command::add);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        if (packaged()) {
            command.add("-Dloader.main=" + SandboxMain.class.getName());
            command.add("org.springframework.boot.loader.launch.PropertiesLauncher");
        } else {
            command.add(SandboxMain.class.getName());
        }
        command.add(folder.toString());
        command.addAll(settings(folder));
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(folder.resolve("sandbox.log").toFile());
        // nothing of this node's configuration reaches the sandbox: no database, broker, SMTP or provider settings
        builder.environment().keySet().removeIf(name -> name.startsWith("TOUCHPOINT_") || name.startsWith("SPRING_") || name.startsWith("CAMUNDA_"));
        builder.environment().put("TOUCHPOINT_ADMIN_PASSWORD", UUID.randomUUID().toString());
        log.info("Journey sandbox starting in {}", folder);
        return builder.start();
    }

    /** The sandbox's settings: everything it could reach the outside with is switched off or pointed nowhere. */
    private List<String> settings(Path folder) throws IOException {
        List<String> settings = new ArrayList<>(List.of(
                "--spring.profiles.active=sandbox",
                "--touchpoint.sandbox.enabled=true",
                "--touchpoint.channels.capture=true",
                "--touchpoint.home=" + folder,
                "--touchpoint.data-dir=" + folder.resolve("data"),
                // H2 parses a statement again unless it is among the session's last QUERY_CACHE_SIZE (8): the engine uses hundreds
                "--spring.datasource.url=jdbc:h2:mem:sandbox;DB_CLOSE_DELAY=-1;QUERY_CACHE_SIZE=1000",
                "--spring.datasource.username=sa",
                "--spring.datasource.password=",
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--touchpoint.hazelcast.cluster-name=sandbox-" + UUID.randomUUID(),
                "--touchpoint.hazelcast.secret=" + UUID.randomUUID(),
                "--touchpoint.hazelcast.members=",
                "--touchpoint.hazelcast.interface=127.0.0.1",
                "--touchpoint.hazelcast.port=" + freePort(),
                "--touchpoint.hazelcast.client-port=0",
                "--camunda.bpm.job-execution.enabled=false",
                "--touchpoint.events.file.enabled=false",
                "--touchpoint.events.rabbitmq.enabled=false",
                "--touchpoint.events.kafka.enabled=false",
                "--touchpoint.events.mqtt.enabled=false",
                "--touchpoint.mail.dev-sink.enabled=false",
                "--touchpoint.rules.hot-reload=false",
                "--touchpoint.profiles.offload-store=false",
                "--spring.mail.host=127.0.0.1",
                "--spring.mail.port=1",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--logging.level." + SandboxMain.class.getName() + "=INFO",
                "--logging.level." + JourneyReplay.class.getName() + "=INFO"));
        for (String channel : List.of("email", "sms", "whatsapp", "push", "webhook")) {
            settings.add("--touchpoint.channels.rate-limits." + channel + "=0");
            if (!channel.equals("email")) {
                settings.add("--touchpoint.channels." + channel + ".url=http://127.0.0.1:1");
            }
        }
        return settings;
    }

    /** Whether this engine runs from its packaged jar (classes under {@code BOOT-INF/}), not from a class folder. */
    private static boolean packaged() {
        String location = String.valueOf(SandboxMain.class.getProtectionDomain().getCodeSource().getLocation());
        return location.startsWith("jar:nested:") || location.contains("BOOT-INF");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The last lines the sandbox logged. */
    private static String tail(Path folder) {
        try {
            List<String> lines = Files.readAllLines(folder.resolve("sandbox.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void delete(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            log.warn("Journey sandbox folder {} not removed: {}", folder, e.getMessage());
        }
    }
}
