/*
 * Seat allocation in JSON (seats_json.h): the input's JSON into the rules'
 * structs in parse_...() functions, the rules decide, the result back into
 * JSON.  This file only translates.
 */
#include "seats_json.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/http.h"
#include "../core/json.h"
#include "../rules/seats.h"

#define bad seats_json_error

/*
 * The parsed input.  Names are borrowed from the JSON tree, which outlives
 * this struct (both die at the end of main).
 */
struct input {
    bool is_district;
    struct seats_list_contest list;
    struct seats_district district;
    struct seats_lot lot;
    const char *party_names[SEATS_MAX_PARTIES];
    const char *candidate_names[SEATS_MAX_PARTIES][SEATS_MAX_CANDIDATES];
    const char *district_names[SEATS_MAX_DISTRICT_CANDIDATES];
};

__attribute__((format(printf, 4, 5))) int seats_json_refuse(struct bad *b, const char *code,
                                                            const char *field, const char *fmt, ...)
{
    va_list ap;
    b->code = code;
    /* Member names are the input's text: a long one is cut at a whole character. */
    snprintf(b->field, sizeof b->field, "%s", field);
    http_utf8_trim(b->field);
    va_start(ap, fmt);
    vsnprintf(b->message, sizeof b->message, fmt, ap);
    va_end(ap);
    http_utf8_trim(b->message);
    return -1;
}

#define refuse seats_json_refuse

/*
 * The input is read through core/json.h's reader: each parse_...() takes a
 * struct json_fault, which seats_json_allocate turns into *b.
 */
#define COUNT_MIN                                                                                  \
    INT64_MIN /* a count: any integer (the rules refuse negatives and the too large) */
#define COUNT_MAX INT64_MAX

static int read_count(struct json_object *o, const char *path, const char *key, int64_t *out,
                      struct json_fault *f)
{
    long long x;
    if (json_read_int(o, path, key, true, COUNT_MIN, COUNT_MAX, &x, f) < 0)
        return -1;
    *out = x;
    return 0;
}

/* A small integer (seats, cap, position, district, id of a region); absent: *out untouched. */
static int read_small(struct json_object *o, const char *path, const char *key, bool required,
                      int *out, struct json_fault *f)
{
    long long x;
    int rc = json_read_int(o, path, key, required, INT_MIN, INT_MAX, &x, f);
    if (rc > 0)
        *out = (int)x;
    return rc < 0 ? -1 : 0;
}

static int read_name(struct json_object *o, const char *path, const char **out,
                     struct json_fault *f)
{
    return json_read_string(o, path, "name", true, 1000, out, f) < 0 ? -1 : 0;
}

static int parse_lot(struct json_object *root, struct seats_lot *lot, struct json_fault *f)
{
    struct json_object *arr;
    size_t n;
    if (json_read_array(root, "", "lot", false, 0, SEATS_MAX_LOT, json_type_int, &arr, &n, f) < 0 ||
        (n > 0 && json_read_ints(arr, "lot", COUNT_MIN, COUNT_MAX, lot->ids, f) < 0))
        return -1;
    lot->n = n;
    return 0;
}

static int parse_candidates(struct json_object *p, const char *path, struct seats_party *party,
                            const char **names, struct json_fault *f)
{
    static const char *const allowed[] = {"position",         "name",      "sex",
                                          "preference_votes", "withdrawn", NULL};
    static const char *const sexes[] = {"F", "M", NULL};
    struct json_object *arr;
    char field[128], at[160];
    size_t n;

    if (json_read_array(p, path, "candidates", true, 0, SEATS_MAX_CANDIDATES, json_type_object,
                        &arr, &n, f) < 0)
        return -1;
    json_path_key(field, sizeof field, path, "candidates");
    party->ncandidates = n;
    for (size_t i = 0; i < n; i++) {
        struct json_object *c = json_object_array_get_idx(arr, i);
        struct seats_candidate *sc = &party->candidates[i];
        int sex = 0;
        json_path_index(at, sizeof at, field, i);
        sc->withdrawn = false;
        if (json_read_object(c, at, allowed, f) < 0 ||
            read_small(c, at, "position", true, &sc->position, f) < 0 ||
            read_name(c, at, &names[i], f) < 0 ||
            read_count(c, at, "preference_votes", &sc->preference_votes, f) < 0 ||
            json_read_choice(c, at, "sex", true, sexes, &sex, f) < 0 ||
            json_read_bool(c, at, "withdrawn", false, &sc->withdrawn, f) < 0)
            return -1;
        sc->sex = sexes[sex][0];
    }
    return 0;
}

