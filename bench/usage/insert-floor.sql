-- PostgreSQL's own cost per usage row, inside the server (no client, no network, no Tally): 1,000-row
-- INSERT ... SELECT statements timed with clock_timestamp(), into the migrated usage_records and into
-- copies of it with fewer indexes. Run by bench/usage-floor.sh after `Tally.Api.dll migrate`.
\set ON_ERROR_STOP 1
CREATE TABLE floor_none (LIKE usage_records INCLUDING DEFAULTS);
CREATE TABLE floor_unique (LIKE usage_records INCLUDING DEFAULTS);
ALTER TABLE floor_unique ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX ON floor_unique (user_id, idempotency_key);
CREATE SEQUENCE floor_ids;

-- The rows: 1,000 customers and items, unique keys of the length clients send (a UUID plus a prefix).
CREATE TABLE floor_input AS
SELECT r, (g % 1000) + 1 AS user_id, 'cus_bench' || (g % 1000) AS customer, 'si_bench' || (g % 1000) AS item,
       'report-' || r || '-' || g || '-' || md5(r::text || g::text) AS key, md5(g::text) AS hash
FROM generate_series(1, :rounds + 5) r, generate_series(1, 1000) g;
CREATE INDEX ON floor_input (r);
ANALYZE floor_input;

CREATE FUNCTION floor_insert(target text, first int, rounds int) RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE started timestamptz; total double precision := 0;
BEGIN
  FOR r IN first..first + rounds - 1 LOOP
    started := clock_timestamp();
    EXECUTE format($sql$
      INSERT INTO %I (id, user_id, stripe_customer_id, stripe_subscription_item_id, meter_event_name, meter_id, quantity, "timestamp",
                      period_start, period_end, late, kind, status, idempotency_key, request_hash, created_at)
      SELECT nextval('floor_ids'), user_id, customer, item, 'api_calls', 'mtr_bench', 1, now(), date_trunc('month', now()),
             date_trunc('month', now()) + interval '1 month', false, 'report', 'pending', key, hash, now()
      FROM floor_input WHERE r = $1
      ON CONFLICT DO NOTHING$sql$, target) USING r;
    total := total + extract(epoch FROM clock_timestamp() - started);
  END LOOP;
  RETURN round((total * 1e6 / (rounds * 1000))::numeric, 1);
END $$;

-- Warm-up, then each table in turn on its own keys; microseconds per row.
SELECT floor_insert('floor_none', 1, 5) AS warm_up \gset
SELECT 'no index' AS "table", floor_insert('floor_none', 6, :rounds) AS us_per_row
UNION ALL SELECT 'primary key + unique (user_id, idempotency_key) only', floor_insert('floor_unique', 6, :rounds)
UNION ALL SELECT 'usage_records as migrated (six indexes)', floor_insert('usage_records', 6, :rounds);
