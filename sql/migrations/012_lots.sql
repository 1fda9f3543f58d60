-- Drawings of lots (DOMAIN.md, "Seat allocation": exact ties are broken by
-- lot, recorded).  The CEC records the order a drawing put the tied parties
-- (or a district's tied candidates) in; the seat allocation of the results
-- API uses a contest's latest drawing.  Every drawing is kept and public.
CREATE TABLE results_lots (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contest_id  integer NOT NULL REFERENCES contests,
    drawn_order integer[] NOT NULL CHECK (cardinality(drawn_order) BETWEEN 2 AND 64),
    note        text NOT NULL CHECK (note <> '' AND length(note) <= 500),
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX results_lots_contest ON results_lots (contest_id, id DESC);

-- Records a drawing for the list contest (district NULL) or a district's
-- contest; NULL when the ids are not all entries of that contest, or repeat.
CREATE FUNCTION results_record_lot(e integer, district smallint, ids integer[], note text,
                                   who text) RETURNS json LANGUAGE sql AS $$
    INSERT INTO results_lots (contest_id, drawn_order, note, recorded_by)
    SELECT k.id, ids, note, who FROM contests k
     WHERE k.election_id = e
       AND (CASE WHEN district IS NULL THEN k.kind = 'list' ELSE k.district_number = district END)
       AND (SELECT count(DISTINCT i) FROM unnest(ids) i) = cardinality(ids)
       AND NOT EXISTS (SELECT 1 FROM unnest(ids) i
                        WHERE NOT EXISTS (SELECT 1 FROM contest_entries x WHERE x.contest_id = k.id
                                             AND i = CASE WHEN k.kind = 'list' THEN x.party_id
                                                          ELSE x.candidate_id END))
    RETURNING json_build_object('lot', json_build_object('id', id, 'contest_id', contest_id,
        'district', district, 'drawn_order', drawn_order, 'note', note, 'recorded_at', recorded_at))
$$;

CREATE FUNCTION results_lots_json(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('items', coalesce(json_agg(json_build_object('id', l.id,
               'contest_id', l.contest_id, 'kind', k.kind, 'district', k.district_number,
               'drawn_order', l.drawn_order, 'note', l.note, 'recorded_at', l.recorded_at)
               ORDER BY l.id), '[]'))
      FROM results_lots l JOIN contests k ON k.id = l.contest_id WHERE k.election_id = e
$$;

-- The seat tool's input with each contest's latest drawing as its "lot".
CREATE FUNCTION results_seats_input_with_lots(e integer) RETURNS json LANGUAGE sql STABLE AS $$
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
