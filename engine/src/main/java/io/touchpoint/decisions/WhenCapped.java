package io.touchpoint.decisions;

/** What a journey wants when a frequency cap is reached: wait for the next allowed moment, or skip the message. */
public enum WhenCapped { DEFER, SKIP }
