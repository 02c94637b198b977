package io.touchpoint.events;

import java.util.Map;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Consumer;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Camel's {@code paho-mqtt5} component, except that its consumer listens before it connects. Camel 4.14's consumer
 * connects its client first and sets its callback after; Paho drops, unacknowledged, every message the broker sends
 * in between, and with a persistent session the broker sends at once what was queued while the route was away. A
 * dropped message comes again only on the session's next connection. Here each start of the route takes a new client
 * that connects when the consumer subscribes, once its callback is in place. (A new client, not the old one connected
 * again: Paho 1.2.5 cannot connect a client again while its callback thread is still busy with a message.)
 */
@Component("paho-mqtt5")
@org.apache.camel.spi.annotations.Component("paho-mqtt5")
public class MqttComponent extends PahoMqtt5Component {

    private static final Logger log = LoggerFactory.getLogger(MqttComponent.class);

    @Override
    protected Endpoint createEndpoint(String uri, String topic, Map<String, Object> parameters) throws Exception {
        ListeningEndpoint endpoint = new ListeningEndpoint(uri, topic, this, getConfiguration().copy());
        setProperties(endpoint, parameters);
        return endpoint;
    }

    static final class ListeningEndpoint extends PahoMqtt5Endpoint {

        ListeningEndpoint(String uri, String topic, PahoMqtt5Component component, PahoMqtt5Configuration configuration) {
            super(uri, topic, component, configuration);
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            ListeningConsumer consumer = new ListeningConsumer(this, processor);
            configureConsumer(consumer);
            return consumer;
        }

        MqttClient newClient() throws MqttException {
            return new ConnectingOnSubscribe(getConfiguration(), createMqttClientPersistence(getConfiguration()), createMqttConnectionOptions());
        }
    }

    static final class ListeningConsumer extends PahoMqtt5Consumer {

        ListeningConsumer(ListeningEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
        }

        @Override
        protected void doStart() throws Exception {
            setClient(((ListeningEndpoint) getEndpoint()).newClient());
            super.doStart();
        }

        @Override
        protected void doStop() throws Exception {
            MqttClient client = getClient();
            super.doStop(); // disconnects only a client it made itself
            try {
                if (client.isConnected()) {
                    client.disconnect();
                }
                client.close();
            } catch (MqttException e) {
                log.warn("MQTT client {} did not close cleanly: {}", client.getClientId(), e.getMessage());
            }
        }
    }

    /** A client that connects on the consumer's subscribe, which comes after the consumer's setCallback. */
    static final class ConnectingOnSubscribe extends MqttClient {

        private final MqttConnectionOptions options;

        ConnectingOnSubscribe(PahoMqtt5Configuration configuration, MqttClientPersistence persistence, MqttConnectionOptions options)
                throws MqttException {
            super(configuration.getBrokerUrl(), configuration.getClientId(), persistence);
            setManualAcks(configuration.isManualAcksEnabled());
            this.options = options;
        }

        @Override
        public IMqttToken subscribe(String topicFilter, int qos) throws MqttException {
            if (!isConnected()) {
                connect(options);
            }
            return super.subscribe(topicFilter, qos);
        }
    }
}
