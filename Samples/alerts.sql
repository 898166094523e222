-- PoolSQL: an alert view over the pool table — severity, the reasons, and how stale the last
-- health check is — ready for a monitoring job to poll.
-- Run:  MONGODB_URI='mongodb://127.0.0.1:27017' poolsql -f Samples/alerts.sql
-- A job can poll it:  poolsql --format json -c "SELECT * FROM connection_pool_alerts"

\getenv mongodb_uri MONGODB_URI

-- One alert row per enabled pool with something wrong:
--   CRITICAL: the server does not answer, or the pool is paused after an error
--   HIGH:     utilization over 90 %, over 10 % errors, or checkouts that timed out
--   MEDIUM:   utilization over 70 %, slow operations or health checks, or a stale health check
CREATE OR REPLACE VIEW connection_pool_alerts AS
SELECT pool_name,
       environment,
       CASE
           WHEN health_status = 'unhealthy' OR pool_state = 'paused' THEN 'CRITICAL'
           WHEN connection_utilization > 0.9 OR error_rate > 0.1 OR checkout_timeouts > 0 THEN 'HIGH'
           ELSE 'MEDIUM'
       END AS severity,
       ARRAY_REMOVE(ARRAY[
           CASE WHEN health_status = 'unhealthy'
                THEN 'server not answering: ' || COALESCE(last_health_error, 'no detail') END,
           CASE WHEN pool_state = 'paused' THEN 'pool paused after an error' END,
           CASE WHEN connection_utilization > 0.9
                THEN 'utilization ' || ROUND(connection_utilization::NUMERIC * 100) || ' %' END,
           CASE WHEN error_rate > 0.1
                THEN 'error rate ' || ROUND(error_rate::NUMERIC * 100, 1) || ' %' END,
           CASE WHEN checkout_timeouts > 0
                THEN checkout_timeouts || ' checkouts timed out' END,
           CASE WHEN connection_utilization > 0.7 AND connection_utilization <= 0.9
                THEN 'utilization ' || ROUND(connection_utilization::NUMERIC * 100) || ' %' END,
           CASE WHEN avg_operation_time > 1000
                THEN 'operations average ' || ROUND(avg_operation_time::NUMERIC) || ' ms' END,
           CASE WHEN health_status IN ('warning', 'degraded')
                THEN 'health checks slow (' || health_status || ')' END,
           CASE WHEN EXTRACT(EPOCH FROM (now() - last_health_check)) > 3 * health_check_interval_ms / 1000.0
                THEN 'no health check for ' || ROUND(EXTRACT(EPOCH FROM (now() - last_health_check))) || ' s' END
       ], NULL) AS reasons,
       ROUND(EXTRACT(EPOCH FROM (now() - last_health_check))::NUMERIC, 1) AS seconds_since_health_check,
       last_health_check
FROM mongodb_connection_pools
WHERE enabled
  AND (health_status = 'unhealthy'
       OR pool_state = 'paused'
       OR connection_utilization > 0.7
       OR error_rate > 0.1
       OR checkout_timeouts > 0
       OR avg_operation_time > 1000
       OR health_status IN ('warning', 'degraded')
       OR EXTRACT(EPOCH FROM (now() - last_health_check)) > 3 * health_check_interval_ms / 1000.0);

-- Three pools: a healthy one, one that is too small for its traffic, and one whose server is
-- gone (port 1 refuses connections).
CREATE POOL IF NOT EXISTS checkout URI :'mongodb_uri' ENVIRONMENT 'production'
    WITH (max_pool_size = 10, app_name = 'checkout-service');
CREATE POOL IF NOT EXISTS search URI :'mongodb_uri' ENVIRONMENT 'production'
    WITH (max_pool_size = 2, wait_queue_timeout_ms = 1, app_name = 'search-service');
CREATE POOL IF NOT EXISTS legacy URI 'mongodb://127.0.0.1:1/' ENVIRONMENT 'production'
    WITH (server_selection_timeout_ms = 500, connect_timeout_ms = 500);
CHECK POOL checkout;
CHECK POOL search;
CHECK POOL legacy;

-- Traffic the small pool cannot keep up with.
RUN LOAD TEST ON POOL search SCENARIO 'alerts_demo'
    WITH (concurrency = 12, duration = '1s', operation = 'find');

-- Most severe first (CRITICAL < HIGH < MEDIUM sorts alphabetically, too).
SELECT pool_name, severity, reasons, seconds_since_health_check
FROM connection_pool_alerts
ORDER BY severity, pool_name;

-- One line per alert, as a pager or chat message would show it.
SELECT severity || ' ' || pool_name || ': ' || ARRAY_TO_STRING(reasons, '; ') AS alert
FROM connection_pool_alerts
ORDER BY severity, pool_name;

DROP POOL checkout, search, legacy;
