-- The fixture tables of Tests/PoolSQLEngineTests/Fixtures.swift, for PostgreSQL 15. The
-- differential tests (DifferentialTests.swift) load this file once per run into the `public`
-- schema of a fresh database; each .slt file then runs in its own schema in front of it.
-- Keep it in step with Fixtures.swift: metrics_history.slt checks both engines hold the same rows.

CREATE TABLE pools (
    pool_name text NOT NULL,
    environment text,
    max_size integer,
    in_use integer,
    wait_ms double precision,
    created_at timestamp,
    enabled boolean,
    ratio numeric
);

INSERT INTO pools VALUES
    ('orders', 'prod', 100, 42, 12.5, '2026-01-01 10:00:00', true, 0.42),
    ('billing', 'prod', 50, 50, 250.75, '2026-01-02 11:30:00', true, 1.00),
    ('search', 'staging', 20, 0, NULL, '2026-01-03 00:00:00', false, 0.00),
    ('analytics', 'dev', NULL, 3, 0.25, NULL, NULL, NULL),
    ('Inventory', 'prod', 10, 7, 1.5, '2025-12-31 23:59:59.5', true, 0.70);

-- Four pools × 96 samples, one every 15 minutes over 2026-01-14. Every value comes from integer
-- arithmetic on (p, i); doubles are an integer divided by a power of ten, which IEEE division
-- rounds the same way in PostgreSQL and Swift. Fixtures.metricsHistoryRows mirrors this formula.
CREATE TABLE metrics_history (
    metric_timestamp timestamp NOT NULL,
    pool_name text NOT NULL,
    active_connections integer,
    connection_utilization double precision,
    avg_operation_time double precision,
    error_rate double precision,
    checkout_failures integer,
    connections_created integer,
    connections_destroyed integer
);

INSERT INTO metrics_history
SELECT timestamp '2026-01-14 00:00:00' + i * interval '15 minutes',
       (ARRAY['orders', 'billing', 'search', 'analytics'])[p],
       (i * 7 + p * 13) % 40 + p * 5,
       ((i * 37 + p * 11) % 101)::float8 / 100,
       CASE WHEN (i + p) % 23 = 0 THEN NULL ELSE ((i * i * 3 + p * 17) % 5000 + p * 100)::float8 / 10 END,
       CASE WHEN i % 31 = p THEN 250::float8 / 1000 ELSE ((i * 13 + p * 29) % 50)::float8 / 1000 END,
       CASE WHEN (i * 3 + p) % 7 = 0 THEN i % 5 ELSE 0 END,
       (i * 5 + p * 3) % 9,
       (i * 2 + p) % 6
FROM generate_series(1, 4) AS p, generate_series(0, 95) AS i
ORDER BY p, i;
