-- Segments (issue 19). A profile keeps its segment membership in its document; this column holds when the
-- membership may next change by time alone ("no order for 60 days"), so the re-check reads only the customers due,
-- by this index, instead of every profile.
alter table customer_profile add column segments_due_at timestamp;
create index customer_profile_segments_due on customer_profile (segments_due_at);

-- Segment definitions saved over the API, kept like rule files and templates (system.StoredFiles).
insert into stored_file_area (area, version) values ('segments', 0);
