-- The commission works on Bishkek time: "today" for deadlines and for the
-- day's identification register is the local day, and times are shown with
-- their +06 offset.  (New connections take it; workers reconnect as needed.)
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), 'Asia/Bishkek');
END
$$;