static int parse_regions(struct json_object *root, struct seats_list_contest *c,
                         struct json_fault *f)
{
    static const char *const region_allowed[] = {"id", "participants", NULL};
    struct json_object *arr;
    char at[64], field[80];
    size_t n;
    if (json_read_array(root, "", "regions", true, SEATS_REGIONS, SEATS_REGIONS, json_type_object,
                        &arr, &n, f) < 0)
        return -1;
    for (size_t r = 0; r < n; r++) {
        struct json_object *g = json_object_array_get_idx(arr, r);
        int id = 0;
        json_path_index(at, sizeof at, "regions", r);
        if (json_read_object(g, at, region_allowed, f) < 0 ||
            read_small(g, at, "id", true, &id, f) < 0 ||
            read_count(g, at, "participants", &c->region_participants[r], f) < 0)
            return -1;
        if (id != (int)r + 1)
            return json_fault(f, "wrong_regions", json_path_key(field, sizeof field, at, "id"),
                              "regions are listed in order, ids 1 to %d", SEATS_REGIONS);
    }
    return 0;
}

static int parse_parties(struct json_object *root, struct input *in, struct json_fault *f)
{
    static const char *const party_allowed[] = {"id",           "name",       "votes",
                                                "region_votes", "candidates", NULL};
    struct seats_list_contest *c = &in->list;
    struct json_object *arr, *votes;
    char at[64], field[96];
    size_t n, nr;
    if (json_read_array(root, "", "parties", true, 0, SEATS_MAX_PARTIES, json_type_object, &arr, &n,
                        f) < 0)
        return -1;
    c->nparties = n;
    for (size_t i = 0; i < n; i++) {
        struct json_object *p = json_object_array_get_idx(arr, i);
        struct seats_party *sp = &c->parties[i];
        json_path_index(at, sizeof at, "parties", i);
        if (json_read_object(p, at, party_allowed, f) < 0 ||
            read_count(p, at, "id", &sp->id, f) < 0 ||
            read_name(p, at, &in->party_names[i], f) < 0 ||
            read_count(p, at, "votes", &sp->votes, f) < 0 ||
            json_read_array(p, at, "region_votes", true, SEATS_REGIONS, SEATS_REGIONS,
                            json_type_int, &votes, &nr, f) < 0 ||
            json_read_ints(votes, json_path_key(field, sizeof field, at, "region_votes"), COUNT_MIN,
                           COUNT_MAX, sp->region_votes, f) < 0 ||
            parse_candidates(p, at, sp, in->candidate_names[i], f) < 0)
            return -1;
    }
    return 0;
}

static int parse_list(struct json_object *root, struct input *in, struct json_fault *f)
{
    static const char *const allowed[] = {"seats",       "cap",     "participants", "regions",
                                          "against_all", "parties", "lot",          NULL};
    struct seats_list_contest *c = &in->list;
    c->seats = SEATS_LIST_SEATS;
    c->cap = SEATS_LIST_CAP;
    if (json_read_object(root, "", allowed, f) < 0 ||
        read_small(root, "", "seats", true, &c->seats, f) < 0 ||
        read_small(root, "", "cap", false, &c->cap, f) < 0 ||
        read_count(root, "", "participants", &c->participants, f) < 0 ||
        read_count(root, "", "against_all", &c->against_all, f) < 0 ||
        parse_regions(root, c, f) < 0 || parse_parties(root, in, f) < 0)
        return -1;
    return parse_lot(root, &in->lot, f);
}

