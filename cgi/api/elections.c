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
#define ELECTION_JSON                                                                          \
    "json_build_object('id', e.id, 'date', e.date, 'name_ru', e.name_ru, 'name_ky', e.name_ky," \
    " 'type', e.type, 'status', e.status, 'voters', coalesce(e.voters, nullif(a.voters, 0)),"  \
    " 'turnout', coalesce(round(e.ballots * 100.0 / nullif(e.voters, 0), 2),"                 \
    "                     round(a.issued * 100.0 / nullif(a.voters, 0), 2)),"                  \
    " 'results', a.contest_id IS NOT NULL AND a.stations_reported > 0)"
#define ELECTION_COUNT                                                                         \
    " LEFT JOIN LATERAL (SELECT r.* FROM contests k, results_country(k.id) r"                 \
    "   WHERE k.election_id = e.id AND k.kind = 'list') a ON true"
#define CANDIDATE_NAME "concat_ws(' ', c.last_name, c.first_name, c.patronymic)"

const struct db_statement elections_statements[] = {
    {"elections_list",
     "SELECT json_build_object('items', coalesce(json_agg(" ELECTION_JSON
     "  ORDER BY e.date DESC, e.id), '[]'))::text"
     "  FROM elections e" ELECTION_COUNT},
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
const size_t elections_nstatements = NELEM(elections_statements);

static void elections_get(struct http_request *req)
{
    if (http_fields_parse(req, NULL, 0, NULL) < 0)
        return;
    api_send_query(req, "elections_list", 0, NULL, CACHE_SHORT, "not_found", "no elections");
}

static const struct field election_field = {"id", FIELD_INT, 1, 2147483647L};
static const struct field district_field = {"district", FIELD_INT, 1, 36};

static void election_get(struct http_request *req)
{
    struct field_value v;
    const char *id = api_path_field(req, &election_field, &v);
    if (id == NULL || http_fields_parse(req, NULL, 0, NULL) < 0)
        return;
    api_send_query(req, "elections_one", 1, (const char *const[]){id}, CACHE_LONG,
                   "election_not_found", "there is no such election");
}

static void list_contest_get(struct http_request *req)
{
    struct field_value v;
    const char *id = api_path_field(req, &election_field, &v);
    if (id == NULL || http_fields_parse(req, NULL, 0, NULL) < 0)
        return;
    api_send_query(req, "elections_list_contest", 1, (const char *const[]){id}, CACHE_LONG,
                   "contest_not_found", "this election has no party-list contest");
}

static void district_contest_get(struct http_request *req)
{
    struct field_value v, d;
    const char *id = api_path_field(req, &election_field, &v);
    if (id == NULL)
        return;
    const char *district = api_path_field(req, &district_field, &d);
    if (district == NULL || http_fields_parse(req, NULL, 0, NULL) < 0)
        return;
    api_send_query(req, "elections_district_contest", 2, (const char *const[]){id, district},
                   CACHE_LONG, "contest_not_found", "this election has no contest in this district");
}

static const struct route routes[] = {
    {"GET", "/api/v1/elections", elections_get, 0},
    {"GET", "/api/v1/elections/{id}", election_get, 0},
    {"GET", "/api/v1/elections/{id}/contests/list", list_contest_get, 0},
    {"GET", "/api/v1/elections/{id}/contests/districts/{district}", district_contest_get, 0},
};
const struct route_table elections_routes = {routes, NELEM(routes)};
