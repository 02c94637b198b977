package io.touchpoint.segments;

/** A segment definition that cannot be used; {@link #condition()} names the part of it that is wrong ("condition.all[1]"). */
class SegmentException extends IllegalArgumentException {

    private final String segmentId;
    private final String condition;

    SegmentException(String segmentId, String condition, String problem) {
        super("segment '" + segmentId + "': " + condition + " " + problem);
        this.segmentId = segmentId;
        this.condition = condition;
    }

    String segmentId() {
        return segmentId;
    }

    String condition() {
        return condition;
    }
}
