package io.touchpoint.decisions;

/** Why a rule file was refused: the file, the line (for a decision table: the row) and the message. */
public record RuleProblem(String file, int line, String message) {

    @Override
    public String toString() {
        return file + " line " + line + ": " + message;
    }
}
