-- PoolSQL quick start: create a pool, size it with SET, look at it.
-- Run:  MONGODB_URI='mongodb://127.0.0.1:27017' poolsql -f Samples/quickstart.sql

-- psql-style: read the server's URI from the environment into a variable.
\getenv mongodb_uri MONGODB_URI

CREATE POOL quickstart URI :'mongodb_uri' ENVIRONMENT 'development'
    WITH (min_pool_size = 1, app_name = 'poolsql-quickstart');

-- The default for every pool without its own max_pool_size, applied to the live pools.
SET connection_pool_max_size = 50;
SHOW connection_pool_max_size;

-- Wait for the first health check, then look at the pool.
CHECK POOL quickstart;

SELECT pool_name, environment, max_pool_size, min_pool_size, health_status
FROM mongodb_connection_pools
WHERE pool_name = 'quickstart';

SELECT pool_name,
       total_connections,
       active_connections,
       ROUND(connection_utilization::NUMERIC, 2) AS utilization,
       CASE
           WHEN health_status = 'healthy' AND connection_utilization < 0.8 THEN 'ok'
           WHEN health_status IN ('warning', 'degraded') THEN 'check'
           ELSE 'act now'
       END AS status
FROM mongodb_connection_pools
ORDER BY pool_name;

-- Where each pool setting's value comes from.
SELECT name, setting, source FROM connection_pool_settings
WHERE name LIKE 'connection_pool_%_size'
ORDER BY name;

-- Put some traffic through it: 200 pings from 4 worker threads. (In the REPL a progress line
-- shows while it runs; Ctrl-C stops it and keeps what ran.)
RUN LOAD TEST ON POOL quickstart SCENARIO 'first_test'
    WITH (concurrency = 4, operations = 200, operation = 'ping');

-- Every run is kept in load_test_results.
SELECT scenario_name, total_operations, success_rate, peak_connections_used
FROM load_test_results
WHERE pool_name = 'quickstart'
ORDER BY test_id DESC
LIMIT 1;

-- What PoolSQL suggests for the pool, given its statistics and that test.
SELECT category, priority, rule
FROM connection_pool_recommendations
WHERE pool_name = 'quickstart'
ORDER BY priority_rank, rule;

DROP POOL quickstart;
