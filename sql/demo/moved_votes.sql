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
