-- Election funds' writes and reads (migration 024).  The rules are C's
-- (cgi/rules/finance.c): the caller checks a batch against the fund's state
-- (fund_lock, in the write's transaction) and then adds it (fund_add_lines).

-- Per statement, from the rows it added (a CSV of thousands of lines is one
-- statement: one update of each total, not one per line).
CREATE OR REPLACE FUNCTION fund_lines_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fund_totals AS t (nomination_id, direction, category, amount, lines)
    SELECT nomination_id, direction, category, sum(amount), count(*) FROM fund_lines_added GROUP BY 1, 2, 3
    ON CONFLICT (nomination_id, direction, category)
    DO UPDATE SET amount = t.amount + excluded.amount, lines = t.lines + excluded.lines;
    INSERT INTO fund_donors AS d (nomination_id, donor_key, given)
    SELECT nomination_id, donor_id, sum(amount) FROM fund_lines_added
     WHERE category IN ('citizen', 'legal_entity') GROUP BY 1, 2
    ON CONFLICT (nomination_id, donor_key) DO UPDATE SET given = d.given + excluded.given;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS fund_lines_keep ON fund_lines;
CREATE TRIGGER fund_lines_keep AFTER INSERT ON fund_lines REFERENCING NEW TABLE AS fund_lines_added
    FOR EACH STATEMENT EXECUTE FUNCTION fund_lines_keep();

-- A line's public JSON (no donor's id), made once at insert.
CREATE OR REPLACE FUNCTION fund_line_json(l fund_lines) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', l.id, 'direction', l.direction, 'category', l.category,
                             'counterparty', l.counterparty, 'amount', som(l.amount), 'date', l.line_date,
                             'description', l.description)::text
$$;

CREATE OR REPLACE FUNCTION fund_lines_public() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.public_json := fund_line_json(NEW);
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS fund_lines_public ON fund_lines;
CREATE TRIGGER fund_lines_public BEFORE INSERT ON fund_lines FOR EACH ROW EXECUTE FUNCTION fund_lines_public();

-- The reports' days: the interim 10 days before voting, the final 10 days after, at 18:00 (Bishkek).
CREATE OR REPLACE FUNCTION fund_report_due(e elections, kind text) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
    SELECT ((e.date + CASE kind WHEN 'interim' THEN -10 ELSE 10 END) + time '18:00') AT TIME ZONE 'Asia/Bishkek'
$$;

-- The election's amounts, or the defaults of this system (som: citizen
-- 1,000,000; legal entity 10,000,000; a list's fund 300,000,000; a
-- candidate's 10,000,000), in tyiyn.
CREATE OR REPLACE FUNCTION fund_limits_of(election integer) RETURNS fund_limits
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT l FROM fund_limits l WHERE l.election_id = election),
                    ROW(election, 100000000, 1000000000, 30000000000, 1000000000)::fund_limits)
$$;

/*
 * The fund of a nomination, locked for a batch by actor (its party, or its
 * self-nominated candidate): the totals, the limits for its kind, the
 * campaign's days (from the nomination to the final report's day, and not
 * after today), and what each donor of donor_keys gave before, as JSON.
 */
