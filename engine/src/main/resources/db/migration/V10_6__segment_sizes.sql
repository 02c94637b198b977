-- The number of members of each segment, once a day (the console's "sizes over time"): written every
-- touchpoint.segments.size-every from segment_member, the day's row replaced by the latest count. No customer in it.
create table segment_size (
    segment_id  varchar(200)  not null,
    counted_on  date          not null,
    members     bigint        not null,
    primary key (segment_id, counted_on)
);
