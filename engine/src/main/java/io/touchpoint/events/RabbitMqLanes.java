package io.touchpoint.events;

import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ChannelProxy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The RabbitMQ route's lanes: each message goes to one of a few single-threaded lanes chosen by its customer
 * ({@code customerId}, else the first identity), so different customers are taken in at once while one customer's
 * messages keep their queue order. A lane runs the message through {@value #LANE_ROUTE} and only then settles it
 * with the broker: acknowledged once its event is committed (or parked in the dead-letter queue), handed back
 * (nack, requeue) when it failed otherwise. Until then it counts against the consumer's prefetch. A message whose
 * channel has closed meanwhile (the route stops, the connection broke) is left alone: the broker delivers it again.
 */
@Component("rabbitMqLanes")
public class RabbitMqLanes extends AsyncProcessorSupport {

    static final String LANE_ROUTE = "direct:events-rabbitmq-lane";
    private static final Logger log = LoggerFactory.getLogger(RabbitMqLanes.class);

    private final ProducerTemplate camel;
    private final ObjectMapper json;
    private final ExecutorService[] lanes;

    RabbitMqLanes(CamelContext context, ProducerTemplate camel, ObjectMapper json,
                  @Value("${touchpoint.events.rabbitmq.lanes}") int laneCount) {
        this.camel = camel;
        this.json = json;
        this.lanes = new ExecutorService[laneCount];
        for (int lane = 0; lane < laneCount; lane++) {
            lanes[lane] = context.getExecutorServiceManager().newSingleThreadExecutor(this, "events-rabbitmq-lane-" + lane);
        }
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Channel channel = consumerChannel(exchange);
        long deliveryTag = exchange.getMessage().getHeader(SpringRabbitMQConstants.DELIVERY_TAG, Long.class);
        try {
            lanes[laneOf(exchange.getMessage().getBody(String.class))].execute(() -> {
                if (channel.isOpen()) {
                    try {
                        camel.send(LANE_ROUTE, exchange);
                    } catch (RuntimeException broken) {
                        exchange.setException(broken);
                    }
                }
                settle(channel, deliveryTag, exchange.getException() == null);
                callback.done(false);
            });
            return false;
        } catch (RejectedExecutionException stopping) {
            exchange.setException(stopping);
            settle(channel, deliveryTag, false);
            callback.done(true);
            return true;
        }
    }

    /** The lane of a message: by its customer's key; a message that is not an event (it will be dead-lettered) takes lane 0. */
    private int laneOf(String body) {
        String customer = customerKey(body);
        return customer == null ? 0 : Math.floorMod(customer.hashCode(), lanes.length);
    }

    private String customerKey(String body) {
        try {
            JsonNode event = body == null ? null : json.readTree(body);
            if (event == null || !event.isObject()) {
                return null;
            }
            String customerId = event.path("customerId").asText("");
            if (!customerId.isBlank()) {
                return customerId;
            }
            for (Iterator<JsonNode> identities = event.path("identities").elements(); identities.hasNext(); ) {
                String identity = identities.next().asText("");
                if (!identity.isBlank()) {
                    return identity;
                }
            }
            return null;
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    /**
     * The channel the message came on, unwrapped: a closed cached channel would open a new one on the next call, where
     * the message's delivery tag is unknown and the broker closes the channel with an error.
     */
    private static Channel consumerChannel(Exchange exchange) {
        Channel channel = exchange.getProperty(SpringRabbitMQConstants.CHANNEL, Channel.class);
        return channel instanceof ChannelProxy proxy ? proxy.getTargetChannel() : channel;
    }

    private static void settle(Channel channel, long deliveryTag, boolean done) {
        if (!channel.isOpen()) {
            // the route is stopping (the consumer closes its channel without waiting for the lanes) or the connection broke
            log.debug("RabbitMQ message {} not settled: its channel is closed; the broker delivers it again", deliveryTag);
            return;
        }
        try {
            if (done) {
                channel.basicAck(deliveryTag, false);
            } else {
                channel.basicNack(deliveryTag, false, true);
            }
        } catch (Exception closed) {
            log.warn("RabbitMQ message {} could not be {} ({}); the broker will deliver it again",
                    deliveryTag, done ? "acknowledged" : "handed back", closed.getMessage());
        }
    }
}
