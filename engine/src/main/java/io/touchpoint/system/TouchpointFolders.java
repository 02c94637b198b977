package io.touchpoint.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Decides where the editable folders {@code workflows/}, {@code rules/}, {@code routes/} and {@code segments/} are read from:
 * the folder under {@code touchpoint.home} when it exists (a checkout), else the copy packaged in the jar.
 * Publishes {@code touchpoint.folders.<name>} as a Spring resource location ending in "/".
 */
public class TouchpointFolders implements EnvironmentPostProcessor {

    static final String[] FOLDERS = {"workflows", "rules", "routes", "segments"};

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Path home = Path.of(environment.getProperty("touchpoint.home", "."));
        Map<String, Object> locations = new java.util.HashMap<>();
        for (String folder : FOLDERS) {
            String key = "touchpoint.folders." + folder;
            if (!environment.containsProperty(key)) {
                Path dir = home.resolve(folder).toAbsolutePath().normalize();
                locations.put(key, Files.isDirectory(dir) ? "file:" + dir + "/" : "classpath:touchpoint/" + folder + "/");
            }
        }
        environment.getPropertySources().addLast(new MapPropertySource("touchpointFolders", locations));
    }
}
