-- Seeds :n subscriptions (psql -v n=1000000) with their history straight into Tally's PostgreSQL
-- schema, as the mirror would hold them: 12 licensed prices (usd and eur, monthly and yearly), half a
-- customer per subscription, two recorded states per subscription (created between 2023-01-01 and
-- 2025-06-19; a quantity change 200 days later; every tenth one canceled at that change).
\set ON_ERROR_STOP on
begin;
insert into prices (stripe_price_id, currency, unit_amount, type, recurring_interval, recurring_interval_count, usage_type,
                    active, deleted, stripe_created, source_timestamp, version)
select 'price_bench_' || p, case when p % 3 = 0 then 'eur' else 'usd' end, 1000 + p * 100, 'recurring',
       case when p % 4 = 0 then 'year' else 'month' end, 1, 'licensed', true, false, now(), now(), 0
from generate_series(1, 12) p;

create temporary table bench_subs on commit drop as
select i, 1 + i % 12 as p, 'sub_bench_' || i as sub, 'cus_bench_' || (i / 2) as cus,
       timestamptz '2023-01-01' + (i % 900) * interval '1 day' + (i % 86400) * interval '1 second' as created,
       1 + i % 5 as q1, 1 + (i * 7) % 6 as q2, i % 10 = 0 as cancels
from generate_series(1, :n) i;

insert into subscriptions (stripe_subscription_id, stripe_customer_id, status, stripe_subscription_item_id, price_id, currency,
                           cancel_at_period_end, canceled_at, ended_at, stripe_created, source_timestamp, updated_at, version)
select sub, cus, case when cancels then 'canceled' else 'active' end, 'si_bench_' || i, 'price_bench_' || p,
       case when p % 3 = 0 then 'eur' else 'usd' end, false,
       case when cancels then created + interval '200 days' end, case when cancels then created + interval '200 days' end,
       created, now(), now(), 0
from bench_subs;

insert into subscription_items (stripe_subscription_item_id, stripe_subscription_id, price_id, quantity, deleted, stripe_created)
select 'si_bench_' || i, sub, 'price_bench_' || p, q2, false, created from bench_subs;

insert into subscription_history (stripe_subscription_id, stripe_customer_id, status, items, discounts, cancel_at_period_end,
                                  valid_from, valid_to, rank, source_event_id)
select sub, cus, 'active', '[{"item":"si_bench_' || i || '","price":"price_bench_' || p || '","quantity":' || q1 || '}]', '[]', false,
       created, created + interval '200 days', 31, 'evt_bench_' || i || '_a'
from bench_subs;

insert into subscription_history (stripe_subscription_id, stripe_customer_id, status, items, discounts, cancel_at_period_end,
                                  canceled_at, ended_at, valid_from, valid_to, rank, source_event_id)
select sub, cus, case when cancels then 'canceled' else 'active' end,
       '[{"item":"si_bench_' || i || '","price":"price_bench_' || p || '","quantity":' || q2 || '}]', '[]', false,
       case when cancels then created + interval '200 days' end, case when cancels then created + interval '200 days' end,
       created + interval '200 days', null, 71, 'evt_bench_' || i || '_b'
from bench_subs;

insert into fx_rates (currency, quote_currency, effective_date, rate, updated_at) values ('eur', 'usd', date '2023-01-01', 1.10, now());
commit;
analyze;
