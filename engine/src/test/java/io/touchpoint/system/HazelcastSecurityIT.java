package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * The Hazelcast member is closed: a client that knows only the old cluster name "touchpoint" (or even the real
 * one) cannot connect, a member with another secret does not join, a member with the same secret does, and the member
 * port answers on the configured interface only. Real embedded members built from {@link HazelcastConfiguration}.
 */
class HazelcastSecurityIT {

    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void shutDown() {
        members.forEach(HazelcastInstance::shutdown);
        HazelcastClient.shutdownAll();
    }

    @Test
    void aClientIsRefusedWhateverClusterNameItKnows() throws IOException {
        int port = freePort();
        start("secret-one", port, List.of(), 0);

        assertThatThrownBy(() -> client("touchpoint", port)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> client(HazelcastConfiguration.clusterName("touchpoint", "secret-one"), port)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withAClientPortOnlyAClientThatKnowsTheSecretConnects() throws IOException {
        int port = freePort();
        int clientPort = freePort();
        start("secret-one", port, List.of(), clientPort);

        assertThatThrownBy(() -> client("touchpoint", clientPort)).isInstanceOf(IllegalStateException.class);
        HazelcastInstance client = client(HazelcastConfiguration.clusterName("touchpoint", "secret-one"), clientPort);
        assertThat(client.getCluster().getMembers()).hasSize(1);
    }

    @Test
    void aMemberWithAnotherSecretDoesNotJoinAndOneWithTheSameSecretDoes() throws IOException {
        int port = freePort();
        HazelcastInstance first = start("secret-one", port, List.of("127.0.0.1:" + port), 0);

        HazelcastInstance stranger = start("secret-two", freePort(), List.of("127.0.0.1:" + port), 0);
        assertThat(first.getCluster().getMembers()).hasSize(1);
        assertThat(stranger.getCluster().getMembers()).hasSize(1);

        HazelcastInstance sibling = start("secret-one", freePort(), List.of("127.0.0.1:" + port), 0);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> first.getCluster().getMembers().size() == 2);
        assertThat(sibling.getCluster().getMembers()).hasSize(2);
        assertThat(first.getCluster().getMembers()).noneMatch(m -> m.getUuid().equals(stranger.getLocalEndpoint().getUuid()));
    }

    @Test
    void theMemberListensOnLoopbackOnly() throws IOException {
        int port = freePort();
        HazelcastInstance member = start("secret-one", port, List.of(), 0);

        assertThat(member.getCluster().getLocalMember().getAddress().getHost()).isEqualTo("127.0.0.1");
        Optional<InetAddress> other = otherAddress();
        if (other.isPresent()) {
            try (Socket socket = new Socket()) {
                assertThatThrownBy(() -> socket.connect(new InetSocketAddress(other.get(), port), 2_000)).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void withoutASecretAClusterNodeRefusesToStartAndADevelopmentMemberUsesTheDevelopmentSecret() {
        HazelcastConfiguration configuration = new HazelcastConfiguration();
        MockEnvironment cluster = new MockEnvironment();
        cluster.setActiveProfiles("postgres", "cluster");

        assertThatThrownBy(() -> configuration.hazelcastConfig("touchpoint", "", "127.0.0.1", 5701, List.of(), 0, cluster, List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("TOUCHPOINT_HAZELCAST_SECRET is not set");
        assertThatThrownBy(() -> configuration.hazelcastConfig("touchpoint", "", "127.0.0.1", 5701, List.of("10.0.0.2:5701"), 0, new MockEnvironment(), List.of()))
                .isInstanceOf(IllegalStateException.class);
        assertThat(configuration.hazelcastConfig("touchpoint", "", "127.0.0.1", 5701, List.of(), 0, new MockEnvironment(), List.of()).getClusterName())
                .isEqualTo(HazelcastConfiguration.clusterName("touchpoint", HazelcastConfiguration.DEVELOPMENT_SECRET))
                .isNotEqualTo("touchpoint");
    }

    private HazelcastInstance start(String secret, int port, List<String> peers, int clientPort) {
        HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastConfiguration.memberConfig(
                new HazelcastConfiguration.Network("touchpoint", secret, "127.0.0.1", port, peers, clientPort)));
        members.add(member);
        return member;
    }

    private static HazelcastInstance client(String clusterName, int port) {
        ClientConfig config = new ClientConfig().setClusterName(clusterName);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.getNetworkConfig().addAddress("127.0.0.1:" + port);
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(5_000);
        return HazelcastClient.newHazelcastClient(config);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A non-loopback IPv4 address of this machine, if it has one. */
    private static Optional<InetAddress> otherAddress() throws IOException {
        for (NetworkInterface network : NetworkInterface.networkInterfaces().toList()) {
            if (network.isUp() && !network.isLoopback()) {
                Optional<InetAddress> address = network.inetAddresses().filter(a -> a instanceof Inet4Address).findFirst();
                if (address.isPresent()) {
                    return address;
                }
            }
        }
        return Optional.empty();
    }
}
