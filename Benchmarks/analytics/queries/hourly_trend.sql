-- Issue 4's hourly-trend query: per pool and hour AVG, MAX, PERCENTILE_CONT(0.95), SUMs; then
-- LAG over the hours in a second CTE, a CASE classification, TO_CHAR of the hour, ORDER BY.
WITH hourly AS (
    SELECT pool_name,
           date_trunc('hour', metric_timestamp) AS hour,
           COUNT(*) AS samples,
           AVG(active_connections) AS avg_active,
           MAX(active_connections) AS max_active,
           AVG(connection_utilization) AS avg_utilization,
           MAX(connection_utilization) AS max_utilization,
           PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY avg_operation_time) AS p95_operation_ms,
           AVG(error_rate) AS avg_error_rate,
           SUM(checkout_failures) AS checkout_failures,
           SUM(connections_created) AS connections_created,
           SUM(connections_destroyed) AS connections_destroyed
    FROM metrics_history
    GROUP BY pool_name, date_trunc('hour', metric_timestamp)
),
trend AS (
    SELECT hourly.*,
           LAG(p95_operation_ms) OVER (PARTITION BY pool_name ORDER BY hour) AS prev_p95_operation_ms,
           LAG(avg_utilization) OVER (PARTITION BY pool_name ORDER BY hour) AS prev_avg_utilization
    FROM hourly
)
SELECT pool_name,
       TO_CHAR(hour, 'YYYY-MM-DD HH24:MI') AS hour_label,
       samples,
       avg_active,
       max_active,
       avg_utilization,
       max_utilization,
       p95_operation_ms,
       avg_error_rate,
       checkout_failures,
       connections_created - connections_destroyed AS net_connections,
       p95_operation_ms - prev_p95_operation_ms AS p95_change_ms,
       avg_utilization - prev_avg_utilization AS utilization_change,
       CASE
           WHEN avg_utilization > 0.85 OR checkout_failures > 20 THEN 'critical'
           WHEN prev_p95_operation_ms IS NULL THEN 'first hour'
           WHEN p95_operation_ms > 1.5 * prev_p95_operation_ms THEN 'degrading'
           WHEN p95_operation_ms < prev_p95_operation_ms / 1.5 THEN 'recovering'
           ELSE 'stable'
       END AS status
FROM trend
ORDER BY pool_name, hour;
