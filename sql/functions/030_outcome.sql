-- The outcome of the contests decided by a majority or by a council's seats
-- (migration 029; cgi/api/outcome.c applies cgi/rules/majority.c and
-- seats_allocate_council): each contest's figures as the rules take them,
-- for the ASU's count and the official one.

-- A contest's area: a council's region, else the country.
CREATE OR REPLACE FUNCTION contest_area(k contests) RETURNS smallint LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN k.kind = 'council' THEN (SELECT c.region_id FROM councils c WHERE c.id = k.council_id)
                WHEN k.kind = 'district' THEN 100 + k.district_number
                ELSE 0 END::smallint
$$;

-- A contest's area figures as the rules take them: participants, voters,
-- against all, each entry's id (party, candidate; a referendum's answers:
-- 1 yes, 2 no) and votes, in ballot order.
CREATE OR REPLACE FUNCTION outcome_figures_json(k contests, a area_results) RETURNS json
LANGUAGE sql STABLE STRICT AS $$
    SELECT json_build_object('stations', json_build_object('total', a.stations_total, 'reported', a.stations_reported),
        'voters', a.voters, 'participants', a.in_boxes, 'against_all', a.against_all,
        'entries', (SELECT coalesce(json_agg(json_build_object(
                        'id', coalesce(x.candidate_id, x.party_id, CASE x.answer WHEN 'yes' THEN 1 ELSE 2 END),
                        'answer', x.answer, 'withdrawn', x.withdrawn,
                        'votes', coalesce(a.votes[x.ballot_position], 0)) ORDER BY x.ballot_position), '[]')
                      FROM contest_entries x WHERE x.contest_id = k.id))
$$;

CREATE OR REPLACE FUNCTION outcome_input(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election', json_build_object('id', el.id, 'type', el.type, 'status', el.status,
            'first_round', el.first_round,
            'second_round', (SELECT min(n.id) FROM elections n WHERE n.first_round = el.id)),
        'contests', (SELECT coalesce(json_agg(json_build_object('contest_id', k.id, 'kind', k.kind,
                'question', k.question, 'council', k.council_id, 'seats', k.seats,
                -- The 120-seat parliament's law held a party to 65 seats; a council has no cap.
                'cap', CASE WHEN k.kind = 'list' THEN 65 ELSE k.seats END,
                'threshold_permille', k.threshold_permille,
                'lot', (SELECT to_json(l.drawn_order) FROM results_lots l WHERE l.contest_id = k.id
                         ORDER BY l.id DESC LIMIT 1),
                'preliminary', outcome_figures_json(k, CASE WHEN contest_area(k) = 0 THEN results_country(k.id)
                                                            ELSE results_area(k.id, contest_area(k)) END),
                'official', outcome_figures_json(k, results_official(k.id, contest_area(k))))
              ORDER BY k.id), '[]')
            FROM contests k WHERE k.election_id = el.id
             AND (k.kind IN ('president', 'question', 'council') OR (k.kind = 'list' AND k.seats <> 54))))
      FROM elections el WHERE el.id = e
$$;
