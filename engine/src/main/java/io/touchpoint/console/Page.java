package io.touchpoint.console;

import java.util.List;

/**
 * One page of a console list: the items, how many there are in all, and the {@code limit} and {@code offset} asked
 * for (limit 1..500, default 50; offset from 0).
 */
public record Page<T>(List<T> items, long total, int limit, int offset) {

    static final int MAX_LIMIT = 500;

    /** Checks the paging parameters: a 400 naming {@code limit} or {@code offset} when out of range. */
    static void check(int limit, int offset) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadParameterException("limit", "'limit' must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
        if (offset < 0) {
            throw new BadParameterException("offset", "'offset' must be 0 or more, not " + offset);
        }
    }
}
