package io.touchpoint.events;

import java.time.Duration;

import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.apache.camel.processor.idempotent.hazelcast.HazelcastIdempotentRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The event ids seen recently, shared by every route and every node: a Hazelcast map whose entries live for
 * the idempotency window. It sits in front of the {@code customer_event} primary key, which stays the last word.
 */
@Configuration
class EventIdempotency {

    static final String MAP_NAME = "touchpoint-event-ids";

    /** The map itself, configured before anyone opens it; the batch intake asks and fills it many ids at a time. */
    @Bean
    IMap<String, Boolean> eventIdWindow(HazelcastInstance hazelcast,
                                        @Value("${touchpoint.events.idempotency-window}") Duration window,
                                        @Value("${touchpoint.events.idempotency-max-ids}") int maxIds) {
        hazelcast.getConfig().addMapConfig(new MapConfig(MAP_NAME)
                .setTimeToLiveSeconds((int) window.toSeconds())
                .setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.PER_NODE).setSize(maxIds)));
        return hazelcast.getMap(MAP_NAME);
    }

    /** The idempotent repository of the routes' idempotent consumer, on that map. */
    @Bean
    IdempotentRepository eventIds(HazelcastInstance hazelcast, IMap<String, Boolean> eventIdWindow) {
        return new HazelcastIdempotentRepository(hazelcast, eventIdWindow.getName());
    }
}
