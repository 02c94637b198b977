package io.touchpoint.console;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** Serves the admin console (static pages from the admin-console module) at /console. */
@Controller
public class ConsolePages {

    @GetMapping({"/console", "/console/"})
    public String console() {
        return "forward:/console/index.html";
    }
}
