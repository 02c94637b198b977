-- Journey building blocks (issue 4): who entered which journey when, who reached a goal, who got which variant.

-- one row per started journey instance: re-entry policies (never, cool-down) read it instead of the engine history
create table journey_entry (
    process_instance_id varchar(64)  not null primary key,
    customer_id         varchar(200) not null,
    journey_key         varchar(255) not null,
    definition_id       varchar(64)  not null,
    entered_at          timestamp    not null
);
create index journey_entry_customer on journey_entry (customer_id, journey_key, entered_at);

-- a goal (conversion) reached: the journey ended there, wherever the customer was
create table journey_goal (
    process_instance_id varchar(64)  not null primary key,
    customer_id         varchar(200) not null,
    journey_key         varchar(255) not null,
    goal_activity_id    varchar(255) not null,
    event_type          varchar(200) not null,
    event_id            varchar(200) not null,
    reached_at          timestamp    not null
);
create index journey_goal_journey on journey_goal (journey_key, reached_at);

-- A/B split assignments, stable per customer and journey
create table journey_split (
    customer_id  varchar(200) not null,
    journey_key  varchar(255) not null,
    split_id     varchar(255) not null,
    variant      varchar(100) not null,
    assigned_at  timestamp    not null,
    primary key (customer_id, journey_key, split_id)
);
