package io.touchpoint.profiles;

import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.MaxSizePolicy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Hazelcast map of the golden records: profiles kept in memory up to the cache size (least recently used go),
 * written through to the database by {@link ProfileStore} as they change. The member takes it as one of its maps.
 */
@Configuration
class ProfileMap {

    @Bean
    MapConfig profilesMapConfig(ProfileStore store,
                                @Value("${touchpoint.profiles.cache-size}") int cacheSize,
                                @Value("${touchpoint.profiles.offload-store}") boolean offloadStore) {
        return new MapConfig(ProfileService.MAP_NAME)
                .setInMemoryFormat(InMemoryFormat.OBJECT)  // entry processors work on the profile without deserialising it
                .setMapStoreConfig(new MapStoreConfig()
                        .setEnabled(true)
                        .setImplementation(store)
                        .setWriteDelaySeconds(0)  // write-through: a profile update is in the database when it returns
                        .setOffload(offloadStore)
                        .setInitialLoadMode(MapStoreConfig.InitialLoadMode.LAZY))
                .setEvictionConfig(new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
                        .setSize(cacheSize));
    }
}
