package io.touchpoint.events;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Consumer;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.apache.camel.support.RoutePolicySupport;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The MQTT route's policy for messages it has not acknowledged. The route acknowledges a message only once it has
 * been taken in, and an MQTT broker sends an unacknowledged message again only when the session connects anew.
 * So after a failed message this reconnects the route's client (off the consumer's thread, one reconnect at a
 * time) and the broker delivers every message still unacknowledged; without it a failed message would wait for
 * the engine's next start and hold one of the broker's in-flight slots until then. It also reconnects once right
 * after the route starts: Camel's Paho consumer connects before it listens, so a message the broker sends in
 * between is dropped by the client, unacknowledged.
 */
@Component("mqttRedelivery")
public class MqttRedelivery extends RoutePolicySupport {

    private static final Logger log = LoggerFactory.getLogger(MqttRedelivery.class);

    private final ExecutorService reconnects;
    private final AtomicBoolean reconnecting = new AtomicBoolean();

    MqttRedelivery(CamelContext camel) {
        this.reconnects = camel.getExecutorServiceManager().newSingleThreadExecutor(this, "events-mqtt-reconnect");
    }

    @Override
    public void onStart(Route route) {
        reconnect(route);
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        if (exchange.isFailed()) {
            log.warn("Route {}: a message was not taken in and stays unacknowledged; reconnecting so the broker delivers it again",
                    route.getRouteId());
            reconnect(route);
        }
    }

    private void reconnect(Route route) {
        if (!(route.getConsumer() instanceof PahoMqtt5Consumer consumer) || !reconnecting.compareAndSet(false, true)) {
            return;
        }
        reconnects.execute(() -> {
            MqttClient client = consumer.getClient();
            try {
                if (client == null) {
                    return;
                }
                if (client.isConnected()) {
                    client.disconnect();
                }
                reconnecting.set(false);
                // the same client, so the consumer's callback is in place before the broker sends anything
                client.connect(connectionOptions(consumer.getEndpoint()));
                client.subscribe(consumer.getEndpoint().getTopic(), consumer.getEndpoint().getConfiguration().getQos());
                if (consumer.getClient() != client) {
                    client.disconnect();
                }
            } catch (Exception e) {
                log.warn("Route {}: reconnecting failed ({}); the client keeps trying", route.getRouteId(), e.getMessage());
                if (consumer.getClient() == client) {
                    startReconnectCycle(client);
                }
            } finally {
                reconnecting.set(false);
            }
        });
    }

    /** The connection options the route's endpoint connects with (user, session expiry, TLS...); Camel keeps the method protected. */
    private static MqttConnectionOptions connectionOptions(PahoMqtt5Endpoint endpoint) throws ReflectiveOperationException {
        Method options = PahoMqtt5Endpoint.class.getDeclaredMethod("createMqttConnectionOptions");
        options.setAccessible(true);
        return (MqttConnectionOptions) options.invoke(endpoint);
    }

    private static void startReconnectCycle(MqttClient client) {
        try {
            client.reconnect();
        } catch (MqttException e) {
            log.warn("MQTT client {} cannot reconnect ({}); the route must be restarted", client.getClientId(), e.getMessage());
        }
    }
}
