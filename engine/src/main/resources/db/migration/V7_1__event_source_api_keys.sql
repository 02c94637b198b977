-- API keys of the systems that send events (header X-Api-Key); only a SHA-256 hash of each key is stored.
create table event_source_key (
    id          varchar(64)   not null primary key,
    source      varchar(200)  not null,
    key_hash    varchar(64)   not null,
    created_at  timestamp     not null,
    revoked_at  timestamp
);
create unique index event_source_key_hash on event_source_key (key_hash);
