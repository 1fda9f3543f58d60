/*
 * Elections as the CEC publishes them (date, name, type, voters, turnout),
 * and each election's contests: the party lists and the district ballots.
 */
#include <stdio.h>

#include "api.h"

/*
 * An election as the CEC lists it.  Before the CEC's final figures exist,
 * voters and turnout come from the night's count (a, joined by ELECTION_COUNT).
 */
#define ELECTION_JSON                                                                              \
    "json_build_object('id', e.id, 'date', e.date, 'name_ru', e.name_ru, 'name_ky', e.name_ky,"    \
    " 'type', e.type, 'status', e.status, 'voters', coalesce(e.voters, nullif(a.voters, 0)),"      \
    " 'turnout', coalesce(round(e.ballots * 100.0 / nullif(e.voters, 0), 2),"                      \
    "                     round(a.issued * 100.0 / nullif(a.voters, 0), 2)),"                      \
    " 'results', a.contest_id IS NOT NULL AND a.stations_reported > 0)"
#define ELECTION_COUNT                                                                             \
    " LEFT JOIN LATERAL (SELECT r.* FROM contests k, results_country(k.id) r"                      \
    "   WHERE k.election_id = e.id AND k.kind = 'list') a ON true"
#define CANDIDATE_NAME "concat_ws(' ', c.last_name, c.first_name, c.patronymic)"

enum {
    ELECTIONS_LIST,
    ELECTIONS_ONE,
    ELECTIONS_LIST_CONTEST,
    ELECTIONS_DISTRICT_CONTEST,
    ELECTIONS__MAX
};

static const struct db_statement statements[ELECTIONS__MAX] = {
    [ELECTIONS_LIST] = {"elections_list",
                        "SELECT json_build_object('items', coalesce(json_agg(" ELECTION_JSON
                        "  ORDER BY e.date DESC, e.id), '[]'))::text"
                        "  FROM elections e" ELECTION_COUNT},
    [ELECTIONS_ONE] =
        {"elections_one",
         "SELECT json_build_object('election', " ELECTION_JSON ","
         "  'contests', json_build_object("
         "    'list', (SELECT json_build_object('id', k.id, 'seats', k.seats,"
         "                     'parties', (SELECT count(*) FROM contest_entries x WHERE x.contest_id = k.id))"
         "               FROM contests k WHERE k.election_id = e.id AND k.kind = 'list'),"
         "    'districts', (SELECT coalesce(json_agg(json_build_object('id', k.id, 'district', k.district_number,"
         "                     'candidates', (SELECT count(*) FROM contest_entries x WHERE x.contest_id = k.id))"
         "                     ORDER BY k.district_number), '[]')"
         "               FROM contests k WHERE k.election_id = e.id AND k.kind = 'district')))::text"
         "  FROM elections e" ELECTION_COUNT " WHERE e.id = $1::integer"},
    [ELECTIONS_LIST_CONTEST] =
        {"elections_list_contest",
         "SELECT json_build_object('contest', json_build_object('id', k.id, 'seats', k.seats),"
         "  'parties', (SELECT coalesce(json_agg(json_build_object("
         "      'ballot_position', x.ballot_position, 'id', p.id, 'name_ru', p.name_ru,"
         "      'name_ky', p.name_ky, 'short_name', p.short_name, 'withdrawn', x.withdrawn,"
         "      'candidates', (SELECT coalesce(json_agg(json_build_object("
         "          'position', l.position, 'name', " CANDIDATE_NAME ", 'sex', c.sex,"
         "          'birth_date', c.birth_date, 'withdrawn', l.withdrawn) ORDER BY l.position), '[]')"
         "          FROM list_candidates l JOIN candidates c ON c.id = l.candidate_id"
         "         WHERE l.contest_id = k.id AND l.party_id = p.id))"
         "      ORDER BY x.ballot_position), '[]')"
         "     FROM contest_entries x JOIN parties p ON p.id = x.party_id WHERE x.contest_id = k.id))::text"
         "  FROM contests k WHERE k.election_id = $1::integer AND k.kind = 'list'"},
    [ELECTIONS_DISTRICT_CONTEST] =
        {"elections_district_contest",
         "SELECT json_build_object('contest', json_build_object('id', k.id, 'district', k.district_number),"
         "  'candidates', (SELECT coalesce(json_agg(json_build_object("
         "      'ballot_position', x.ballot_position, 'name', " CANDIDATE_NAME ", 'sex', c.sex,"
         "      'birth_date', c.birth_date, 'withdrawn', x.withdrawn,"
         "      'party', (SELECT json_build_object('id', p.id, 'short_name', p.short_name)"
         "                  FROM parties p WHERE p.id = x.party_id))"
         "      ORDER BY x.ballot_position), '[]')"
         "     FROM contest_entries x JOIN candidates c ON c.id = x.candidate_id"
         "    WHERE x.contest_id = k.id))::text"
         "  FROM contests k WHERE k.election_id = $1::integer AND k.kind = 'district'"
         "   AND k.district_number = $2::smallint"},
};
static const struct route routes[] = {
    {"GET", "/api/v1/elections",
     API_READ(&statements[ELECTIONS_LIST], CACHE_SHORT, false, "not_found", "no elections"),
     .summary = "Every election: date, name, type, status, voters and turnout"},
    {"GET", "/api/v1/elections/{id}",
     API_READ(&statements[ELECTIONS_ONE], CACHE_LONG, false, "election_not_found",
              "there is no such election"),
     .path = {FIELD_ELECTION("id")}, .summary = "One election and its contests"},
    {"GET", "/api/v1/elections/{id}/contests/list",
     API_READ(&statements[ELECTIONS_LIST_CONTEST], CACHE_LONG, false, "contest_not_found",
              "this election has no party-list contest"),
     .path = {FIELD_ELECTION("id")},
     .summary = "The party-list contest: parties and their candidates"},
    {"GET", "/api/v1/elections/{id}/contests/districts/{district}",
     API_READ(&statements[ELECTIONS_DISTRICT_CONTEST], CACHE_LONG, false, "contest_not_found",
              "this election has no contest in this district"),
     .path = {FIELD_ELECTION("id"), FIELD_DISTRICT("district")},
     .summary = "A single-member district's contest and its candidates"},
};

const struct api_module elections_module = {"elections", routes,         NELEM(routes),
                                            statements,  ELECTIONS__MAX, NULL};
