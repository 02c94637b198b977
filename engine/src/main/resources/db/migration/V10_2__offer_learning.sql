-- Learning offers (issue 20). What the bandit knows per offer: the conversions and failures of each offer of a
-- decision, per context ('' without one); the offer 'holdout' holds the holdout's outcomes (it is never chosen).
-- Read into a Hazelcast map at start (one state for the cluster); written in the transaction that settles a message.
create table offer_arm (
    decision_name  varchar(200)  not null,
    context        varchar(200)  not null,
    offer_id       varchar(100)  not null,
    successes      bigint        not null,
    failures       bigint        not null,
    primary key (decision_name, context, offer_id)
);

-- Each message that carried a learned offer (and each holdout decision): settled once, CONVERTED when the
-- conversion event arrives within the window, FAILED by the sweep when the window ends without one, RESET when the
-- offer's learning was reset.
create table offer_exposure (
    message_key       varchar(300)  not null primary key,
    customer_id       varchar(200)  not null,
    decision_name     varchar(200)  not null,
    context           varchar(200)  not null,
    offer_id          varchar(100)  not null,
    conversion_event  varchar(100)  not null,
    exposed_at        timestamp     not null,
    window_ends       timestamp     not null,
    outcome           varchar(16),
    settled_at        timestamp
);
create index offer_exposure_customer on offer_exposure (customer_id, outcome);
create index offer_exposure_open on offer_exposure (outcome, window_ends);

-- the offer catalogue changed over the API (decisions.OfferCatalogue), laid over rules/offers.yaml
insert into stored_file_area (area, version) values ('offers', 0);
