-- Keyed journeys and one start per customer and key (issues 14.2, 15.6).

-- the instance key of a run (the value of the journey's key property, e.g. a bookingRef); null for unkeyed journeys
alter table journey_entry add column instance_key varchar(200);

-- the runs that hold a customer's (and key's) place in a journey: the start inserts the row in its transaction, the
-- run's end deletes it; the primary key makes a second start of the same customer and key fail, on any node
create table journey_active (
    journey_key         varchar(255) not null,
    customer_id         varchar(200) not null,
    instance_key        varchar(200) not null,
    process_instance_id varchar(64),
    started_at          timestamp    not null,
    primary key (journey_key, customer_id, instance_key)
);
