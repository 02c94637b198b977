package io.touchpoint.decisions;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.math3.distribution.BetaDistribution;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * How the learning offers do, per decision and offer (all contexts together): times chosen, messages sent, conversions
 * and failures counted, open messages, the conversion rate with its 95% credible interval (Beta(1 + conversions,
 * 1 + failures)), the uplift against the decision's holdout, and the messages sent per day.
 */
@Component
public class OfferReport {

    /** One offer of one learning decision. {@code rate}, {@code low}, {@code high}, {@code uplift}: null without outcomes. */
    public record OfferFigures(String decision, String offer, long chosen, long sent, long conversions, long failures, long open,
                               Double rate, Double low, Double high, Double uplift, Map<LocalDate, Long> sentPerDay) {
    }

    private final JdbcTemplate jdbc;

    OfferReport(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Every offer of every learning decision (the holdout as offer {@code holdout}), since {@code since} for the days. */
    public List<OfferFigures> figures(Instant since) {
        Map<List<String>, long[]> counts = new TreeMap<>(java.util.Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        // [chosen, sent, conversions, failures, open]
        jdbc.query("select decision_name, offer_id, sum(successes), sum(failures) from offer_arm group by decision_name, offer_id", row -> {
            long[] c = counts.computeIfAbsent(List.of(row.getString(1), row.getString(2)), k -> new long[5]);
            c[2] = row.getLong(3);
            c[3] = row.getLong(4);
        });
        jdbc.query("select decision_name, offer_id, count(*), sum(case when outcome is null then 1 else 0 end) from offer_exposure"
                + " group by decision_name, offer_id", row -> {
            long[] c = counts.computeIfAbsent(List.of(row.getString(1), row.getString(2)), k -> new long[5]);
            c[1] = row.getLong(3);
            c[4] = row.getLong(4);
        });
        jdbc.query("select decision_name, offer_code, count(*) from decision_log where offer_code is not null and decision_name in"
                + " (select distinct decision_name from offer_exposure) group by decision_name, offer_code", row -> {
            long[] c = counts.get(List.of(row.getString(1), row.getString(2)));
            if (c != null) {
                c[0] = row.getLong(3);
            }
        });
        Map<List<String>, Map<LocalDate, Long>> days = new LinkedHashMap<>();
        jdbc.query("select decision_name, offer_id, cast(exposed_at as date), count(*) from offer_exposure where exposed_at >= ?"
                + " group by decision_name, offer_id, cast(exposed_at as date)", row -> {
            days.computeIfAbsent(List.of(row.getString(1), row.getString(2)), k -> new TreeMap<>()).put(row.getDate(3).toLocalDate(), row.getLong(4));
        }, Timestamp.from(since));
        List<OfferFigures> figures = new ArrayList<>();
        counts.forEach((key, c) -> {
            long[] holdout = counts.get(List.of(key.get(0), OfferLearning.HOLDOUT));
            Double rate = rate(c[2], c[3]);
            Double baseline = holdout == null || OfferLearning.HOLDOUT.equals(key.get(1)) ? null : rate(holdout[2], holdout[3]);
            BetaDistribution posterior = new BetaDistribution(1 + c[2], 1 + c[3]);
            boolean known = rate != null;
            figures.add(new OfferFigures(key.get(0), key.get(1), c[0], c[1], c[2], c[3], c[4], rate,
                    known ? round(posterior.inverseCumulativeProbability(0.025)) : null,
                    known ? round(posterior.inverseCumulativeProbability(0.975)) : null,
                    rate == null || baseline == null ? null : round(rate - baseline), days.getOrDefault(key, Map.of())));
        });
        return figures;
    }

    private static Double rate(long conversions, long failures) {
        return conversions + failures == 0 ? null : round((double) conversions / (conversions + failures));
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
