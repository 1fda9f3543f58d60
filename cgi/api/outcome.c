/*
 * The outcome of the contests that are not the parliament's seats (issue
 * 12): a referendum's questions (valid and adopted, rules/majority.c), the
 * presidency (elected, a second round of the top two, failed, or a lot to
 * draw), a local council's seats (rules/seats.c's seats_allocate_council),
 * each for the ASU's count (preliminary) and the official one.  The figures
 * are outcome_input()'s (sql/functions/030_outcome.sql); the rules are the
 * same code as everywhere, so the answer is what anyone gets by running them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"
#include "../core/log.h"
#include "../rules/majority.h"
#include "../rules/seats.h"
#include "api.h"

enum { OUTCOME_INPUT, OUTCOME__MAX };

static const struct db_statement statements[OUTCOME__MAX] = {
    [OUTCOME_INPUT] = {"outcome_input", "SELECT outcome_input($1::integer)::text"},
};

static int64_t get_int(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static const char *const referendum_outcomes[] = {[REFERENDUM_ADOPTED] = "adopted",
                                                  [REFERENDUM_REJECTED] = "rejected",
                                                  [REFERENDUM_VOID] = "void"};
static const char *const round_outcomes[] = {[ROUND_ELECTED] = "elected",
                                             [ROUND_SECOND_ROUND] = "second_round",
                                             [ROUND_FAILED] = "failed",
                                             [ROUND_LOT_REQUIRED] = "lot_required"};

static struct json_object *error_object(const char *code)
{
    struct json_object *o = json_object_new_object(), *e = json_object_new_object();
    json_object_object_add(e, "code", json_object_new_string(code));
    json_object_object_add(o, "error", e);
    return o;
}

/* A question: yes is the entry with id 1, no 2 (outcome_figures_json). */
static struct json_object *question(struct json_object *f)
{
    struct majority_referendum in = {.voters = get_int(f, "voters"),
                                     .participants = get_int(f, "participants")};
    struct json_object *entries = json_object_object_get(f, "entries");
    for (size_t i = 0; i < json_object_array_length(entries); i++) {
        struct json_object *x = json_object_array_get_idx(entries, i);
        if (get_int(x, "id") == 1)
            in.yes = get_int(x, "votes");
        else
            in.no = get_int(x, "votes");
    }
    struct majority_referendum_result r;
    int rc = majority_referendum(&in, &r);
    if (rc < 0)
        return error_object(majority_error_code(rc));
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "outcome", json_object_new_string(referendum_outcomes[r.outcome]));
    json_object_object_add(o, "turnout_permille", json_object_new_int64(r.turnout_permille));
    json_object_object_add(o, "yes_permille", json_object_new_int64(r.yes_permille));
    return o;
}

static struct json_object *ids_array(const int64_t *ids, size_t n)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_int64(ids[i]));
    return a;
}

/* The presidency: the first round, or the second (second: this election is a first round's runoff). */
static struct json_object *president(struct json_object *f, struct json_object *lot, bool second)
{
    struct majority_round in = {.participants = get_int(f, "participants"),
                                .against_all = get_int(f, "against_all")};
    struct json_object *entries = json_object_object_get(f, "entries");
    for (size_t i = 0; i < json_object_array_length(entries); i++) {
        struct json_object *x = json_object_array_get_idx(entries, i), *w;
        if (json_object_object_get_ex(x, "withdrawn", &w) && json_object_get_boolean(w))
            continue;
        if (in.n == MAJORITY_MAX_CANDIDATES)
            return error_object("too_many");
        in.candidates[in.n].id = get_int(x, "id");
        in.candidates[in.n++].votes = get_int(x, "votes");
    }
    for (size_t i = 0;
         lot != NULL && i < json_object_array_length(lot) && i < MAJORITY_MAX_CANDIDATES; i++)
        in.lot[in.nlot++] = json_object_get_int64(json_object_array_get_idx(lot, i));
    struct majority_round_result r;
    int rc = majority_president(&in, second ? 1 : 0, &r);
    if (rc < 0)
        return error_object(majority_error_code(rc));
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "outcome", json_object_new_string(round_outcomes[r.outcome]));
    json_object_object_add(o, "round", json_object_new_int(second ? 2 : 1));
    json_object_object_add(o, "leader_permille", json_object_new_int64(r.leader_permille));
    if (r.outcome == ROUND_ELECTED)
        json_object_object_add(o, "winner", json_object_new_int64(r.winner));
    if (r.outcome == ROUND_SECOND_ROUND)
        json_object_object_add(o, "runoff", ids_array(r.runoff, 2));
    if (r.outcome == ROUND_LOT_REQUIRED)
        json_object_object_add(o, "tied", ids_array(r.tied, r.ntied));
    return o;
}

/*
 * A council's seats (or the 120-seat lists of 2007-2020): its own threshold,
 * the national lists' quota, remainder and cap rules (the cap: outcome_input's).
 */
