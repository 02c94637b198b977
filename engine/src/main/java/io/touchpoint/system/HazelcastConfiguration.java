package io.touchpoint.system;

import java.util.List;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.map.MapStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;

/**
 * The embedded Hazelcast member. Alone by default; with {@code touchpoint.hazelcast.members} set (profile
 * {@code cluster}) it joins the listed members over TCP. Spring Boot builds the instance from this {@link Config}.
 */
@Configuration
public class HazelcastConfiguration {

    @Bean
    Config hazelcastConfig(@Value("${touchpoint.hazelcast.cluster-name}") String clusterName,
                           @Value("${touchpoint.hazelcast.port}") int port,
                           @Value("${touchpoint.hazelcast.members:}") List<String> members,
                           @Value("${touchpoint.profiles.cache-size}") int profileCacheSize,
                           @Value("${touchpoint.profiles.offload-store}") boolean offloadStore,
                           MapStore<String, CustomerProfile> profileStore) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getJetConfig().setEnabled(false);
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(true);

        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        List<String> peers = members.stream().filter(m -> !m.isBlank()).toList();
        join.getTcpIpConfig().setEnabled(!peers.isEmpty()).setMembers(peers);

        MapConfig profiles = new MapConfig(ProfileService.MAP_NAME)
                .setInMemoryFormat(InMemoryFormat.OBJECT)  // entry processors work on the profile without deserialising it
                .setMapStoreConfig(new MapStoreConfig()
                        .setEnabled(true)
                        .setImplementation(profileStore)
                        .setWriteDelaySeconds(0)  // write-through: a profile update is in the database when it returns
                        .setOffload(offloadStore)
                        .setInitialLoadMode(MapStoreConfig.InitialLoadMode.LAZY))
                .setEvictionConfig(new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
                        .setSize(profileCacheSize));
        config.addMapConfig(profiles);
        return config;
    }
}
