-- A drawing of lots is recorded only while the contest's seat allocation
-- waits on exactly that tie: results.c (lot_post) checks the tie with the
-- seat code itself, holding the election's row (SELECT ... FOR UPDATE), and
-- then calls this.  Here, as a second wall, never for an election that is
-- completed or annulled, nor with ids that are not the contest's entries.
CREATE OR REPLACE FUNCTION results_record_lot(e integer, district smallint, ids integer[], note text,
                                              who text) RETURNS json LANGUAGE sql AS $$
    INSERT INTO results_lots (contest_id, drawn_order, note, recorded_by)
    SELECT k.id, ids, note, who FROM contests k JOIN elections el ON el.id = k.election_id
     WHERE k.election_id = e
       AND el.status NOT IN ('completed', 'annulled')
       AND (CASE WHEN district IS NULL THEN k.kind = 'list' ELSE k.district_number = district END)
       AND (SELECT count(DISTINCT i) FROM unnest(ids) i) = cardinality(ids)
       AND NOT EXISTS (SELECT 1 FROM unnest(ids) i
                        WHERE NOT EXISTS (SELECT 1 FROM contest_entries x WHERE x.contest_id = k.id
                                             AND i = CASE WHEN k.kind = 'list' THEN x.party_id
                                                          ELSE x.candidate_id END))
    RETURNING json_build_object('lot', json_build_object('id', id, 'contest_id', contest_id,
        'district', district, 'drawn_order', drawn_order, 'note', note, 'recorded_at', recorded_at))
$$;

CREATE OR REPLACE FUNCTION results_lots_json(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('items', coalesce(json_agg(json_build_object('id', l.id,
               'contest_id', l.contest_id, 'kind', k.kind, 'district', k.district_number,
               'drawn_order', l.drawn_order, 'note', l.note, 'recorded_at', l.recorded_at)
               ORDER BY l.id), '[]'))
      FROM results_lots l JOIN contests k ON k.id = l.contest_id WHERE k.election_id = e
$$;

-- The seat tool's input with each contest's latest drawing as its "lot".
CREATE OR REPLACE FUNCTION results_seats_input_with_lots(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    WITH i AS (SELECT results_seats_input(e)::jsonb AS j),
         lot AS (SELECT DISTINCT ON (l.contest_id) k.kind, k.district_number, l.drawn_order
                   FROM results_lots l JOIN contests k ON k.id = l.contest_id
                  WHERE k.election_id = e ORDER BY l.contest_id, l.id DESC)
    SELECT (SELECT jsonb_set(
        CASE WHEN i.j->'list' IS NULL OR jsonb_typeof(i.j->'list') = 'null' THEN i.j
             ELSE jsonb_set(i.j, '{list}', (i.j->'list') || coalesce(
                 (SELECT jsonb_build_object('lot', to_jsonb(drawn_order)) FROM lot WHERE kind = 'list'), '{}'))
        END,
        '{districts}',
        coalesce((SELECT jsonb_agg(d || coalesce((SELECT jsonb_build_object('lot', to_jsonb(lot.drawn_order))
                                                    FROM lot WHERE lot.kind = 'district'
                                                     AND lot.district_number = (d->>'district')::smallint), '{}')
                                   ORDER BY (d->>'district')::integer)
                    FROM jsonb_array_elements(i.j->'districts') d), '[]'))::json
      FROM i)
$$;
