package io.touchpoint.decisions;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.touchpoint.channels.DeliveryReports;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;

/**
 * Send-time optimisation: the customer's best time within a window, from the local hours at which the customer
 * opened and clicked messages in the last {@link #HISTORY} (the delivery log); for a customer without any, the
 * population's: the local hours of everyone's latest opens and clicks, worked out again at most every
 * {@link #POPULATION_TTL}. The chosen time is a full local hour (or now, when now's hour is the best); the sending
 * policy then still applies its caps and quiet hours from there.
 */
@Component
public class SendTimes {

    static final Duration HISTORY = Duration.ofDays(90);
    static final Duration POPULATION_TTL = Duration.ofHours(1);
    private static final int POPULATION_SAMPLE = 20_000;
    private static final Logger log = LoggerFactory.getLogger(SendTimes.class);

    private final DeliveryReports deliveries;
    private final ProfileService profiles;
    private volatile Population population;

    /** Engagements per local hour of the population, and when they were counted ({@link System#nanoTime}). */
    private record Population(int[] hours, long countedAt) {
    }

    SendTimes(DeliveryReports deliveries, ProfileService profiles) {
        this.deliveries = deliveries;
        this.profiles = profiles;
    }

    /** The customer's best moment in {@code [now, now + window)}: now, or the start of the best local hour in the window. */
    public Instant bestTime(String customerId, Instant now, Duration window) {
        Optional<CustomerProfile> profile = profiles.find(customerId);
        if (profile.isEmpty()) {
            return now;
        }
        ZoneId zone = new Customer(profile.get()).getZone();
        int[] hours = localHours(deliveries.engagedAt(customerId, now.minus(HISTORY)), zone);
        boolean own = total(hours) > 0;
        if (!own) {
            hours = populationHours(now);
        }
        Instant best = now;
        int bestScore = hours[now.atZone(zone).getHour()];
        for (Instant hour = now.atZone(zone).truncatedTo(ChronoUnit.HOURS).plusHours(1).toInstant(); hour.isBefore(now.plus(window));
             hour = hour.plus(Duration.ofHours(1))) {
            int score = hours[hour.atZone(zone).getHour()];
            if (score > bestScore) {
                best = hour;
                bestScore = score;
            }
        }
        log.debug("Best send time of {} in {} from {}: {}", customerId, window, own ? "the customer's opens and clicks" : "the population", best);
        return best;
    }

    /** The population's opens and clicks per local hour (0 to 23), counted again when older than {@link #POPULATION_TTL}. */
    public int[] populationHours(Instant now) {
        Population counted = population;
        if (counted == null || System.nanoTime() - counted.countedAt() > POPULATION_TTL.toNanos()) {
            counted = new Population(countPopulation(now), System.nanoTime());
            population = counted;
        }
        return counted.hours().clone();
    }

    /** Counts the population's hours now (after a test has added engagements, say). */
    public void forgetPopulation() {
        population = null;
    }

    private int[] countPopulation(Instant now) {
        int[] hours = new int[24];
        Map<String, ZoneId> zones = new HashMap<>();
        for (DeliveryReports.Sent engaged : deliveries.engagements(now.minus(HISTORY), POPULATION_SAMPLE)) {
            ZoneId zone = zones.computeIfAbsent(engaged.customerId(),
                    id -> profiles.find(id).map(p -> new Customer(p).getZone()).orElse(ZoneId.of("UTC")));
            hours[engaged.at().atZone(zone).getHour()]++;
        }
        return hours;
    }

    private static int[] localHours(List<Instant> moments, ZoneId zone) {
        int[] hours = new int[24];
        moments.forEach(moment -> hours[moment.atZone(zone).getHour()]++);
        return hours;
    }

    private static int total(int[] hours) {
        int sum = 0;
        for (int count : hours) {
            sum += count;
        }
        return sum;
    }
}
