-- PoolSQL: look inside a pool — its servers, its connections and its CMAP/SDAM events.
-- Run:  MONGODB_URI='mongodb://127.0.0.1:27017' poolsql -f Samples/pool_internals.sql

\getenv mongodb_uri MONGODB_URI

CREATE POOL internals URI :'mongodb_uri'
    WITH (min_pool_size = 2, max_pool_size = 10, app_name = 'poolsql-internals');

-- Runs a health check now (and waits for it).
CHECK POOL internals;

-- What SDAM knows about each server, with the per-server CMAP pool's state.
SELECT server_address, server_type, set_name, max_wire_version, pool_state,
       round_trip_time_ms IS NOT NULL AS has_rtt
FROM mongodb_servers
WHERE pool_name = 'internals';

-- One row per open connection, like pg_stat_activity.
SELECT connection_id, server_address, state, generation, checkout_count, server_connection_id
FROM mongodb_connections
WHERE pool_name = 'internals'
ORDER BY connection_id;

-- The pool's lifecycle so far, CMAP events only (heartbeats left out).
SELECT event_type, connection_id, reason
FROM connection_pool_events
WHERE pool_name = 'internals'
  AND (event_type LIKE 'pool%' OR event_type LIKE 'connection%')
ORDER BY event_time
LIMIT 10;

-- Live state and the counters behind it.
SELECT pool_state, topology_type, pool_generation, max_connecting, wait_queue_length,
       checkouts_total, operations_total
FROM mongodb_connection_pools
WHERE pool_name = 'internals';

DROP POOL internals;
