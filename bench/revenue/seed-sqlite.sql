-- The SQLite twin of seed-postgres.sql (bench/revenue.sh --sqlite replaces @N@): the same prices, customers,
-- subscriptions and two history rows per subscription. Timestamps are stored as EF's binary ticks for UTC
-- ((ticks / 1000) << 11), computed from Unix seconds; 2023-01-01 is 1672531200, 200 days are 17280000 s.
.bail on
begin;
create temp table bench_now as select ((621355968000000 + 1764806400 * 10000) * 2048) as ticks;
insert into prices (stripe_price_id, currency, unit_amount, type, recurring_interval, recurring_interval_count, usage_type,
                    active, deleted, stripe_created, source_timestamp, version)
with recursive p(p) as (select 1 union all select p + 1 from p where p < 12)
select 'price_bench_' || p, case when p % 3 = 0 then 'eur' else 'usd' end, 1000 + p * 100, 'recurring',
       case when p % 4 = 0 then 'year' else 'month' end, 1, 'licensed', 1, 0, (select ticks from bench_now), (select ticks from bench_now), 0
from p;

create temp table bench_subs as
with recursive s(i) as (select 1 union all select i + 1 from s where i < @N@)
select i, 1 + i % 12 as p, 'sub_bench_' || i as sub, 'cus_bench_' || (i / 2) as cus,
       1672531200 + (i % 900) * 86400 + (i % 86400) as created, 1 + i % 5 as q1, 1 + (i * 7) % 6 as q2, i % 10 = 0 as cancels
from s;

insert into subscriptions (stripe_subscription_id, stripe_customer_id, status, stripe_subscription_item_id, price_id, currency,
                           cancel_at_period_end, canceled_at, ended_at, stripe_created, source_timestamp, updated_at, version)
select sub, cus, case when cancels then 'canceled' else 'active' end, 'si_bench_' || i, 'price_bench_' || p,
       case when p % 3 = 0 then 'eur' else 'usd' end, 0,
       case when cancels then (621355968000000 + (created + 17280000) * 10000) * 2048 end,
       case when cancels then (621355968000000 + (created + 17280000) * 10000) * 2048 end,
       (621355968000000 + created * 10000) * 2048, (select ticks from bench_now), (select ticks from bench_now), 0
from bench_subs;

insert into subscription_items (stripe_subscription_item_id, stripe_subscription_id, price_id, quantity, deleted, stripe_created)
select 'si_bench_' || i, sub, 'price_bench_' || p, q2, 0, (621355968000000 + created * 10000) * 2048 from bench_subs;

insert into subscription_history (stripe_subscription_id, stripe_customer_id, status, items, discounts, cancel_at_period_end,
                                  valid_from, valid_to, rank, source_event_id)
select sub, cus, 'active', '[{"item":"si_bench_' || i || '","price":"price_bench_' || p || '","quantity":' || q1 || '}]', '[]', 0,
       (621355968000000 + created * 10000) * 2048, (621355968000000 + (created + 17280000) * 10000) * 2048, 31, 'evt_bench_' || i || '_a'
from bench_subs;

insert into subscription_history (stripe_subscription_id, stripe_customer_id, status, items, discounts, cancel_at_period_end,
                                  canceled_at, ended_at, valid_from, valid_to, rank, source_event_id)
select sub, cus, case when cancels then 'canceled' else 'active' end,
       '[{"item":"si_bench_' || i || '","price":"price_bench_' || p || '","quantity":' || q2 || '}]', '[]', 0,
       case when cancels then (621355968000000 + (created + 17280000) * 10000) * 2048 end,
       case when cancels then (621355968000000 + (created + 17280000) * 10000) * 2048 end,
       (621355968000000 + (created + 17280000) * 10000) * 2048, null, 71, 'evt_bench_' || i || '_b'
from bench_subs;

insert into fx_rates (currency, quote_currency, effective_date, rate, updated_at) values ('eur', 'usd', '2023-01-01', '1.1', (select ticks from bench_now));
commit;
analyze;
