package io.touchpoint.segments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.ProfileSegments;
import io.touchpoint.system.StoredFiles;

/**
 * The segments every node evaluates: the files of the {@code segments/} folder ({@code <id>.json}) with the ones
 * saved or removed over the API laid over them ({@link StoredFiles}, area {@value #AREA}, versioned). A change is
 * checked with all the other segments first (a broken condition, an unknown segment, a cycle of references: refused
 * naming the condition, and the running segments stay); once stored, every node reloads the same version and hands
 * it to its Hazelcast member, where profile changes are evaluated ({@link ProfileSegments}).
 */
@Component
public class SegmentDefinitions {

    private static final Logger log = LoggerFactory.getLogger(SegmentDefinitions.class);
    static final String AREA = "segments";
    private static final String SUFFIX = ".json";

    private final ResourcePatternResolver resources;
    private final String location;
    private final StoredFiles stored;
    private final SegmentParser parser;
    private final HazelcastInstance member;
    private volatile SegmentSet current = SegmentSet.EMPTY;
    private final List<java.util.function.LongConsumer> swapListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    SegmentDefinitions(ResourcePatternResolver resources, @Value("${touchpoint.folders.segments}") String location, StoredFiles stored,
                       ObjectMapper json, HazelcastInstance member) {
        this.resources = resources;
        this.location = location;
        this.stored = stored;
        this.parser = new SegmentParser(json);
        this.member = member;
    }

    @PostConstruct
    void load() {
        reload();
        stored.onChange(AREA, this::refresh);
        refresh(); // a change made while this node loaded
    }

    /** Runs {@code listener} with the new version each time a change is saved on this node. */
    void onSaved(java.util.function.LongConsumer listener) {
        swapListeners.add(listener);
    }

    /** The ids of the segments running on this node (what a scheduled journey's audience may name). */
    public java.util.Set<String> runningIds() {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        current.segments().forEach(segment -> ids.add(segment.id()));
        return ids;
    }

    /** The segments running on this node. */
    SegmentSet current() {
        return current;
    }

    /**
     * Saves a segment (null content removes it) once it and every segment with it are usable; throws
     * {@link SegmentException} naming the condition at fault, having changed nothing.
     */
    SegmentSet save(String segmentId, byte[] content, String savedBy) {
        if (content != null) {
            parser.parse(segmentId, content); // its own faults first, named by their condition
        }
        stored.change(AREA, segmentId + SUFFIX, content, savedBy, proposed -> {
            SegmentSet next = compile(proposed.version(), merged(folder(), proposed.files()));
            SegmentSet running = current;
            next.problems().forEach((id, problem) -> {
                if (id.equals(segmentId) || !running.problems().containsKey(id)) {
                    throw problem; // this change would leave the segment out: refused, the running ones stay
                }
            });
            return next;
        }, this::swapIn);
        SegmentSet saved = current;
        swapListeners.forEach(listener -> listener.accept(saved.version()));
        return saved;
    }

    /** Loads the folder's segments and the stored ones again and swaps them in at once. */
    synchronized void reload() {
        StoredFiles.Snapshot saved = stored.read(AREA);
        Map<String, byte[]> all = merged(folder(), saved.files());
        SegmentSet next = compile(saved.version(), all);
        next.problems().values().forEach(problem -> log.error("TP-SEGMENT-001 Segment left out: {}", problem.getMessage()));
        swapIn(next);
    }

    private synchronized void swapIn(SegmentSet next) {
        if (next.version() < current.version()) {
            return;
        }
        current = next;
        member.getUserContext().put(ProfileSegments.CONTEXT_KEY, next);
        log.info("Segments of version {}: {} in use, {} left out", next.version(), next.segments().size(), next.problems().size());
    }

    private void refresh() {
        if (stored.version(AREA) > current.version()) {
            reload();
        }
    }

    private SegmentSet compile(long version, Map<String, byte[]> files) {
        Map<String, Segment> parsed = new LinkedHashMap<>();
        Map<String, SegmentException> refused = new LinkedHashMap<>();
        files.forEach((id, content) -> {
            try {
                parsed.put(id, parser.parse(id, content));
            } catch (SegmentException e) {
                refused.put(id, e);
            }
        });
        return SegmentSet.of(version, parsed, refused, files);
    }

    /** Segment id → definition: the folder's, with the stored ones laid over (a stored null removes one). */
    private static Map<String, byte[]> merged(Map<String, byte[]> folder, Map<String, byte[]> storedFiles) {
        Map<String, byte[]> all = new TreeMap<>(folder);
        storedFiles.forEach((file, content) -> {
            String id = file.substring(0, file.length() - SUFFIX.length());
            if (content == null) {
                all.remove(id);
            } else {
                all.put(id, content);
            }
        });
        return all;
    }

    private Map<String, byte[]> folder() {
        Map<String, byte[]> files = new TreeMap<>();
        try {
            for (Resource file : resources.getResources(location + "*" + SUFFIX)) {
                String name = file.getFilename();
                files.put(name.substring(0, name.length() - SUFFIX.length()), file.getContentAsByteArray());
            }
        } catch (java.io.FileNotFoundException noFolder) {
            return files; // a jar or home without segments: only the stored ones
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the segments folder " + location, e);
        }
        return files;
    }
}