static int parse_district(struct json_object *root, struct input *in, struct json_fault *f)
{
    static const char *const allowed[] = {"district", "against_all", "candidates", "lot", NULL};
    static const char *const candidate_allowed[] = {"id", "name", "votes", NULL};
    struct seats_district *d = &in->district;
    struct json_object *arr;
    char at[64];
    size_t n;

    if (json_read_object(root, "", allowed, f) < 0 ||
        read_small(root, "", "district", true, &d->district, f) < 0 ||
        read_count(root, "", "against_all", &d->against_all, f) < 0 ||
        json_read_array(root, "", "candidates", true, 0, SEATS_MAX_DISTRICT_CANDIDATES,
                        json_type_object, &arr, &n, f) < 0)
        return -1;
    d->ncandidates = n;
    for (size_t i = 0; i < n; i++) {
        struct json_object *c = json_object_array_get_idx(arr, i);
        json_path_index(at, sizeof at, "candidates", i);
        if (json_read_object(c, at, candidate_allowed, f) < 0 ||
            read_count(c, at, "id", &d->candidates[i].id, f) < 0 ||
            read_name(c, at, &in->district_names[i], f) < 0 ||
            read_count(c, at, "votes", &d->candidates[i].votes, f) < 0)
            return -1;
    }
    return parse_lot(root, &in->lot, f);
}

/* ---- Output ------------------------------------------------------------- */

static struct json_object *jint(int64_t v)
{
    return json_object_new_int64(v);
}

/* num / den as a decimal with 6 places, truncated toward zero (den > 0). */
static struct json_object *jdecimal(int64_t num, int64_t den)
{
    char buf[48];
    int64_t whole = num / den, rest = num % den;
    if (rest < 0)
        rest = -rest;
    int64_t frac = 0;
    for (int i = 0; i < 6; i++) {
        rest *= 10;
        frac = frac * 10 + rest / den;
        rest %= den;
    }
    snprintf(buf, sizeof buf, "%s%" PRId64 ".%06" PRId64, num < 0 && whole == 0 ? "-" : "", whole,
             frac);
    return json_object_new_string(buf);
}

static void add(struct json_object *obj, const char *key, struct json_object *val)
{
    json_object_object_add(obj, key, val);
}

/* smallest v with v * 1000 >= base * permille */
static int64_t min_votes(int64_t base, int permille)
{
    return (base * permille + 999) / 1000;
}

static struct json_object *draw_json(const struct seats_draw *d, const struct input *in, bool drawn)
{
    struct json_object *o = json_object_new_object(), *tied = json_object_new_array(),
                       *won = json_object_new_array();
    for (size_t j = 0; j < d->ntied; j++) {
        int64_t id = in->is_district ? in->district.candidates[d->tied[j]].id
                                     : in->list.parties[d->tied[j]].id;
        json_object_array_add(tied, jint(id));
        if (drawn && (int)j < d->seats)
            json_object_array_add(won, jint(id));
    }
    add(o, "stage", json_object_new_string(seats_stage_name(d->stage)));
    add(o, "seats", jint(d->seats));
    add(o, "at", jint(d->at));
    add(o, drawn ? "drawn_order" : "tied", tied);
    if (drawn)
        add(o, "won", won);
    else
        json_object_put(won);
    return o;
}

static const char *const list_messages[SEATS_LIST_OUTCOME__MAX] = {
    [SEATS_LIST_ALLOCATED] = "seats allocated",
    [SEATS_LIST_FAILED_AGAINST_ALL] =
        "the list contest fails: the leading party has fewer votes than \"against all\"",
    [SEATS_LIST_NO_PARTY_QUALIFIED] =
        "no party has 5% of the participants nationwide and 0.5% in every region",
    [SEATS_LIST_LOT_REQUIRED] =
        ("equal remainders compete for fewer seats: draw lots among the tied parties and give "
         "the order as \"lot\"; nothing is decided yet"),
};

static struct json_object *elected_json(const struct input *in, size_t i,
                                        const struct seats_fill_result *f)
{
    const struct seats_party *p = &in->list.parties[i];
    struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
    add(o, "women_quota", jint(f->women_quota));
    add(o, "women_elected", jint(f->women_elected));
    add(o, "unfilled", jint(f->unfilled));
    for (size_t k = 0; k < f->nelected; k++) {
        const struct seats_elected *e = &f->elected[k];
        const struct seats_candidate *c = &p->candidates[e->candidate];
        struct json_object *x = json_object_new_object();
        char sex[2] = {c->sex, '\0'};
        add(x, "rank", jint(e->rank));
        add(x, "position", jint(c->position));
        add(x, "name", json_object_new_string(in->candidate_names[i][e->candidate]));
        add(x, "sex", json_object_new_string(sex));
        add(x, "preference_votes", jint(c->preference_votes));
        add(x, "by", json_object_new_string(seats_elected_by_name(e->by)));
        json_object_array_add(arr, x);
    }
    add(o, "elected", arr);
    return o;
}

