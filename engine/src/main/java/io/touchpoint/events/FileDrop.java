package io.touchpoint.events;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The file-drop route's helper: numbers the lines of a JSON-lines file, gives an event without {@code eventId}
 * an id made of file and line (so a file read again after a crash is not taken in twice), logs progress and
 * reports each bad line with its number.
 */
@Component("fileDrop")
public class FileDrop {

    private static final Logger log = LoggerFactory.getLogger(FileDrop.class);
    private static final String PROGRESS = "touchpointFileProgress";
    private static final String LINE = "touchpointLine";

    /** Counts of one file being imported. */
    record Progress(String file, String source, AtomicInteger lines, AtomicInteger rejected) {
    }

    private final EventReader reader;
    private final int logEvery;

    FileDrop(EventReader reader, @Value("${touchpoint.events.file.progress-every}") int logEvery) {
        this.reader = reader;
        this.logEvery = logEvery;
    }

    public void started(Exchange exchange) {
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        Long modified = exchange.getMessage().getHeader(Exchange.FILE_LAST_MODIFIED, Long.class);
        exchange.setProperty(PROGRESS, new Progress(file, file + "@" + modified, new AtomicInteger(), new AtomicInteger()));
        log.info("File drop {}: import started", file);
    }

    /** Reads line {@code CamelSplitIndex + 1} of the file; blank lines give null and are skipped. */
    public CustomerEvent read(String line, Exchange exchange) {
        Progress progress = exchange.getProperty(PROGRESS, Progress.class);
        int number = exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class) + 1;
        exchange.setProperty(LINE, number);
        if (progress.lines().incrementAndGet() % logEvery == 0) {
            log.info("File drop {}: {} lines read, {} rejected so far", progress.file(), progress.lines().get(), progress.rejected().get());
        }
        return line == null || line.isBlank() ? null : reader.readOne(line, "file:" + progress.source() + ":" + number);
    }

    public void rejected(Exchange exchange) {
        Progress progress = exchange.getProperty(PROGRESS, Progress.class);
        progress.rejected().incrementAndGet();
        Exception problem = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        log.warn("TP-EVENT-004 File drop {}: line {} refused: {}", progress.file(), exchange.getProperty(LINE), problem.getMessage());
    }

    public void finished(Exchange exchange) {
        Progress progress = exchange.getProperty(PROGRESS, Progress.class);
        log.info("File drop {}: import finished, {} lines read, {} rejected", progress.file(), progress.lines().get(), progress.rejected().get());
    }
}
