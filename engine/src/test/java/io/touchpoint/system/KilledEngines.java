package io.touchpoint.system;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash test needs: the packaged engine started in processes of their own on one home folder (so a restart
 * finds the killed one's H2 files), small and quick to start, a GreenMail SMTP server, and every engine killed after
 * the test.
 */
abstract class KilledEngines {

    @TempDir
    Path home;

    final GreenMail smtp = new GreenMail(new ServerSetup(PackagedEngine.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    final List<PackagedEngine> engines = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        engines.forEach(PackagedEngine::kill);
        smtp.stop();
    }

    /** Starts an engine with these settings on the shared home and waits until it takes events. */
    PackagedEngine start(String name, String logName, List<String> settings) throws IOException {
        PackagedEngine engine = new PackagedEngine(name, home, smtp.getSmtp().getPort(), logName,
                List.of("-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), settings);
        engines.add(engine);
        return engine.awaitTakesEvents(Duration.ofMinutes(8));
    }
}
