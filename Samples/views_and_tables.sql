-- Views over the pool tables, a scratch table, and COPY.
-- Run:  MONGODB_URI='mongodb://127.0.0.1:27017' poolsql -f Samples/views_and_tables.sql
-- Views are kept in the data directory (--data-dir, $POOLSQL_DATA_DIR, else
-- ~/.local/share/poolsql), so a later poolsql still has them; OR REPLACE makes this rerunnable.

\getenv mongodb_uri MONGODB_URI

CREATE POOL IF NOT EXISTS views_sample URI :'mongodb_uri' ENVIRONMENT 'development'
    WITH (min_pool_size = 1);
CHECK POOL views_sample;

-- A view over a built-in table, and a view over that view.
CREATE OR REPLACE VIEW pool_load AS
SELECT pool_name, environment, total_connections, max_pool_size,
       ROUND(connection_utilization::NUMERIC, 2) AS utilization
FROM mongodb_connection_pools;

CREATE OR REPLACE VIEW development_pools AS
SELECT pool_name, total_connections, utilization FROM pool_load WHERE environment = 'development';

SELECT * FROM development_pools WHERE pool_name = 'views_sample';

-- EXPLAIN shows the views expanded and the filters that reached the table scan.
EXPLAIN SELECT * FROM development_pools WHERE pool_name = 'views_sample';

-- A scratch table for thresholds, joined with the view.
CREATE TABLE thresholds (environment text NOT NULL, max_utilization numeric(3, 2) DEFAULT 0.80);
INSERT INTO thresholds (environment) VALUES ('development');
INSERT INTO thresholds VALUES ('production', 0.70);

SELECT l.pool_name, l.utilization, t.max_utilization,
       l.utilization > t.max_utilization AS over_threshold
FROM pool_load l JOIN thresholds t USING (environment)
WHERE l.pool_name = 'views_sample';

-- COPY writes CSV (here to standard output); COPY … FROM loads it back, all rows or none.
COPY thresholds TO '/dev/stdout' WITH (FORMAT csv, HEADER);

DROP TABLE thresholds;
DROP POOL views_sample;
