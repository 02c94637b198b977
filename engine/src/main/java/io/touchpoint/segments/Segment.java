package io.touchpoint.segments;

import java.util.LinkedHashSet;
import java.util.Set;

/** A segment as defined in {@code segments/<id>.json}: who is in it is what its condition says. */
record Segment(String id, String name, String description, Condition condition) {

    /** The segments its condition refers to. */
    Set<String> references() {
        Set<String> references = new LinkedHashSet<>();
        condition.references(references);
        return references;
    }
}
