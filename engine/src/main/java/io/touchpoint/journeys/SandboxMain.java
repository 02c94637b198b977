package io.touchpoint.journeys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.touchpoint.TouchpointApplication;

/**
 * The main class of a journey sandbox process ({@link JourneySandbox} starts it from the engine's own classpath):
 * {@code SandboxMain <folder> --setting=value...}. Starts the whole application with the settings given (an
 * in-memory database, a Hazelcast member of its own, captured messages, the engine clock as the clock), runs the
 * job in {@code <folder>/job.json}, writes {@code <folder>/result.json} and its progress to
 * {@code <folder>/progress}, and exits.
 */
public final class SandboxMain {

    private SandboxMain() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        SandboxJob.Result result;
        int status = 0;
        ConfigurableApplicationContext context = null;
        try {
            SandboxJob job = SandboxJob.JSON.readValue(folder.resolve("job.json").toFile(), SandboxJob.class);
            long start = System.nanoTime();
            context = new SpringApplicationBuilder(TouchpointApplication.class).bannerMode(Banner.Mode.OFF)
                    .run(Arrays.copyOfRange(args, 1, args.length));
            long started = System.nanoTime();
            result = context.getBean(SandboxRun.class).run(job, done -> progress(folder, done))
                    .timed((started - start) / 1_000_000, (System.nanoTime() - started) / 1_000_000);
            LoggerFactory.getLogger(SandboxMain.class).info("Journey sandbox started in {} ms, ran its job in {} ms", result.startMillis(), result.runMillis());
        } catch (Throwable failure) {
            result = new SandboxJob.Result(null, null, null, failure.toString(), 0, 0);
            status = 1;
        }
        Path written = folder.resolve("result.json.part");
        SandboxJob.JSON.writeValue(written.toFile(), result);
        Files.move(written, folder.resolve("result.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        if (context != null) {
            context.close();
        }
        System.exit(status);
    }

    private static void progress(Path folder, int done) {
        try {
            Path part = folder.resolve("progress.part");
            Files.writeString(part, String.valueOf(done));
            Files.move(part, folder.resolve("progress"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException ignored) {
            // progress is a courtesy; the result is what counts
        }
    }
}
