package io.touchpoint.system;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.instance.EndpointQualifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;


/**
 * The embedded Hazelcast member, closed to everyone who does not share its secret. It listens on one interface
 * (loopback unless {@code touchpoint.hazelcast.interface} says otherwise), joins only the listed members over TCP
 * (profile {@code cluster}), never by multicast, and speaks only the member protocol: no client port unless
 * {@code touchpoint.hazelcast.client-port} is set. Hazelcast's open-source edition has no member authentication,
 * so the cluster name is derived from {@code TOUCHPOINT_HAZELCAST_SECRET} (an HMAC): a member or client that does
 * not know the secret does not know the name and is turned away. Without a secret the member starts only for
 * development (no {@code cluster} or {@code postgres} profile, no members listed), with a fixed development secret.
 * Spring Boot builds the instance from this {@link Config}.
 */
@Configuration
public class HazelcastConfiguration {

    private static final Logger log = LoggerFactory.getLogger(HazelcastConfiguration.class);
    static final String DEVELOPMENT_SECRET = "touchpoint-development-only";
    private static final Set<String> PRODUCTION_PROFILES = Set.of("cluster", "postgres");

    /** Where and with whom a member talks; {@code clientPort} 0 = no client protocol. */
    public record Network(String clusterName, String secret, String networkInterface, int port, List<String> members, int clientPort) {
    }

    @Bean
    Config hazelcastConfig(@Value("${touchpoint.hazelcast.cluster-name}") String clusterName,
                           @Value("${touchpoint.hazelcast.secret:}") String secret,
                           @Value("${touchpoint.hazelcast.interface:127.0.0.1}") String networkInterface,
                           @Value("${touchpoint.hazelcast.port}") int port,
                           @Value("${touchpoint.hazelcast.members:}") List<String> members,
                           @Value("${touchpoint.hazelcast.client-port:0}") int clientPort,
                           Environment environment,
                           List<MapConfig> featureMaps) {
        List<String> peers = members.stream().filter(m -> !m.isBlank()).map(String::trim).toList();
        Config config = memberConfig(new Network(clusterName, secretOrDevelopmentDefault(secret, environment, peers),
                networkInterface, port, peers, clientPort));
        featureMaps.forEach(config::addMapConfig); // the features' maps, such as the profiles' (profiles.ProfileMap)
        return config;
    }

    /** A member's configuration without Touchpoint's maps: the closed network. */
    public static Config memberConfig(Network network) {
        Config config = new Config();
        config.setClusterName(clusterName(network.clusterName(), network.secret()));
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false"); // only the configured interface
        config.getJetConfig().setEnabled(false);

        // the advanced network has only the endpoints named here: members, and clients only when a port is set
        AdvancedNetworkConfig endpoints = config.getAdvancedNetworkConfig().setEnabled(true);
        ServerSocketEndpointConfig member = (ServerSocketEndpointConfig) endpoints.getEndpointConfigs().get(EndpointQualifier.MEMBER);
        member.setPort(network.port()).setPortAutoIncrement(true);
        member.getInterfaces().setEnabled(true).addInterface(network.networkInterface());
        if (network.clientPort() > 0) {
            ServerSocketEndpointConfig clients = new ServerSocketEndpointConfig();
            clients.setPort(network.clientPort()).setPortAutoIncrement(false);
            clients.getInterfaces().setEnabled(true).addInterface(network.networkInterface());
            endpoints.setClientEndpointConfig(clients);
        }

        JoinConfig join = endpoints.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(!network.members().isEmpty()).setMembers(network.members());
        return config;
    }

    /** The name members present when they join: the configured name and an HMAC of it under the shared secret. */
    static String clusterName(String name, String secret) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = hmac.doFinal(name.getBytes(StandardCharsets.UTF_8));
            return name + "-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String secretOrDevelopmentDefault(String secret, Environment environment, List<String> members) {
        if (secret != null && !secret.isBlank()) {
            return secret;
        }
        boolean production = !members.isEmpty() || List.of(environment.getActiveProfiles()).stream().anyMatch(PRODUCTION_PROFILES::contains);
        if (production) {
            throw new IllegalStateException("TOUCHPOINT_HAZELCAST_SECRET is not set: a Hazelcast member with other members, or with the "
                    + PRODUCTION_PROFILES + " profiles, needs a shared secret (the same on every node, e.g. `openssl rand -hex 32`)");
        }
        log.warn("TP-SYSTEM-002 No TOUCHPOINT_HAZELCAST_SECRET set: this single development member uses the development secret");
        return DEVELOPMENT_SECRET;
    }
}