static struct json_object *council(struct json_object *f, struct json_object *k,
                                   struct json_object *lot, struct seats_list_contest *in,
                                   struct seats_list_result *r)
{
    memset(in, 0, sizeof(*in));
    in->seats = (int)get_int(k, "seats");
    in->cap = (int)get_int(k, "cap");
    in->participants = get_int(f, "participants");
    in->against_all = get_int(f, "against_all");
    struct json_object *entries = json_object_object_get(f, "entries");
    for (size_t i = 0; i < json_object_array_length(entries) && in->nparties < SEATS_MAX_PARTIES;
         i++) {
        struct json_object *x = json_object_array_get_idx(entries, i);
        in->parties[in->nparties].id = get_int(x, "id");
        in->parties[in->nparties++].votes = get_int(x, "votes");
    }
    struct seats_lot l = {0};
    for (size_t i = 0; lot != NULL && i < json_object_array_length(lot) && i < SEATS_MAX_LOT; i++)
        l.ids[l.n++] = json_object_get_int64(json_object_array_get_idx(lot, i));
    int rc = seats_allocate_council(in, &l, (int)get_int(k, "threshold_permille"), r);
    if (rc < 0)
        return error_object(seats_error_code(rc));
    struct json_object *o = json_object_new_object(), *parties = json_object_new_array();
    json_object_object_add(o, "outcome",
                           json_object_new_string(seats_list_outcome_name(r->outcome)));
    for (size_t i = 0; i < in->nparties; i++) {
        struct json_object *p = json_object_new_object();
        json_object_object_add(p, "id", json_object_new_int64(in->parties[i].id));
        json_object_object_add(p, "qualified", json_object_new_boolean(r->parties[i].qualified));
        json_object_object_add(p, "seats", json_object_new_int(r->parties[i].seats));
        json_object_array_add(parties, p);
    }
    json_object_object_add(o, "parties", parties);
    return o;
}

/* One contest's outcome for one count (f: its figures, or absent: no such count yet). */
static struct json_object *decide(struct json_object *k, struct json_object *f, bool second,
                                  struct seats_list_contest *in, struct seats_list_result *r)
{
    if (f == NULL || !json_object_is_type(f, json_type_object))
        return NULL;
    struct json_object *stations = json_object_object_get(f, "stations"), *lot = NULL;
    if (get_int(stations, "reported") == 0) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "outcome", json_object_new_string("awaiting_results"));
        return o;
    }
    json_object_object_get_ex(k, "lot", &lot);
    const char *kind = json_object_get_string(json_object_object_get(k, "kind"));
    if (strcmp(kind, "question") == 0)
        return question(f);
    if (strcmp(kind, "president") == 0)
        return president(f, lot, second);
    return council(f, k, lot, in, r);
}

static void outcome_get(struct http_request *req)
{
    const char *id = http_arg_text(req, "id");
    PGresult *res = NULL;
    struct json_object *in = NULL;
    enum db_status st = db_exec(&statements[OUTCOME_INPUT], 1, (const char *const[]){id}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    const char *text = db_value(res);
    char err[160];
    if (text == NULL) {
        http_error(req, 404, "election_not_found", "there is no such election", NULL);
        goto out;
    }
    if ((in = json_parse_strict(text, strlen(text), err, sizeof(err))) == NULL) {
        log_error(req->request_id, "outcome input: %s", err);
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
        goto out;
    }
    struct json_object *election = json_object_object_get(in, "election");
    bool second = get_int(election, "first_round") > 0;
    struct seats_list_contest *sin = pool_alloc(req->pool, sizeof(*sin));
    struct seats_list_result *sr = pool_alloc(req->pool, sizeof(*sr));
    struct json_object *contests = json_object_object_get(in, "contests");
    for (size_t i = 0; i < json_object_array_length(contests); i++) {
        struct json_object *k = json_object_array_get_idx(contests, i);
        const char *counts[] = {"preliminary", "official"};
        for (size_t c = 0; c < NELEM(counts); c++) {
            struct json_object *f = json_object_object_get(k, counts[c]);
            struct json_object *o = decide(k, f, second, sin, sr);
            if (f != NULL)
                json_object_object_add(f, "outcome", o);
        }
    }
    size_t len;
    const char *s = json_object_to_json_string_length(
        in, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    http_json(req, 200, s, len, CACHE_LIVE);
out:
    json_object_put(in);
    PQclear(res);
}

static const struct route routes[] = {
    {"GET", "/api/v1/results/elections/{id}/outcome", outcome_get, .path = {FIELD_ELECTION("id")},
     .summary = "The presidency, a referendum's questions, a council's seats: decided by the rules "
                "from the ASU's count and the official one"},
};

const struct api_module outcome_module = {"outcome",  routes,       NELEM(routes),
                                          statements, OUTCOME__MAX, NULL};