CREATE OR REPLACE FUNCTION fund_lock(nomination bigint, donor_keys text[], actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n nominations;
    e elections;
    l fund_limits;
BEGIN
    SELECT * INTO n FROM nominations WHERE id = nomination FOR UPDATE;
    IF NOT FOUND OR nomination_role(n, actor) IS NULL THEN
        PERFORM shailoo_refuse(404, 'nomination_not_found', 'you have no nomination with this number', 'id');
    END IF;
    IF n.status IN ('draft', 'refused') THEN
        PERFORM shailoo_refuse(409, 'fund_closed', format('a %s nomination has no fund to report', n.status), NULL);
    END IF;
    IF EXISTS (SELECT 1 FROM fund_reports WHERE nomination_id = n.id AND kind = 'final') THEN
        PERFORM shailoo_refuse(409, 'fund_closed', 'the final report is filed: the fund is closed', NULL);
    END IF;
    SELECT * INTO e FROM elections WHERE id = n.election_id;
    l := fund_limits_of(e.id);
    RETURN json_build_object(
        'income', coalesce((SELECT sum(amount) FROM fund_totals WHERE nomination_id = n.id AND direction = 'income'), 0),
        'expenses', coalesce((SELECT sum(amount) FROM fund_totals WHERE nomination_id = n.id AND direction = 'expense'), 0),
        'citizen_max', l.citizen_max, 'legal_entity_max', l.legal_entity_max,
        'fund_max', CASE n.kind WHEN 'list' THEN l.list_fund_max ELSE l.district_fund_max END,
        'from', n.created_at::date, 'to', least(e.date + 10, shailoo_now()::date),
        'donors', (SELECT coalesce(json_object_agg(d.donor_key, d.given), '{}') FROM fund_donors d
                    WHERE d.nomination_id = n.id AND d.donor_key = ANY (donor_keys)));
END $$;

/*
 * Adds a checked batch of lines (a JSON array of {direction, category,
 * counterparty, donor_id, amount, date, description}), in one statement:
 * the number added.  Called after fund_lock in the same transaction.
 */
CREATE OR REPLACE FUNCTION fund_add_lines(nomination bigint, lines jsonb, batch text, actor text) RETURNS json
LANGUAGE sql AS $$
    WITH added AS (
        INSERT INTO fund_lines (nomination_id, direction, category, counterparty, donor_id, amount,
                                line_date, description, batch, created_by)
        SELECT nomination, x ->> 'direction', x ->> 'category', coalesce(x ->> 'counterparty', ''),
               nullif(x ->> 'donor_id', ''), (x ->> 'amount')::bigint, (x ->> 'date')::date,
               coalesce(x ->> 'description', ''), batch, actor
          FROM jsonb_array_elements(lines) WITH ORDINALITY AS t(x, i) ORDER BY i
        RETURNING id)
    SELECT json_build_object('nomination_id', nomination, 'added', count(*), 'first_id', min(id), 'last_id', max(id))
      FROM added
$$;

-- A report filed: a snapshot of the fund; late if after its day.
CREATE OR REPLACE FUNCTION fund_file_report(nomination bigint, kind text, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n nominations;
    e elections;
    r fund_reports;
BEGIN
    SELECT * INTO n FROM nominations WHERE id = nomination FOR UPDATE;
    IF NOT FOUND OR nomination_role(n, actor) IS NULL THEN
        PERFORM shailoo_refuse(404, 'nomination_not_found', 'you have no nomination with this number', 'id');
    END IF;
    IF kind NOT IN ('interim', 'final') THEN
        PERFORM shailoo_refuse(422, 'kind', 'a report is interim or final', 'kind');
    END IF;
    IF n.status IN ('draft', 'refused') THEN
        PERFORM shailoo_refuse(409, 'fund_closed', format('a %s nomination has no fund to report', n.status), NULL);
    END IF;
    IF EXISTS (SELECT 1 FROM fund_reports x WHERE x.nomination_id = n.id AND x.kind = fund_file_report.kind) THEN
        PERFORM shailoo_refuse(409, 'report_filed', format('the %s report is filed already', kind), 'kind');
    END IF;
    SELECT * INTO e FROM elections WHERE id = n.election_id;
    INSERT INTO fund_reports (nomination_id, kind, due_at, filed_by, income, expenses, lines, last_line_id)
    SELECT n.id, kind, fund_report_due(e, kind), actor,
           coalesce(sum(amount) FILTER (WHERE direction = 'income'), 0),
           coalesce(sum(amount) FILTER (WHERE direction = 'expense'), 0),
           coalesce(sum(lines), 0), (SELECT max(id) FROM fund_lines WHERE nomination_id = n.id)
      FROM fund_totals WHERE nomination_id = n.id
    RETURNING * INTO r;
    RETURN public_fund_json(n.id);
END $$;

-- ---------------------------------------------------------------- in public

-- Som from tyiyn, as JSON numbers with two decimals.
DROP FUNCTION IF EXISTS som(bigint);
CREATE OR REPLACE FUNCTION som(tyiyn numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$ SELECT round(tyiyn / 100.0, 2) $$;

-- (PL/pgSQL, here and in nomination_deposit_refund: its plans are kept from call to call, where an SQL
-- function that cannot be inlined is planned on every call: 0.6 of the 1.2 ms of a fund's totals.)
CREATE OR REPLACE FUNCTION fund_reports_json(n nominations) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_agg(json_build_object('kind', k.kind, 'due_at', fund_report_due(e, k.kind),
               'filed_at', r.filed_at, 'late', coalesce(r.filed_at, shailoo_now()) > fund_report_due(e, k.kind),
               'missing', r.id IS NULL AND shailoo_now() > fund_report_due(e, k.kind),
               'income', som(r.income), 'expenses', som(r.expenses), 'lines', r.lines) ORDER BY k.i)
      FROM elections e
      CROSS JOIN (VALUES (1, 'interim'), (2, 'final')) k(i, kind)
      LEFT JOIN fund_reports r ON r.nomination_id = n.id AND r.kind = k.kind
     WHERE e.id = n.election_id);
END $$;

-- A fund in public: whose, the totals by source and item, the reports.
CREATE OR REPLACE FUNCTION public_fund_json(nomination bigint) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object(
        'nomination_id', n.id, 'election_id', n.election_id, 'kind', n.kind, 'district', n.district_number,
        'party', (SELECT json_build_object('id', p.id, 'short_name', p.short_name) FROM parties p WHERE p.id = n.party_id),
        'candidate', CASE WHEN n.kind = 'district' THEN (SELECT concat_ws(' ', k.last_name, k.first_name, k.patronymic)
                       FROM nomination_candidates c JOIN candidates k ON k.id = c.candidate_id
                      WHERE c.nomination_id = n.id AND c.position = 1) END,
        'income', som(coalesce((SELECT sum(amount) FROM fund_totals WHERE nomination_id = n.id AND direction = 'income'), 0)),
        'expenses', som(coalesce((SELECT sum(amount) FROM fund_totals WHERE nomination_id = n.id AND direction = 'expense'), 0)),
        'lines', coalesce((SELECT sum(lines) FROM fund_totals WHERE nomination_id = n.id), 0),
        'by_source', (SELECT coalesce(json_object_agg(category, som(amount) ORDER BY category), '{}')
                        FROM fund_totals WHERE nomination_id = n.id AND direction = 'income'),
        'by_item', (SELECT coalesce(json_object_agg(category, som(amount) ORDER BY category), '{}')
                      FROM fund_totals WHERE nomination_id = n.id AND direction = 'expense'),
        'reports', fund_reports_json(n),
        'deposit', nomination_deposit_refund(n))
      FROM nominations n WHERE n.id = nomination AND n.status <> 'draft');
END $$;

-- The funds of an election: every submitted nomination's totals and reports (the parties' first).
CREATE OR REPLACE FUNCTION public_funds_json(election integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election_id', election, 'items', coalesce(json_agg(public_fund_json(n.id)
               ORDER BY n.kind DESC, n.party_id NULLS LAST, n.district_number, n.id), '[]'))
      FROM elections e LEFT JOIN nominations n ON n.election_id = e.id AND n.status NOT IN ('draft', 'refused')
     WHERE e.id = election
     GROUP BY e.id
