package io.touchpoint.decisions;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.runtime.KieContainer;
import org.kie.api.runtime.StatelessKieSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The Drools rule base compiled from the {@code *.drl} files in {@code rules/}. A file that does not compile
 * stops the start with its name, line and the compiler's message.
 */
@Component
public class RuleBase {

    private static final Logger log = LoggerFactory.getLogger(RuleBase.class);

    private final KieContainer container;

    @Autowired
    RuleBase(ResourcePatternResolver resources, @Value("${touchpoint.folders.rules}") String location) throws IOException {
        this(resources.getResources(location + "*.drl"));
        log.info("Rules from {} compiled", location);
    }

    /** Compiles the given rule files; throws {@link RuleCompilationException} naming file and line on error. */
    public RuleBase(Resource... ruleFiles) throws IOException {
        KieServices kie = KieServices.get();
        KieFileSystem files = kie.newKieFileSystem();
        for (Resource file : ruleFiles) {
            files.write("src/main/resources/rules/" + file.getFilename(), file.getContentAsByteArray());
        }
        KieBuilder builder = kie.newKieBuilder(files).buildAll();
        List<Message> errors = builder.getResults().getMessages(Message.Level.ERROR);
        if (!errors.isEmpty()) {
            throw new RuleCompilationException(errors.stream()
                    .map(e -> fileName(e.getPath()) + " line " + e.getLine() + ": " + e.getText().strip())
                    .collect(Collectors.joining("; ")));
        }
        container = kie.newKieContainer(builder.getKieModule().getReleaseId());
    }

    /** A fresh stateless session: thread-safe to use once per decision. */
    public StatelessKieSession session() {
        return container.newStatelessKieSession();
    }

    private static String fileName(String path) {
        return path == null ? "rules" : path.substring(path.lastIndexOf('/') + 1);
    }

    /** A rule file in {@code rules/} that does not compile. */
    public static class RuleCompilationException extends IllegalStateException {
        RuleCompilationException(String details) {
            super("Rules do not compile: " + details);
        }
    }
}
