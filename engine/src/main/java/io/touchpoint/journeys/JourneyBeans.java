package io.touchpoint.journeys;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.touchpoint.profiles.ProfileService;

/** The beans the building blocks call from BPMN expressions: {@code journeyDates} and {@code journeySplits}. */
@Configuration
class JourneyBeans {

    @Bean("journeyDates")
    ProfileDateWaits journeyDates(ProfileService profiles) {
        return new ProfileDateWaits(profiles::find);
    }

    @Bean("journeySplits")
    JourneySplits journeySplits(JourneyRecords records) {
        return new JourneySplits(records);
    }
}
