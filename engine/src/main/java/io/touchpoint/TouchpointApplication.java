package io.touchpoint;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the Touchpoint engine: event intake, profiles, journeys, decisions, channels and the console. */
@SpringBootApplication
public class TouchpointApplication {

    public static void main(String[] args) {
        SpringApplication.run(TouchpointApplication.class, args);
    }
}