static struct json_object *list_json(const struct input *in, const struct seats_list_result *r)
{
    const struct seats_list_contest *c = &in->list;
    struct json_object *o = json_object_new_object(), *th = json_object_new_object(),
                       *mins = json_object_new_array(), *parties = json_object_new_array(),
                       *lots = json_object_new_array(), *qualified = json_object_new_array();
    bool computed = r->nqualified > 0 && r->outcome != SEATS_LIST_FAILED_AGAINST_ALL;
    bool final = r->outcome == SEATS_LIST_ALLOCATED;

    add(o, "contest", json_object_new_string("party_list"));
    add(o, "outcome", json_object_new_string(seats_list_outcome_name(r->outcome)));
    add(o, "message", json_object_new_string(list_messages[r->outcome]));
    add(o, "seats", jint(c->seats));
    add(o, "cap", jint(c->cap));
    add(o, "participants", jint(c->participants));
    add(o, "against_all", jint(c->against_all));
    add(o, "leader_votes", jint(r->leader_votes));
    add(th, "national_votes", jint(min_votes(c->participants, SEATS_NATIONAL_PERMILLE)));
    for (int g = 0; g < SEATS_REGIONS; g++)
        json_object_array_add(mins,
                              jint(min_votes(c->region_participants[g], SEATS_REGION_PERMILLE)));
    add(th, "region_votes", mins);
    add(o, "thresholds", th);

    for (size_t i = 0; i < c->nparties; i++) {
        const struct seats_party_result *pr = &r->parties[i];
        struct json_object *p = json_object_new_object();
        add(p, "id", jint(c->parties[i].id));
        add(p, "name", json_object_new_string(in->party_names[i]));
        add(p, "votes", jint(c->parties[i].votes));
        add(p, "qualified", json_object_new_boolean(pr->qualified));
        if (pr->qualified) {
            json_object_array_add(qualified, jint(c->parties[i].id));
        } else {
            struct json_object *why = json_object_new_object(), *regions = json_object_new_array();
            for (int g = 0; g < SEATS_REGIONS; g++)
                if (pr->regions_below & (1u << g))
                    json_object_array_add(regions, jint(g + 1));
            add(why, "national", json_object_new_boolean(!pr->national_ok));
            add(why, "regions", regions);
            add(p, "below_threshold", why);
        }
        if (computed && pr->qualified) {
            add(p, "whole", jint(pr->whole));
            add(p, "remainder", jint(pr->remainder));
            add(p, "remainder_fraction", jdecimal(pr->remainder, r->qualifying_votes));
            add(p, "remainder_seat", jint(pr->remainder_seats));
            add(p, "cap_removed", jint(pr->cap_removed));
            add(p, "cap_added", jint(pr->cap_added));
        }
        add(p, "seats", jint(final ? pr->seats : 0));
        if (final && pr->seats > 0) {
            struct seats_fill_result f;
            /* The contest was validated as a whole, this party's list with it. */
            if (seats_fill_list(&c->parties[i], pr->seats, &f) == 0)
                add(p, "list", elected_json(in, i, &f));
        }
        json_object_array_add(parties, p);
    }
    add(o, "qualified", qualified);
    if (computed) {
        struct json_object *q = json_object_new_object();
        add(q, "votes", jint(r->qualifying_votes));
        add(q, "seats", jint(c->seats));
        add(q, "value", jdecimal(r->qualifying_votes, c->seats));
        add(o, "quota", q);
        add(o, "leftover_seats", jint(r->leftover));
        add(o, "cap_excess", jint(r->excess));
        add(o, "unfilled_seats", jint(r->unfilled));
    }
    add(o, "parties", parties);
    for (size_t k = 0; k < r->ndraws; k++)
        json_object_array_add(lots, draw_json(&r->draws[k], in, true));
    add(o, "lots", lots);
    if (r->outcome == SEATS_LIST_LOT_REQUIRED)
        add(o, "lot_required", draw_json(&r->lot_needed, in, false));
    return o;
}