$$;

-- A fund's lines, a page after the line numbered after (keyset: no counting).  No donor's PIN or number.
-- (text, not json: json would parse the page again only to check it; each line's JSON was checked once.)
DROP FUNCTION IF EXISTS public_fund_lines_json(bigint, text, bigint, integer);
CREATE FUNCTION public_fund_lines_json(nomination bigint, direction text, after bigint, lim integer)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    texts text[];
    ids bigint[];
    more boolean;
BEGIN
    -- (PL/pgSQL keeps the plan from call to call; each line's JSON was made at insert.)
    IF NOT EXISTS (SELECT 1 FROM nominations n WHERE n.id = nomination AND n.status <> 'draft') THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(j ORDER BY id), array_agg(id ORDER BY id) INTO texts, ids
      FROM (SELECT l.id, coalesce(l.public_json, fund_line_json(l)) AS j FROM fund_lines l
             WHERE l.nomination_id = nomination AND l.id > after
               AND (public_fund_lines_json.direction IS NULL OR l.direction = public_fund_lines_json.direction)
             ORDER BY l.id LIMIT lim + 1) p;
    more := coalesce(cardinality(texts), 0) > lim;   -- one line more than the page: there is a next page
    IF more THEN
        texts := texts[1:lim];
        ids := ids[1:lim];
    END IF;
    RETURN format('{"nomination_id":%s,"items":[%s],"next":%s}', nomination,
                  coalesce(array_to_string(texts, ','), ''),
                  CASE WHEN more THEN ids[lim]::text ELSE 'null' END);
END $$;

CREATE OR REPLACE FUNCTION public_fund_lines_csv(nomination bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT 'id,direction,category,counterparty,amount,date,description' || E'\n'
           || coalesce(string_agg(concat_ws(',', l.id, l.direction, l.category, csv_field(l.counterparty),
                  som(l.amount), l.line_date, csv_field(l.description)), E'\n' ORDER BY l.id) || E'\n', '')
      FROM fund_lines l
     WHERE l.nomination_id = nomination
    HAVING EXISTS (SELECT 1 FROM nominations n WHERE n.id = nomination AND n.status <> 'draft')
$$;

-- ---------------------------------------------------------------- the deposit's return

/*
 * What becomes of a nomination's deposit (DOMAIN.md): returned to a list
 * with at least 5% of the participants' votes nationwide, or to a district
 * candidate with 5% in the district (participants: the ballots found in the
 * boxes), once every station has reported and the final finance report is
 * filed; forfeited below 5%.  Computed from the results as they stand.
 */
CREATE OR REPLACE FUNCTION nomination_deposit_refund(n nominations) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (WITH k AS (
        SELECT c.id FROM contests c
         WHERE c.election_id = n.election_id AND c.kind = n.kind
           AND c.district_number IS NOT DISTINCT FROM n.district_number),
    entry AS (
        SELECT x.ballot_position FROM contest_entries x JOIN k ON x.contest_id = k.id
         WHERE CASE n.kind WHEN 'list' THEN x.party_id = n.party_id
                ELSE x.candidate_id = (SELECT c.candidate_id FROM nomination_candidates c
                                        WHERE c.nomination_id = n.id AND c.position = 1) END),
    r AS (
        SELECT a.in_boxes, coalesce(a.votes[e.ballot_position], 0) AS votes,
               a.stations_reported = a.stations_total AND a.stations_total > 0 AS complete
          FROM area_results a JOIN k ON a.contest_id = k.id CROSS JOIN entry e
         WHERE a.area = 0)
    SELECT json_build_object(
        'amount', n.deposit -> 'amount', 'threshold_percent', 5,
        'share_percent', (SELECT round(100.0 * votes / nullif(in_boxes, 0), 2) FROM r),
        'results_complete', coalesce((SELECT complete FROM r), false),
        'final_report_filed', EXISTS (SELECT 1 FROM fund_reports f WHERE f.nomination_id = n.id AND f.kind = 'final'),
        'outcome', CASE
            WHEN n.deposit IS NULL THEN 'no_deposit'
            WHEN n.status <> 'registered' THEN 'not_on_ballot'
            WHEN NOT coalesce((SELECT complete AND in_boxes > 0 FROM r), false) THEN 'awaiting_results'
            WHEN (SELECT votes * 100 < 5 * in_boxes FROM r) THEN 'forfeited'
            WHEN NOT EXISTS (SELECT 1 FROM fund_reports f WHERE f.nomination_id = n.id AND f.kind = 'final')
                THEN 'awaiting_final_report'
            ELSE 'returned' END));
END $$;

-- ---------------------------------------------------------------- the limits of an election

CREATE OR REPLACE FUNCTION fund_limits_json(election integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election_id', e.id, 'set', EXISTS (SELECT 1 FROM fund_limits f WHERE f.election_id = e.id),
        'citizen_max', som(l.citizen_max), 'legal_entity_max', som(l.legal_entity_max),
        'list_fund_max', som(l.list_fund_max), 'district_fund_max', som(l.district_fund_max),
        'currency', 'KGS')
      FROM elections e, fund_limits_of(e.id) l WHERE e.id = election
$$;

-- The CEC sets an election's amounts (whole som); the funds' rules use them from then on.
CREATE OR REPLACE FUNCTION fund_limits_set(election integer, citizen_max bigint, legal_entity_max bigint,
                                           list_fund_max bigint, district_fund_max bigint, actor text) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM staff_roles WHERE pin = actor AND role = 'cec_admin') THEN
        PERFORM shailoo_refuse(403, 'forbidden', 'the CEC sets the funds'' limits', NULL);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM elections WHERE id = election) THEN
        PERFORM shailoo_refuse(404, 'election_not_found', 'there is no such election', 'id');
    END IF;
    INSERT INTO fund_limits AS f (election_id, citizen_max, legal_entity_max, list_fund_max, district_fund_max)
    VALUES (election, citizen_max * 100, legal_entity_max * 100, list_fund_max * 100, district_fund_max * 100)
    ON CONFLICT (election_id) DO UPDATE SET citizen_max = excluded.citizen_max,
        legal_entity_max = excluded.legal_entity_max, list_fund_max = excluded.list_fund_max,
        district_fund_max = excluded.district_fund_max;
    RETURN fund_limits_json(election);
END $$;
