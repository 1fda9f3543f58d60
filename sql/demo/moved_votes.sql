-- The demo's manual counts that differ from the ASU's (results_past.sql,
-- protocols_night.sql, included with \ir): a station's contests (fig, as
-- results_station_contests_json() gives them) with `moved` votes moved from
-- the first entry of the first contest to the second; the first party's
-- preference votes still add up to at most its votes.  fig unchanged when it cannot be.
CREATE OR REPLACE FUNCTION pg_temp.demo_moved(fig jsonb, moved integer) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF moved <= 0 OR (fig->0->'votes'->>0)::integer < moved OR jsonb_array_length(fig->0->'votes') < 2 THEN
        RETURN fig;
    END IF;
    fig := jsonb_set(jsonb_set(fig, '{0,votes,0}', to_jsonb((fig->0->'votes'->>0)::integer - moved)),
                     '{0,votes,1}', to_jsonb((fig->0->'votes'->>1)::integer + moved));
    -- The first party's preference votes add up to at most its votes: each place keeps what is left
    -- of them after the places before it.
    IF fig->0 ? 'preferences' THEN
        fig := jsonb_set(fig, '{0,preferences,0}',
                         (SELECT coalesce(jsonb_agg(least(q.p, greatest(0, (fig->0->'votes'->>0)::integer - q.before))
                                                    ORDER BY q.i), '[]')
                            FROM (SELECT p::integer AS p, i,
                                         coalesce(sum(p::integer) OVER (ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING
                                                                        AND 1 PRECEDING), 0) AS before
                                    FROM jsonb_array_elements_text(fig->0->'preferences'->0) WITH ORDINALITY x(p, i)) q));
    END IF;
    RETURN fig;
END $$;

-- A station's manual count as the demo enters it, through protocol_enter():
-- version 1 the station's ASU figures with `moved` votes moved (demo_moved),
-- and when `correct` and something moved, version 2 a day after `at` (NULL:
-- now) putting the ASU's figures back after a recount (reason).  resum:
-- protocol_enter's.  A version refused stops the demo's load.
CREATE OR REPLACE FUNCTION pg_temp.demo_manual_count(e integer, n integer, moved integer, correct boolean,
                                                     at timestamptz, resum boolean, reason text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    asu jsonb := results_station_contests_json(e, n);
    fig jsonb := pg_temp.demo_moved(asu, moved);
    pin text := lpad((90000000000000 + n)::text, 14, '0');
    st text;
BEGIN
    st := protocol_enter(e, n, pin, 'Секретарь УИК №' || n, 'station_secretary', fig, NULL, NULL, at, resum)->>'status';
    IF st <> 'accepted' THEN
        RAISE EXCEPTION 'the manual count of station % in election %: %', n, e, st;
    END IF;
    IF correct AND fig <> asu THEN
        st := protocol_enter(e, n, pin, 'Секретарь УИК №' || n, 'station_secretary', asu, reason, NULL,
                             at + interval '1 day', resum)->>'status';
        IF st <> 'accepted' THEN
            RAISE EXCEPTION 'the correction of station % in election %: %', n, e, st;
        END IF;
    END IF;
END $$;
