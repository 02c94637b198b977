-- Rule files and message templates changed over the API (issue 14): kept in the database so that they survive a
-- restart and a jar without folders, and every node reads the same. A row with no content removes the file of that
-- name from the folder's set. Each area has a version row: a change locks it, and nodes reload when it moves on.
create table stored_file (
    area        varchar(20)   not null,
    name        varchar(200)  not null,
    content     bytea,
    changed_at  timestamp     not null,
    changed_by  varchar(200)  not null,
    primary key (area, name)
);

create table stored_file_area (
    area        varchar(20)   not null primary key,
    version     bigint        not null
);
insert into stored_file_area (area, version) values ('rules', 0);
insert into stored_file_area (area, version) values ('templates', 0);
