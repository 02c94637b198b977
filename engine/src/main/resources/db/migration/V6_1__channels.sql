-- Channels (issue 6): a random id per message for the signed unsubscribe and tracking links (no personal data in
-- a URL), and the signing secret generated at first start when TOUCHPOINT_SIGNING_SECRET is not set.
alter table delivery_log add column message_id varchar(64);
create unique index delivery_log_message on delivery_log (message_id);

create table channel_secret (
    name        varchar(100)  not null primary key,
    secret      varchar(200)  not null,
    created_at  timestamp     not null
);
