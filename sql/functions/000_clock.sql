-- The clock of Talapker's writes: now(), or the time the demo says.  The
-- demo (sql/demo/talapker.sql) replays a campaign on its own dates by
-- SET LOCAL shailoo.now = '...' around each write; the application never
-- sets it, so for every request this is now().  Applied before the
-- migrations too: column defaults name it.
CREATE OR REPLACE FUNCTION shailoo_now() RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('shailoo.now', true), '')::timestamptz, now())
$$;
