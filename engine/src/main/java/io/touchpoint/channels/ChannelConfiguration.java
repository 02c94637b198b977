package io.touchpoint.channels;

import org.apache.camel.ProducerTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The HTTP-provider channels, each sending through its own route in {@code routes/}. */
@Configuration
class ChannelConfiguration {

    @Bean
    MessageChannel smsChannel(ProducerTemplate camel) {
        return new HttpProviderChannel(Channel.SMS, camel, HttpProviderChannel::phoneOf);
    }

    @Bean
    MessageChannel whatsappChannel(ProducerTemplate camel) {
        return new HttpProviderChannel(Channel.WHATSAPP, camel, HttpProviderChannel::phoneOf);
    }

    @Bean
    MessageChannel pushChannel(ProducerTemplate camel) {
        return new HttpProviderChannel(Channel.PUSH, camel, HttpProviderChannel::pushTokenOf);
    }

    @Bean
    MessageChannel webhookChannel(ProducerTemplate camel) {
        return new HttpProviderChannel(Channel.WEBHOOK, camel, HttpProviderChannel::customerIdOf);
    }
}
