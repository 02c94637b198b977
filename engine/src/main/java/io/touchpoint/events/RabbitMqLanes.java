package io.touchpoint.events;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
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
 * messages keep their queue order. A lane takes the messages waiting for it together ({@link #takeWaiting}) and only
 * then settles each with the broker: acknowledged once its event is committed (or parked in the dead-letter queue),
 * handed back (nack, requeue) when it failed otherwise. Until then it counts against the consumer's prefetch. A
 * message whose channel has closed meanwhile (the route stops, the connection broke) is left alone: the broker
 * delivers it again.
 */
@Component("rabbitMqLanes")
public class RabbitMqLanes extends AsyncProcessorSupport {

    static final String LANE_ROUTE = "direct:events-rabbitmq-lane";
    private static final Logger log = LoggerFactory.getLogger(RabbitMqLanes.class);

    private final ProducerTemplate camel;
    private final ObjectMapper json;
    private final EventsApi events;
    private final EventIntake intake;
    private final EventMetrics metrics;
    private final int eventsPerTransaction;
    private final Lane[] lanes;

    RabbitMqLanes(CamelContext context, ProducerTemplate camel, ObjectMapper json, EventsApi events, EventIntake intake, EventMetrics metrics,
                  @Value("${touchpoint.events.rabbitmq.lanes}") int laneCount,
                  @Value("${touchpoint.events.batch-events-per-transaction}") int eventsPerTransaction) {
        this.camel = camel;
        this.json = json;
        this.events = events;
        this.intake = intake;
        this.metrics = metrics;
        this.eventsPerTransaction = eventsPerTransaction;
        this.lanes = new Lane[laneCount];
        for (int lane = 0; lane < laneCount; lane++) {
            lanes[lane] = new Lane(context.getExecutorServiceManager().newSingleThreadExecutor(this, "events-rabbitmq-lane-" + lane),
                    new LinkedBlockingQueue<>());
        }
    }

    /** A lane: its thread, and the messages waiting for it in queue order. */
    private record Lane(ExecutorService thread, BlockingQueue<Delivery> waiting) {
    }

    /** A message handed to a lane, with what settles it. */
    private record Delivery(Exchange exchange, AsyncCallback callback, Channel channel, long deliveryTag) {
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Delivery delivery = new Delivery(exchange, callback, consumerChannel(exchange),
                exchange.getMessage().getHeader(SpringRabbitMQConstants.DELIVERY_TAG, Long.class));
        Lane lane = lanes[laneOf(exchange.getMessage().getBody(String.class))];
        try {
            lane.waiting().add(delivery);
            lane.thread().execute(() -> takeWaiting(lane));
            return false;
        } catch (RejectedExecutionException stopping) {
            if (lane.waiting().remove(delivery)) {
                exchange.setException(stopping);
                settle(delivery.channel(), delivery.deliveryTag(), false);
                callback.done(true);
                return true;
            }
            return false; // a lane task already running takes it
        }
    }

    /**
     * Takes the messages waiting in a lane, at most {@code eventsPerTransaction}, in one transaction
     * ({@link EventIntake#acceptTogether}), and acknowledges each that went in. A message that is not a valid event,
     * one the intake refuses, and all of them when the transaction fails as a whole or one may merge profiles, go
     * through {@value #LANE_ROUTE} one by one, which dead-letters or hands back as for a single message.
     */
    private void takeWaiting(Lane lane) {
        List<Delivery> taken = new ArrayList<>();
        lane.waiting().drainTo(taken, eventsPerTransaction);
        List<Delivery> readable = new ArrayList<>();
        List<CustomerEvent> read = new ArrayList<>();
        for (Delivery delivery : taken) {
            if (!delivery.channel().isOpen()) {
                delivery.callback().done(false); // the broker delivers it again
                continue;
            }
            try {
                Message message = delivery.exchange().getMessage();
                read.add(events.readMessage(message.getBody(String.class), message.getHeader(SpringRabbitMQConstants.MESSAGE_ID, String.class)));
                readable.add(delivery);
            } catch (RuntimeException unreadable) {
                oneByOne(delivery);
            }
        }
        List<EventIntake.Outcome> outcomes = read.isEmpty() || read.stream().anyMatch(EventIntake::mayMerge)
                ? null : intake.acceptTogether(read).orElse(null);
        for (int i = 0; i < readable.size(); i++) {
            Delivery delivery = readable.get(i);
            if (outcomes != null && outcomes.get(i).accepted() != null) {
                metrics.count(EventMetrics.RABBITMQ, outcomes.get(i).accepted()); // the others are counted by the lane route
                settle(delivery.channel(), delivery.deliveryTag(), true);
                delivery.callback().done(false);
            } else {
                oneByOne(delivery);
            }
        }
    }

    private void oneByOne(Delivery delivery) {
        Exchange exchange = delivery.exchange();
        if (delivery.channel().isOpen()) {
            try {
                camel.send(LANE_ROUTE, exchange);
            } catch (RuntimeException broken) {
                exchange.setException(broken);
            }
        }
        settle(delivery.channel(), delivery.deliveryTag(), exchange.getException() == null);
        delivery.callback().done(false);
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
            log.warn("TP-EVENT-005 RabbitMQ message {} could not be {} ({}); the broker will deliver it again",
                    deliveryTag, done ? "acknowledged" : "handed back", closed.getMessage());
        }
    }
}
