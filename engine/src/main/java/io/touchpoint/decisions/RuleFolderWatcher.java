package io.touchpoint.decisions;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Hot reload: when the rules come from a folder ({@code file:} location), watches it and, after a change has
 * settled, recompiles the rules in this background thread; {@link RuleBase#reload()} swaps them in or keeps the old.
 */
@Component
class RuleFolderWatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RuleFolderWatcher.class);
    /** Editors write a file in several steps: wait until the folder has been quiet this long. */
    private static final long SETTLE_MILLIS = 300;

    private final RuleBase rules;
    private final boolean enabled;
    private volatile WatchService watcher;
    private Thread thread;

    RuleFolderWatcher(RuleBase rules, @Value("${touchpoint.rules.hot-reload:true}") boolean enabled) {
        this.rules = rules;
        this.enabled = enabled;
    }

    @Override
    public synchronized void start() {
        String location = rules.location();
        if (!enabled || location == null || !location.startsWith("file:")) {
            log.info("Rules from {} are not watched (hot reload only for a rules folder)", location);
            return;
        }
        Path folder = Path.of(location.substring("file:".length()));
        try {
            watcher = FileSystems.getDefault().newWatchService();
            folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            log.warn("TP-RULES-003 Cannot watch {} for rule changes: {}", folder, e.getMessage());
            return;
        }
        thread = new Thread(this::watch, "rules-reload");
        thread.setDaemon(true);
        thread.start();
        log.info("Watching {} for rule changes", folder);
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean changed = ruleFileChanged(key);
                key.reset();
                for (WatchKey more; (more = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null; more.reset()) {
                    changed |= ruleFileChanged(more);
                }
                if (changed) {
                    reload();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            log.debug("Rule folder watch stopped");
        }
    }

    private static boolean ruleFileChanged(WatchKey key) {
        return key.pollEvents().stream().map(WatchEvent::context).map(String::valueOf)
                .anyMatch(name -> name.endsWith(".drl") || name.endsWith(".drl.csv") || name.endsWith(".drl.xlsx"));
    }

    private void reload() {
        try {
            rules.reload();
        } catch (IOException | RuntimeException e) {
            log.error("TP-RULES-002 Rule reload failed, the running rules stay", e);
        }
    }

    @Override
    public synchronized void stop() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                log.debug("Closing the rule folder watch: {}", e.getMessage());
            }
            watcher = null;
        }
    }

    @Override
    public boolean isRunning() {
        return watcher != null;
    }
}
