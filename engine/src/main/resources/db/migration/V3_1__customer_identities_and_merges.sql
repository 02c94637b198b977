-- Customer profiles (issue 3): who owns which identity, and which customers were merged into which.

-- every identity of a customer: email, phone, anonymousId, or any external id kind (userId, crmId, ...)
create table customer_identity (
    kind           varchar(64)   not null,
    identity_value varchar(320)  not null,
    customer_id    varchar(200)  not null,
    primary key (kind, identity_value)
);
create index customer_identity_customer on customer_identity (customer_id);

-- the identities of profiles written before this table existed (a shared email or phone goes to the lowest customer id)
insert into customer_identity (kind, identity_value, customer_id)
    select 'email', p.email, min(p.customer_id) from customer_profile p where p.email is not null group by p.email;
insert into customer_identity (kind, identity_value, customer_id)
    select 'phone', p.phone, min(p.customer_id) from customer_profile p where p.phone is not null group by p.phone;

-- a customer id merged into another: events that still name it are applied to the survivor
create table customer_merge (
    merged_id    varchar(200)  not null primary key,
    survivor_id  varchar(200)  not null,
    merged_at    timestamp     not null
);
create index customer_merge_survivor on customer_merge (survivor_id);
