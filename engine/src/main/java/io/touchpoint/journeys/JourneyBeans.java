package io.touchpoint.journeys;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.touchpoint.profiles.ProfileService;

/** The beans the building blocks call from BPMN expressions: {@code journeyDates} and {@code journeySplits}. */
@Configuration
class JourneyBeans {

    /** Profiles are looked up when a date is worked out: the profiles feature itself re-plans date waits. */
    @Bean("journeyDates")
    ProfileDateWaits journeyDates(ObjectProvider<ProfileService> profiles) {
        return new ProfileDateWaits(customerId -> profiles.getObject().find(customerId));
    }

    @Bean("journeySplits")
    JourneySplits journeySplits(JourneyRecords records) {
        return new JourneySplits(records);
    }
}
