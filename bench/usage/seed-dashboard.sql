-- Ledger rows for bench/usage-dashboard.sh, generated in SQL: :n rows over 1,000 customers, created
-- evenly over the 24 hours before now (so the last hour holds about :n / 24), all in a billing period
-- that holds now (the worst case for top_customers: a month's usage is one period). 80 % reported
-- 0-29 s after creation, 10 % pending, 10 % failed; one in 1,000 a correction, one in 500 late.
-- Secondary indexes are dropped for the load and rebuilt from their own definitions, as in seed-ledger.sql.
\set ON_ERROR_STOP on
SET maintenance_work_mem = '512MB';
CREATE TEMP TABLE bench_indexes AS
    SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'usage_records' AND indexname <> 'pk_usage_records';
DO $$ DECLARE i record; BEGIN
    FOR i IN SELECT * FROM bench_indexes LOOP EXECUTE 'DROP INDEX ' || quote_ident(i.indexname); END LOOP;
END $$;
INSERT INTO usage_records (user_id, stripe_customer_id, stripe_subscription_item_id, meter_event_name, meter_id, quantity, "timestamp",
    period_start, period_end, late, kind, status, idempotency_key, request_hash, metadata, note, actor, batch_id, created_at, reported_at)
SELECT 1000000 + (g % 1000), 'cus_bench' || (g % 1000), 'si_bench' || (g % 1000), 'bench_event', 'mtr_bench', 1 + (g % 5),
       c.at, now() - interval '10 days', now() + interval '20 days', g % 500 = 3,
       CASE WHEN g % 1000 = 7 THEN 'correction' ELSE 'report' END,
       CASE g % 10 WHEN 0 THEN 'pending' WHEN 1 THEN 'failed' ELSE 'reported' END,
       'seed-' || g, NULL, NULL, CASE WHEN g % 1000 = 7 THEN 'bench correction' END, CASE WHEN g % 1000 = 7 THEN 'bench@example.com' END,
       CASE WHEN g % 10 IN (0, 1) THEN NULL ELSE 'tally-usage-seed-' || (g / 1000) END,
       c.at, CASE WHEN g % 10 IN (0, 1) THEN NULL ELSE c.at + (g % 30) * interval '1 second' END
FROM generate_series(1, :n) AS g, LATERAL (SELECT now() - interval '24 hours' + (g::float8 / :n) * interval '24 hours' AS at) c;
DO $$ DECLARE i record; BEGIN
    FOR i IN SELECT * FROM bench_indexes LOOP EXECUTE i.indexdef; END LOOP;
END $$;
ANALYZE usage_records;
