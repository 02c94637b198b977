-- Segments (issue 19). A profile keeps its segment membership in its document; this column holds when the
-- membership may next change by time alone ("no order for 60 days"), so the re-check reads only the customers due,
-- by this index, instead of every profile.
alter table customer_profile add column segments_due_at timestamp;
create index customer_profile_segments_due on customer_profile (segments_due_at);

-- Segment definitions saved over the API, kept like rule files and templates (system.StoredFiles).
insert into stored_file_area (area, version) values ('segments', 0);

-- The backfill of a segment version over every stored profile: how far it got (the last customer id of the last
-- page done), so that a restart resumes it. One row per version; a newer version supersedes the older ones.
create table segment_backfill (
    version            bigint        not null primary key,
    after_customer_id  varchar(200),
    processed          bigint        not null,
    total              bigint        not null,
    started_at         timestamp     not null,
    finished_at        timestamp
);
