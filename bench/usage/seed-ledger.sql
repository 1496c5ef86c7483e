-- Ledger rows for bench/usage-rows.sh, generated in SQL: :n rows over 1,000 users. User :user (the
-- bench's editor, with a real metered subscription item :item in the period starting :period_start)
-- gets :own of them, spread over the current period and its statuses; the other users' rows are on
-- items of their own. Ids come from the table's identity; keys are unique per user. The secondary
-- indexes are dropped for the load and built again afterwards from their own definitions (faster
-- than maintaining them row by row; the end state is the migrated schema).
\set ON_ERROR_STOP on
SET maintenance_work_mem = '512MB';
CREATE TEMP TABLE bench_indexes AS
    SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'usage_records' AND indexname <> 'pk_usage_records';
DO $$ DECLARE i record; BEGIN
    FOR i IN SELECT * FROM bench_indexes LOOP EXECUTE 'DROP INDEX ' || quote_ident(i.indexname); END LOOP;
END $$;
INSERT INTO usage_records (user_id, stripe_customer_id, stripe_subscription_item_id, meter_event_name, meter_id, quantity, "timestamp",
    period_start, period_end, late, kind, status, idempotency_key, request_hash, metadata, note, actor, batch_id, created_at, reported_at)
SELECT CASE WHEN g <= :own THEN :user ELSE 1000000 + (g % 999) END,
       CASE WHEN g <= :own THEN :'customer' ELSE 'cus_bench' || (g % 999) END,
       CASE WHEN g <= :own THEN :'item' ELSE 'si_bench' || (g % 999) END,
       'bench_event', 'mtr_bench', 1 + (g % 5),
       :'period_start'::timestamptz + ((g % 86400) * interval '1 second'),
       :'period_start'::timestamptz, :'period_end'::timestamptz, false, 'report',
       CASE g % 10 WHEN 0 THEN 'pending' WHEN 1 THEN 'failed' ELSE 'reported' END,
       'seed-' || g, NULL, NULL, NULL, NULL,
       CASE WHEN g % 10 IN (0, 1) THEN NULL ELSE 'tally-usage-seed-' || (g / 1000) END,
       :'period_start'::timestamptz + ((g % 86400) * interval '1 second'), NULL
FROM generate_series(1, :n) AS g;
DO $$ DECLARE i record; BEGIN
    FOR i IN SELECT * FROM bench_indexes LOOP EXECUTE i.indexdef; END LOOP;
END $$;
ANALYZE usage_records;
