-- Trends from the metrics history: hourly buckets over the last 24 hours with the 95th
-- percentile latency, peak utilization and hour-over-hour spikes found with LAG.
-- Run:  MONGODB_URI='mongodb://127.0.0.1:27017' poolsql -f Samples/history_trends.sql

\getenv mongodb_uri MONGODB_URI

CREATE POOL trends URI :'mongodb_uri' ENVIRONMENT 'staging';
CHECK POOL trends;

-- The sampler writes one row per pool every metrics_sample_interval (default 10s) into
-- connection_pool_metrics. A real deployment already has a day of rows; this demo seeds one:
-- a sample every 5 minutes for 24 hours, with an incident about three hours ago.
INSERT INTO connection_pool_metrics
    (metric_timestamp, pool_name, environment, instance_id, total_connections, active_connections,
     available_connections, connection_utilization, avg_operation_time, p95_operation_time,
     p99_operation_time, error_rate, health_status, operations, errors)
SELECT date_trunc('minute', now()) - g * INTERVAL '5 minutes', 'trends', 'staging', 'demo-seed',
       active + 5, active, 5, active / 50.0, latency, latency * 2.5, latency * 4,
       CASE WHEN incident THEN 0.04 ELSE 0.002 END, 'healthy', 3000,
       CASE WHEN incident THEN 120 ELSE 6 END
FROM (SELECT g,
             g BETWEEN 30 AND 42 AS incident,
             10 + g % 12 + CASE WHEN g BETWEEN 30 AND 42 THEN 25 ELSE 0 END AS active,
             4.0 + (g % 7) * 0.5 + CASE WHEN g BETWEEN 30 AND 42 THEN 20 ELSE 0 END AS latency
      FROM generate_series(1, 288) AS g) AS seed;

-- Hour by hour: utilization, peak, p95 latency and the change against the previous hour.
WITH hourly AS (
    SELECT date_trunc('hour', metric_timestamp) AS hour,
           pool_name,
           AVG(connection_utilization) AS avg_utilization,
           MAX(active_connections) AS peak_active,
           PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY p95_operation_time) AS p95_ms,
           SUM(errors) AS errors
    FROM connection_pool_metrics
    WHERE metric_timestamp > now() - INTERVAL '24 hours' AND pool_name = 'trends'
    GROUP BY 1, 2
)
SELECT TO_CHAR(hour, 'YYYY-MM-DD HH24:MI') AS hour,
       ROUND(avg_utilization::NUMERIC, 2) AS utilization,
       peak_active,
       ROUND(p95_ms::NUMERIC, 1) AS p95_ms,
       ROUND((p95_ms / NULLIF(LAG(p95_ms) OVER w, 0))::NUMERIC, 2) AS p95_vs_prev_hour,
       errors,
       CASE WHEN p95_ms > 1.5 * LAG(p95_ms) OVER w THEN 'SPIKE'
            WHEN p95_ms < LAG(p95_ms) OVER w / 1.5 THEN 'recovered'
            ELSE '' END AS flag
FROM hourly
WINDOW w AS (PARTITION BY pool_name ORDER BY hour)
ORDER BY hour;

-- Only the spikes, with how much worse the hour was.
SELECT TO_CHAR(hour, 'YYYY-MM-DD HH24:MI') AS spike_hour, ROUND(p95_ms::NUMERIC, 1) AS p95_ms,
       ROUND(previous_p95::NUMERIC, 1) AS previous_p95_ms
FROM (SELECT hour, p95_ms, LAG(p95_ms) OVER (ORDER BY hour) AS previous_p95
      FROM (SELECT date_trunc('hour', metric_timestamp) AS hour,
                   PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY p95_operation_time) AS p95_ms
            FROM connection_pool_metrics
            WHERE metric_timestamp > now() - INTERVAL '24 hours' AND pool_name = 'trends'
            GROUP BY 1) AS hours) AS changes
WHERE p95_ms > 1.5 * previous_p95
ORDER BY hour;

-- The time and pool filters go into the store: only the last day's rows of one pool are read.
EXPLAIN SELECT COUNT(*) FROM connection_pool_metrics
WHERE metric_timestamp > now() - INTERVAL '24 hours' AND pool_name = 'trends';
