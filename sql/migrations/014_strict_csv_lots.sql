-- Issue 8 (an outside security review): CSV cells that cannot become
-- formulas, and drawings of lots accepted only for a tie that exists.

-- A CSV cell.  A text a spreadsheet would read as a formula (starting with
-- =, +, -, @, a tab or a carriage return) gets a leading single quote, as
-- OWASP's "CSV Injection" advises; then RFC 4180 quoting as before.  The
-- exports' only text cells are names (results_csv); numbers never pass here.
CREATE OR REPLACE FUNCTION results_csv_field(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN t ~ '[",\r\n]' THEN '"' || replace(t, '"', '""') || '"' ELSE t END
      FROM (SELECT CASE WHEN s ~ '^[-=+@\t\r]' THEN '''' || s ELSE coalesce(s, '') END AS t) x
$$;

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
