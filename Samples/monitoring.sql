-- PoolSQL: watch pools — one status line per pool, what is wrong, and what to change.
-- Run:  MONGODB_URI='mongodb://127.0.0.1:27017' poolsql -f Samples/monitoring.sql
-- In the REPL, \watch-style use: re-run the status query whenever you like.

\getenv mongodb_uri MONGODB_URI

CREATE POOL IF NOT EXISTS orders URI :'mongodb_uri' ENVIRONMENT 'production'
    WITH (min_pool_size = 2, max_pool_size = 10, app_name = 'orders-service');
CREATE POOL IF NOT EXISTS reports URI :'mongodb_uri' ENVIRONMENT 'analytics'
    WITH (max_pool_size = 4, wait_queue_timeout_ms = 1, app_name = 'reports-service');
CHECK POOL orders;
CHECK POOL reports;

-- Some traffic: orders gets a gentle paced mix; reports gets more workers than connections,
-- so some of its checkouts time out.
RUN LOAD TEST ON POOL orders SCENARIO 'monitoring_demo'
    WITH (concurrency = 4, operations = 200, operation = 'mixed', target_ops_per_second = 200);
RUN LOAD TEST ON POOL reports SCENARIO 'monitoring_demo'
    WITH (concurrency = 16, duration = '1s', operation = 'insert');

-- The pool table with a status category per pool.
SELECT pool_name,
       environment,
       health_status,
       total_connections,
       active_connections,
       max_pool_size,
       ROUND(connection_utilization::NUMERIC, 2) AS utilization,
       operations_total,
       errors_total,
       checkout_timeouts,
       ROUND(avg_operation_time::NUMERIC, 2) AS avg_ms,
       CASE
           WHEN health_status = 'unhealthy' OR pool_state = 'paused' THEN 'down'
           WHEN connection_utilization > 0.9 OR error_rate > 0.1 OR checkout_timeouts > 0 THEN 'saturated'
           WHEN health_status IN ('warning', 'degraded') OR connection_utilization > 0.7 THEN 'watch'
           WHEN health_status = 'initializing' THEN 'starting'
           ELSE 'ok'
       END AS status
FROM mongodb_connection_pools
WHERE pool_name IN ('orders', 'reports')
ORDER BY pool_name;

-- Connections per pool and state.
SELECT pool_name, state, count(*) AS connections
FROM mongodb_connections
WHERE pool_name IN ('orders', 'reports')
GROUP BY pool_name, state
ORDER BY pool_name, state;

-- The kinds of events the busy pool produced lately (each pool keeps its last
-- connection_pool_event_buffer_size events).
SELECT event_type, count(*) AS events
FROM connection_pool_events
WHERE pool_name = 'reports'
GROUP BY event_type
ORDER BY events DESC, event_type
LIMIT 5;

-- What the rules suggest, most urgent first.
SELECT pool_name, category, priority, rule, current_value, suggested_value
FROM connection_pool_recommendations
WHERE pool_name IN ('orders', 'reports')
ORDER BY priority_rank, pool_name, rule;

DROP POOL orders, reports;