static const char *const district_messages[SEATS_DISTRICT_OUTCOME__MAX] = {
    [SEATS_DISTRICT_ELECTED] = "elected",
    [SEATS_DISTRICT_FAILED_AGAINST_ALL] =
        "the election in this district fails: \"against all\" has more votes than the leader",
    [SEATS_DISTRICT_FAILED_NO_VOTES] =
        "the election in this district fails: no candidate got a vote",
    [SEATS_DISTRICT_LOT_REQUIRED] =
        ("candidates are level in first place: draw lots among them and give the order as "
         "\"lot\"; nothing is decided yet"),
};

static struct json_object *district_json(const struct input *in,
                                         const struct seats_district_result *r)
{
    const struct seats_district *d = &in->district;
    struct json_object *o = json_object_new_object(), *lots = json_object_new_array();
    add(o, "contest", json_object_new_string("district"));
    add(o, "district", jint(d->district));
    add(o, "outcome", json_object_new_string(seats_district_outcome_name(r->outcome)));
    add(o, "message", json_object_new_string(district_messages[r->outcome]));
    add(o, "against_all", jint(d->against_all));
    add(o, "leader_votes", jint(r->leader_votes));
    if (r->outcome == SEATS_DISTRICT_ELECTED) {
        struct json_object *w = json_object_new_object();
        add(w, "id", jint(d->candidates[r->winner].id));
        add(w, "name", json_object_new_string(in->district_names[r->winner]));
        add(w, "votes", jint(d->candidates[r->winner].votes));
        add(o, "winner", w);
    } else {
        add(o, "winner", NULL);
    }
    if (r->lot_used)
        json_object_array_add(lots, draw_json(&r->draw, in, true));
    add(o, "lots", lots);
    if (r->outcome == SEATS_DISTRICT_LOT_REQUIRED)
        add(o, "lot_required", draw_json(&r->draw, in, false));
    return o;
}

struct json_object *seats_json_allocate(struct json_object *root, struct seats_json_error *b)
{
    struct json_object *probe, *result = NULL;
    struct seats_district_result dr;
    int e;
    memset(b, 0, sizeof(*b));
    if (!json_object_is_type(root, json_type_object)) {
        refuse(b, "wrong_type", "", "the input is a JSON object");
        return NULL;
    }
    struct input *in = calloc(1, sizeof *in);
    struct seats_list_result *lr = calloc(1, sizeof *lr);
    if (in == NULL || lr == NULL) {
        refuse(b, "out_of_memory", "", "out of memory");
        b->ours = true;
        goto out;
    }
    in->is_district = json_object_object_get_ex(root, "district", &probe);
    struct json_fault f;
    if ((in->is_district ? parse_district(root, in, &f) : parse_list(root, in, &f)) < 0) {
        refuse(b, f.code, f.field, "%s", f.message);
        goto out;
    }
    if (in->is_district)
        e = seats_district_winner(&in->district, &in->lot, &dr);
    else
        e = seats_allocate_lists(&in->list, &in->lot, lr);
    if (e < 0) {
        const struct seats_invalid *why = in->is_district ? &dr.invalid : &lr->invalid;
        refuse(b, seats_error_code(e), why->field, "%s",
               why->reason != NULL ? why->reason : seats_error_message(e));
        goto out;
    }
    result = in->is_district ? district_json(in, &dr) : list_json(in, lr);
out:
    free(lr);
    free(in);
    return result;
}

struct json_object *seats_json_answer(struct json_object *input, struct json_object *stations)
{
    struct seats_json_error err;
    struct json_object *v;
    if (stations != NULL && json_object_object_get_ex(stations, "reported", &v) &&
        json_object_get_int64(v) == 0) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "outcome", json_object_new_string("awaiting_results"));
        return o;
    }
    struct json_object *r = seats_json_allocate(input, &err);
    if (r != NULL)
        return r;
    struct json_object *o = json_object_new_object(), *e = json_object_new_object();
    json_object_object_add(e, "code",
                           json_object_new_string(err.code != NULL ? err.code : "invalid"));
    json_object_object_add(e, "message", json_object_new_string(err.message));
    json_object_object_add(o, "error", e);
    return o;
}
