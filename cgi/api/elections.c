/*
 * Elections as the CEC publishes them (date, name, type, voters, turnout),
 * and each election's contests: the party lists and the district ballots.
 */
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "../core/log.h"
#include "../rules/list_rules.h"
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
    ELECTIONS_LIST_ROWS,
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
         "               FROM contests k WHERE k.election_id = e.id AND k.kind = 'district'),"
         /* The presidency, a referendum's questions, the councils: each with its ballot. */
         "    'others', (SELECT coalesce(json_agg(json_build_object('id', k.id, 'kind', k.kind,"
         "                     'question', k.question, 'question_ru', k.question_ru, 'question_ky', k.question_ky,"
         "                     'council', (SELECT json_build_object('id', c.id, 'region_id', c.region_id,"
         "                                   'name_ru', c.name_ru, 'name_ky', c.name_ky)"
         "                                   FROM councils c WHERE c.id = k.council_id),"
         "                     'seats', k.seats, 'threshold_permille', k.threshold_permille,"
         "                     'entries', (SELECT coalesce(json_agg(results_entry_json(x) ORDER BY x.ballot_position), '[]')"
         "                                   FROM contest_entries x WHERE x.contest_id = k.id))"
         "                     ORDER BY k.id), '[]')"
         "               FROM contests k WHERE k.election_id = e.id"
         "                AND k.kind IN ('president', 'question', 'council'))))::text"
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
    /* A party's list as the rules see it (list_rules_get), with the election's day. */
    [ELECTIONS_LIST_ROWS] =
        {"elections_list_rows",
         "SELECT e.date::text, p.short_name, l.position, c.sex, c.birth_date::text,"
         "       c.other_ethnicity, c.disability, c.higher_education, l.withdrawn,"
         "       (SELECT count(*) FROM contest_entries x JOIN contests d ON d.id = x.contest_id"
         "         WHERE d.election_id = e.id AND d.kind = 'district'"
         "           AND x.candidate_id = c.id AND NOT x.withdrawn)"
         "  FROM elections e JOIN contests k ON k.election_id = e.id AND k.kind = 'list'"
         "  JOIN contest_entries x ON x.contest_id = k.id AND x.party_id = $2::integer"
         "  JOIN parties p ON p.id = x.party_id"
         "  LEFT JOIN list_candidates l ON l.contest_id = k.id AND l.party_id = p.id"
         "  LEFT JOIN candidates c ON c.id = l.candidate_id"
         " WHERE e.id = $1::integer ORDER BY l.position"},
};
/* "YYYY-MM-DD" into d; false if it is not that. */
static bool iso_date(const char *s, struct list_date *d)
{
    return sscanf(s, "%4d-%2d-%2d", &d->y, &d->m, &d->d) == 3;
}

long api_list_rows(PGresult *res, struct list_candidate *c, struct list_date *day)
{
    long n = 0;
    if (!iso_date(PQgetvalue(res, 0, 0), day))
        return -1;
    for (int i = 0; i < PQntuples(res); i++) {
        if (PQgetisnull(res, i, 2))
            continue; /* a party on the ballot with no candidates yet */
        if (n++ >= LIST_MAX_CANDIDATES)
            continue; /* counted: the size rule speaks of them */
        struct list_candidate *x = &c[n - 1];
        x->position = atoi(PQgetvalue(res, i, 2));
        x->sex = PQgetvalue(res, i, 3)[0];
        if (!iso_date(PQgetvalue(res, i, 4), &x->birth))
            return -1;
        x->other_ethnicity = PQgetvalue(res, i, 5)[0] == 't';
        x->disability = PQgetvalue(res, i, 6)[0] == 't';
        x->higher_education = PQgetvalue(res, i, 7)[0] == 't';
        x->withdrawn = PQgetvalue(res, i, 8)[0] == 't';
        x->district_nominations = atoi(PQgetvalue(res, i, 9));
    }
    return n;
}

struct json_object *api_list_violations_json(const struct list_violation *v, size_t nv)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < nv; i++) {
        struct json_object *e = json_object_new_object(), *pos = json_object_new_array();
        json_object_object_add(e, "rule", json_object_new_string(list_rule_code(v[i].rule)));
        for (size_t k = 0; k < v[i].npositions; k++)
            json_object_array_add(pos, json_object_new_int(v[i].positions[k]));
        json_object_object_add(e, "positions", pos);
        json_object_object_add(e, "message", json_object_new_string(v[i].message));
        json_object_array_add(arr, e);
    }
    return arr;
}

/* The rules' verdict as JSON: {"election_id", "party", "candidates", "keeps_rules", "violations"}. */
static struct json_object *verdict_json(long election, long party, const char *name, long n,
                                        const struct list_violation *v, size_t nv)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "election_id", json_object_new_int64(election));
    json_object_object_add(o, "party", json_object_new_object());
    json_object_object_add(json_object_object_get(o, "party"), "id", json_object_new_int64(party));
    json_object_object_add(json_object_object_get(o, "party"), "short_name",
                           json_object_new_string(name));
    json_object_object_add(o, "candidates", json_object_new_int64(n));
    json_object_object_add(o, "keeps_rules", json_object_new_boolean(nv == 0));
    json_object_object_add(o, "violations", api_list_violations_json(v, nv));
    return o;
}

/*
 * A party's list checked against the list rules (rules/list_rules.c), as
 * the commission and the public see it: every rule it breaks, with the
 * positions involved.  The same rules check a list while a party builds it.
 */
static void list_rules_get(struct http_request *req)
{
    const struct field_value *e = http_arg(req, "id"), *p = http_arg(req, "party");
    PGresult *res = NULL;
    enum db_status st =
        db_exec(&statements[ELECTIONS_LIST_ROWS], 2, (const char *const[]){e->s, p->s}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    struct list_candidate c[LIST_MAX_CANDIDATES];
    struct list_violation v[LIST_RULE__MAX + LIST_MAX_CANDIDATES / 4];
    struct list_date day;
    long n = PQntuples(res) > 0 ? api_list_rows(res, c, &day) : 0;
    if (PQntuples(res) == 0) {
        http_error(req, 404, "not_found", "this party is not on this election's list ballot", NULL);
    } else if (n < 0) {
        log_error(req->request_id, "a list row of party %s is not what the rules take", p->s);
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
    } else {
        size_t nv = list_rules_check(c, (size_t)n, day, v, NELEM(v));
        if (nv > NELEM(v))
            nv = NELEM(v);
        struct json_object *o = verdict_json(e->i, p->i, PQgetvalue(res, 0, 1), n, v, nv);
        size_t len;
        const char *s = json_object_to_json_string_length(
            o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
        http_json(req, 200, s, len,
                  CACHE_NONE); /* a party builds its list against it: always fresh */
        json_object_put(o);
    }
    PQclear(res);
}

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
    {"GET", "/api/v1/elections/{id}/contests/list/parties/{party}/rules", list_rules_get,
     .path = {FIELD_ELECTION("id"), {"party", FIELD_INT, 1, ID_MAX, .about = "a party's id"}},
     .summary =
         "A party's list checked against the list rules: each rule it breaks, with the positions"},
};

const struct api_module elections_module = {"elections", routes,         NELEM(routes),
                                            statements,  ELECTIONS__MAX, NULL};
