-- PoolSQL: load-test a pool with four scenarios and rate each run against its targets.
-- Run:  MONGODB_URI='mongodb://127.0.0.1:27017' poolsql -f Samples/load_test.sql
-- Each scenario runs for LOAD_TEST_DURATION (default 2s, enough for CI); use minutes for real
-- sizing, e.g.  LOAD_TEST_DURATION='5min' poolsql -f Samples/load_test.sql
-- In the REPL a live progress line shows while a test runs, and Ctrl-C stops it (the partial
-- result is kept).

\getenv mongodb_uri MONGODB_URI
\set duration 2s
\getenv duration LOAD_TEST_DURATION

CREATE POOL IF NOT EXISTS load_demo URI :'mongodb_uri' ENVIRONMENT 'staging'
    WITH (max_pool_size = 20, wait_queue_timeout_ms = 2000, app_name = 'poolsql-load-test');
CHECK POOL load_demo;

-- Everyday traffic: a few workers, a paced mix of reads and writes.
RUN LOAD TEST ON POOL load_demo SCENARIO 'normal_load'
    WITH (concurrency = 5, duration = :'duration', operation = 'mixed', target_ops_per_second = 100);

-- The busiest hour: four times the rate, more workers.
RUN LOAD TEST ON POOL load_demo SCENARIO 'peak_load'
    WITH (concurrency = 20, duration = :'duration', operation = 'mixed', target_ops_per_second = 400);

-- More workers than connections, as fast as they can: where does the pool give in?
RUN LOAD TEST ON POOL load_demo SCENARIO 'stress_test'
    WITH (concurrency = 40, duration = :'duration', operation = 'write_heavy');

-- A long steady stream of reads.
RUN LOAD TEST ON POOL load_demo SCENARIO 'sustained_read'
    WITH (concurrency = 10, duration = :'duration', operation = 'read_only', target_ops_per_second = 200);

-- What each scenario has to reach, next to what it did. Ratings:
--   excellent: target rate met, p95 within target, (almost) no errors
--   good:      80 % of the rate, p95 within twice the target, under 1 % errors
--   acceptable: under 5 % errors
--   poor:      anything worse
CREATE OR REPLACE VIEW load_test_ratings AS
SELECT r.test_id,
       r.scenario_name,
       r.concurrent_connections,
       ROUND(r.actual_operations_per_second::NUMERIC, 1) AS ops_per_second,
       t.target_ops_per_second,
       ROUND(r.p95_response_time_ms::NUMERIC, 2) AS p95_ms,
       t.target_p95_ms,
       ROUND(r.success_rate::NUMERIC, 2) AS success_rate,
       r.peak_connections_used,
       ROUND(r.connection_utilization_peak::NUMERIC, 2) AS utilization_peak,
       CASE
           WHEN r.success_rate >= 99.9
                AND r.actual_operations_per_second >= 0.95 * t.target_ops_per_second
                AND r.p95_response_time_ms <= t.target_p95_ms THEN 'excellent'
           WHEN r.success_rate >= 99
                AND r.actual_operations_per_second >= 0.8 * t.target_ops_per_second
                AND r.p95_response_time_ms <= 2 * t.target_p95_ms THEN 'good'
           WHEN r.success_rate >= 95 THEN 'acceptable'
           ELSE 'poor'
       END AS rating
FROM load_test_results AS r
JOIN (VALUES ('normal_load',     100, 50.0),
             ('peak_load',       400, 100.0),
             ('stress_test',     300, 250.0),
             ('sustained_read',  200, 50.0))
     AS t (scenario_name, target_ops_per_second, target_p95_ms)
  ON t.scenario_name = r.scenario_name
WHERE r.pool_name = 'load_demo';

-- The latest run of each scenario (load_test_results keeps every run).
SELECT DISTINCT ON (scenario_name)
       scenario_name, concurrent_connections, ops_per_second, target_ops_per_second,
       p95_ms, target_p95_ms, success_rate, utilization_peak, rating
FROM load_test_ratings
ORDER BY scenario_name, test_id DESC;

-- What the runs suggest changing.
SELECT category, priority, rule, current_value, suggested_value
FROM connection_pool_recommendations
WHERE pool_name = 'load_demo'
ORDER BY priority_rank, rule;

DROP POOL load_demo;
