-- Segment members (issue 19): who is in which segment, kept in step with the segment_entered / segment_exited events
-- (written in the transaction that records them), so a segment's members can be listed and counted by SQL.
create table segment_member (
    segment_id   varchar(100)  not null,
    customer_id  varchar(200)  not null,
    joined_at    timestamp     not null,
    primary key (segment_id, customer_id)
);
create index segment_member_customer on segment_member (customer_id);

-- Scheduled journeys: one row per journey and occurrence (a local date-time such as 2026-12-24T10:00), written when
-- the occurrence is planned, with how many members were planned, entered and passed over.
create table scheduled_occurrence (
    journey_key   varchar(255)  not null,
    occurrence    varchar(32)   not null,
    segment_id    varchar(100)  not null,
    planned       bigint        not null,
    entered       bigint        not null default 0,
    passed_over   bigint        not null default 0,
    planned_at    timestamp     not null,
    finished_at   timestamp,
    primary key (journey_key, occurrence)
);

-- The members of a planned occurrence still to enter, each with the moment the occurrence's local time comes in the
-- member's time zone. A row is deleted once its member has been entered (or passed over): what is left after a crash is
-- exactly what a restart still has to do.
create table scheduled_entry (
    journey_key   varchar(255)  not null,
    occurrence    varchar(32)   not null,
    customer_id   varchar(200)  not null,
    due_at        timestamp     not null,
    primary key (journey_key, occurrence, customer_id)
);
create index scheduled_entry_due on scheduled_entry (journey_key, due_at);
create index scheduled_entry_customer on scheduled_entry (customer_id);
