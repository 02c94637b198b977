package io.touchpoint.channels;

/** A template rendered for one customer: the parts its channel uses (others are null) and the locale chosen. */
public record RenderedMessage(String template, String locale, String subject, String preheader, String title,
                              String text, String html, String body) {
}
