package io.touchpoint.channels;

/** A template that cannot be used: missing, refused at load, or failing to render (the message says which and why). */
public class TemplateException extends RuntimeException {

    public TemplateException(String message) {
        super(message);
    }
}
