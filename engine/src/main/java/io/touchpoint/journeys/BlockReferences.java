package io.touchpoint.journeys;

import java.util.List;

import org.springframework.stereotype.Component;

import io.touchpoint.channels.Channel;
import io.touchpoint.channels.MessageTemplate;
import io.touchpoint.channels.MessageTemplates;
import io.touchpoint.channels.TemplateException;
import io.touchpoint.decisions.RuleBase;
import io.touchpoint.segments.SegmentDefinitions;

/**
 * What the building blocks name outside the BPMN file, checked at deployment by the code that looks them up at run
 * time: the message template of a Send message step (it exists in the default locale, for the step's channel) and
 * the decision of a Decide with rules step (a running rule names it, or a rule file of that name,
 * {@code rules/<decision>.drl} or a decision table, is running), a wait a timer names, and the segment a scheduled
 * journey enters. A name written as an expression is known only at run time.
 */
@Component
public class BlockReferences {

    private final MessageTemplates templates;
    private final RuleBase rules;
    private final JourneyWaits waits;
    private final SegmentDefinitions segments;

    BlockReferences(MessageTemplates templates, RuleBase rules, JourneyWaits waits, SegmentDefinitions segments) {
        this.templates = templates;
        this.rules = rules;
        this.waits = waits;
        this.segments = segments;
    }

    /** A scheduled journey's {@code audienceSegment} is a running segment. */
    void checkSegment(String id) {
        java.util.Set<String> running = segments.runningIds();
        if (!running.contains(id)) {
            throw new BlockSettings.Invalid("'" + JourneySchedule.AUDIENCE_SEGMENT + "' is '" + id + "', but no segment of that id is running; running: " + running);
        }
    }

    /** A timer's named wait ({@code waits.get('abandoned-cart')}) is one of {@code touchpoint.journeys.waits}. */
    void checkWait(String setting, String name) {
        if (!waits.getWaits().containsKey(name)) {
            throw new BlockSettings.Invalid("'" + setting + "' names the wait '" + name + "', which touchpoint.journeys.waits does not have; known: "
                    + waits.getWaits().keySet());
        }
    }

    void checkTemplate(String name, String channel) {
        if (name.contains("${")) {
            return;
        }
        MessageTemplate template;
        try {
            template = templates.find(name, null);
        } catch (TemplateException e) {
            throw new BlockSettings.Invalid("'template' is '" + name + "': " + e.getMessage());
        }
        if (!"best".equals(channel) && template.channel() != Channel.of(channel)) {
            throw new BlockSettings.Invalid("'template' is '" + name + "', a template for " + template.channel().id() + ", not " + channel);
        }
    }

    void checkDecision(String name) {
        List<String> files = rules.status().files();
        boolean known = name.contains("${") || files.stream().map(BlockReferences::baseName).anyMatch(name::equals) || named(name);
        if (!known) {
            throw new BlockSettings.Invalid("'decision' is '" + name + "', but no running rule names it (decisionName == \"" + name
                    + "\") and no rule file " + name + ".drl (or decision table) is running; files: " + files);
        }
    }

    /** Whether a running rule file names the decision, as a rule scoped to it does ({@code decisionName == "offer"}). */
    private boolean named(String decision) {
        String quoted = "\"" + decision + "\"";
        return rules.sources().values().stream().anyMatch(source -> new String(source, java.nio.charset.StandardCharsets.UTF_8).contains(quoted));
    }

    private static String baseName(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        return name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
    }
}
