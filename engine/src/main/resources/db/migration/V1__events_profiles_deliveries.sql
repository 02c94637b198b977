-- Touchpoint's own tables (Camunda creates its ACT_* tables itself).

-- every accepted event, once: the event id makes a retry safe
create table customer_event (
    event_id     varchar(200)    not null primary key,
    customer_id  varchar(200)    not null,
    type         varchar(200)    not null,
    occurred_at  timestamp       not null,
    received_at  timestamp       not null,
    payload      varchar(1000000) not null
);
create index customer_event_customer on customer_event (customer_id, occurred_at);

-- the golden record behind the Hazelcast map "profiles"
create table customer_profile (
    customer_id  varchar(200)    not null primary key,
    email        varchar(320),
    phone        varchar(64),
    profile_json varchar(1000000) not null,
    updated_at   timestamp       not null
);
create index customer_profile_email on customer_profile (email);
create index customer_profile_phone on customer_profile (phone);

-- every message, keyed by journey instance + step so that a retry never sends twice
create table delivery_log (
    idempotency_key varchar(300)  not null primary key,
    customer_id     varchar(200)  not null,
    channel         varchar(32)   not null,
    template        varchar(200)  not null,
    -- marketing or transactional: frequency caps count marketing only
    category        varchar(32)   not null default 'marketing',
    recipient       varchar(320),
    subject         varchar(1000),
    status          varchar(16)   not null,
    reason          varchar(4000),
    provider_message_id varchar(300),
    created_at      timestamp     not null,
    updated_at      timestamp     not null
);
create index delivery_log_customer on delivery_log (customer_id, created_at);
-- future migrations: one version range per feature (V3_x profiles, V4_x journeys, V5_x decisions, V6_x channels, V7_x events, V8_x console)
