/*
 * The seats recomputed from the log (verify.h): /seats/input gives the
 * ballot (parties, their lists, the districts' candidates, any drawing of
 * lots); its figures are replaced by the replay's sums as the summary's log
 * entry left them (each figure that differs is said), and the allocation is
 * made as the API makes it (cgi/api/results.c, seats_answer) with the same
 * code (cgi/api/seats_json.c), then compared with /seats member by member.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/seats_json.h"
#include "verify.h"

#define DIFFS_SHOWN 20

/* Sets o.key to the log's figure, saying so when the site's differs (path: for the message). */
static void put(struct verify *v, struct json_object *o, const char *key, int64_t log,
                const char *path)
{
    struct json_object *x = verify_json_get(o, key);
    if (x == NULL || !json_object_is_type(x, json_type_int) || json_object_get_int64(x) != log)
        verify_mismatch(v, "seats/input %s: log says %lld, site says %s", path, (long long)log,
                        x != NULL ? json_object_to_json_string(x) : "none");
    if (json_object_is_type(o, json_type_object))
        json_object_object_add(o, key, json_object_new_int64(log));
}

static int position(const struct verify_position *p, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (p[i].id == id)
            return p[i].position;
    return 0;
}

static void put_stations(struct verify *v, struct json_object *o, const struct verify_sums *s,
                         const char *path)
{
    char at[64];
    struct json_object *st = verify_json_get(o, "stations");
    snprintf(at, sizeof(at), "%s.total", path);
    put(v, st, "total", s->total, at);
    snprintf(at, sizeof(at), "%s.reported", path);
    put(v, st, "reported", s->reported, at);
}

/* One party of the list's input: its votes, its votes by region, its candidates' preference votes. */
static void put_party(struct verify *v, struct json_object *p, size_t i,
                      const struct verify_sums *sums)
{
    char at[96];
    int64_t id = 0;
    int pos = verify_json_int(p, "id", &id) ? position(v->parties, v->nparties, id) : 0;
    if (pos < 1 || pos > PROTOCOL_MAX_ENTRIES) {
        verify_mismatch(v,
                        "seats/input list.parties[%zu]: party %lld is not on the summary's ballot",
                        i, (long long)id);
        return;
    }
    snprintf(at, sizeof(at), "list.parties[%zu].votes", i);
    put(v, p, "votes", sums[0].votes[pos - 1], at);
    struct json_object *rv = verify_json_get(p, "region_votes");
    for (int r = 1; rv != NULL && r < VERIFY_REGIONS && json_object_is_type(rv, json_type_array);
         r++) {
        struct json_object *x = json_object_array_get_idx(rv, (size_t)r - 1);
        int64_t log = sums[r].votes[pos - 1];
        if (x == NULL || !json_object_is_type(x, json_type_int) || json_object_get_int64(x) != log)
            verify_mismatch(v,
                            "seats/input list.parties[%zu].region_votes[%d]: log says %lld, "
                            "site says %s",
                            i, r - 1, (long long)log,
                            x != NULL ? json_object_to_json_string(x) : "none");
        json_object_array_put_idx(rv, (size_t)r - 1, json_object_new_int64(log));
    }
    struct json_object *cs = verify_json_get(p, "candidates");
    for (size_t c = 0; cs != NULL && c < json_object_array_length(cs); c++) {
        struct json_object *x = json_object_array_get_idx(cs, c);
        int64_t place = 0, log = 0;
        if (verify_json_int(x, "position", &place) && place >= 1 &&
            (size_t)pos <= sums[0].nparties && (size_t)place <= sums[0].pref_len[pos - 1])
            log = sums[0].pref[pos - 1][place - 1];
        snprintf(at, sizeof(at), "list.parties[%zu].candidates[%zu].preference_votes", i, c);
        put(v, x, "preference_votes", log, at);
    }
}

/* The list contest's input with the log's figures (sums: the country, then regions 1..9). */
static void put_list(struct verify *v, struct json_object *in, struct json_object *list,
                     const struct verify_sums *sums)
{
    char at[64];
    put_stations(v, in, &sums[0], "stations");
    put(v, list, "participants", sums[0].line[4], "list.participants");
    put(v, list, "against_all", sums[0].line[VERIFY_LINES - 1], "list.against_all");
    struct json_object *regions = verify_json_get(list, "regions"), *parties;
    for (size_t i = 0; regions != NULL && i < json_object_array_length(regions); i++) {
        struct json_object *r = json_object_array_get_idx(regions, i);
        int64_t id = 0;
        if (!verify_json_int(r, "id", &id) || id < 1 || id >= VERIFY_REGIONS)
            continue;
        snprintf(at, sizeof(at), "list.regions[%zu].participants", i);
        put(v, r, "participants", sums[id].line[4], at);
    }
    parties = verify_json_get(list, "parties");
    for (size_t i = 0; parties != NULL && i < json_object_array_length(parties); i++)
        put_party(v, json_object_array_get_idx(parties, i), i, sums);
}

static void put_district(struct verify *v, struct json_object *d, size_t i, int64_t asof,
                         struct verify_sums *s)
{
    char at[96];
    int64_t n = 0;
    if (!verify_json_int(d, "district", &n) || n < DISTRICT_MIN || n > DISTRICT_MAX)
        return;
    verify_sum(v, 100 + (int)n, (struct verify_contest_id){CONTEST_DISTRICT, (int)n}, false, asof,
               s);
    snprintf(at, sizeof(at), "districts[%zu].stations", i);
    put_stations(v, d, s, at);
    snprintf(at, sizeof(at), "districts[%zu].against_all", i);
    put(v, d, "against_all", s->line[VERIFY_LINES - 1], at);
    struct json_object *cs = verify_json_get(d, "candidates");
    for (size_t c = 0; cs != NULL && c < json_object_array_length(cs); c++) {
        struct json_object *x = json_object_array_get_idx(cs, c);
        int64_t id = 0;
        int pos =
            verify_json_int(x, "id", &id) ? position(v->candidates[n], v->ncandidates[n], id) : 0;
        snprintf(at, sizeof(at), "districts[%zu].candidates[%zu].votes", i, c);
        if (pos < 1 || pos > PROTOCOL_MAX_ENTRIES)
            verify_mismatch(v, "seats/input %s: candidate %lld is not on district %lld's ballot",
                            at, (long long)id, (long long)n);
        else
            put(v, x, "votes", (size_t)pos <= s->nvotes ? s->votes[pos - 1] : 0, at);
    }
}

/* The answer of /seats from the input in (its districts' "stations" taken out, as the API does). */
static struct json_object *seats_of(struct verify *v, struct json_object *in)
{
    struct json_object *out = json_object_new_object(), *stations = verify_json_get(in, "stations");
    struct json_object *list = verify_json_get(in, "list"), *ds = verify_json_get(in, "districts");
    struct json_object *completed = verify_json_get(in, "completed");
    json_object_object_add(out, "election_id", json_object_new_int64(v->election));
    if (stations != NULL)
        json_object_object_add(out, "stations", json_object_get(stations));
    json_object_object_add(
        out, "preliminary",
        json_object_new_boolean(completed == NULL || !json_object_get_boolean(completed)));
    json_object_object_add(out, "list",
                           list != NULL && json_object_is_type(list, json_type_object)
                               ? seats_json_answer(list, stations)
                               : NULL);
    struct json_object *darr = json_object_new_array();
    for (size_t i = 0; ds != NULL && i < json_object_array_length(ds); i++) {
        struct json_object *d = json_object_array_get_idx(ds, i), *st = NULL, *num;
        if (json_object_object_get_ex(d, "stations", &st))
            json_object_get(st);
        json_object_object_del(d, "stations");
        struct json_object *r = seats_json_answer(d, st);
        if (json_object_object_get_ex(d, "district", &num))
            json_object_object_add(r, "district", json_object_get(num));
        if (st != NULL)
            json_object_object_add(r, "stations", st);
        json_object_array_add(darr, r);
    }
    json_object_object_add(out, "districts", darr);
    return out;
}

/* Every member where mine and the site's differ, by its path. */
static void diff(struct verify *v, const char *path, struct json_object *mine,
                 struct json_object *site, long *shown)
{
    char at[384];
    enum json_type tm = json_object_get_type(mine), ts = json_object_get_type(site);
    if (tm == json_type_object && ts == json_type_object) {
        json_object_object_foreach(mine, key, val)
        {
            struct json_object *x = NULL;
            json_object_object_get_ex(site, key, &x);
            snprintf(at, sizeof(at), "%s%s%s", path, *path ? "." : "", key);
            diff(v, at, val, x, shown);
        }
        json_object_object_foreach(site, skey, sval)
        {
            if (!json_object_object_get_ex(mine, skey, NULL)) {
                snprintf(at, sizeof(at), "%s%s%s", path, *path ? "." : "", skey);
                diff(v, at, NULL, sval, shown);
            }
        }
        return;
    }
    if (tm == json_type_array && ts == json_type_array &&
        json_object_array_length(mine) == json_object_array_length(site)) {
        for (size_t i = 0; i < json_object_array_length(mine); i++) {
            snprintf(at, sizeof(at), "%s[%zu]", path, i);
            diff(v, at, json_object_array_get_idx(mine, i), json_object_array_get_idx(site, i),
                 shown);
        }
        return;
    }
    if (json_object_equal(mine, site))
        return;
    if ((*shown)++ < DIFFS_SHOWN)
        verify_mismatch(v, "seats %s: recomputed %.200s, site says %.200s", path,
                        mine != NULL ? json_object_to_json_string(mine) : "null",
                        site != NULL ? json_object_to_json_string(site) : "null");
    else
        v->mismatches++;
}

void verify_compare_seats(struct verify *v)
{
    struct json_object *in = verify_parse(v, "seats/input", v->seats_input);
    struct json_object *site = verify_parse(v, "seats", v->seats), *mine = NULL;
    struct verify_sums *sums = malloc((VERIFY_REGIONS + 1) * sizeof(*sums));
    if (in == NULL || site == NULL || sums == NULL) {
        verify_mismatch(v, "seats: the site's answers are not JSON");
        goto out;
    }
    for (int area = 0; area < VERIFY_REGIONS; area++)
        verify_sum(v, area, (struct verify_contest_id){CONTEST_LIST, 0}, false, v->summary_seq,
                   &sums[area]);
    struct json_object *list = verify_json_get(in, "list"), *ds = verify_json_get(in, "districts");
    if (list != NULL)
        put_list(v, in, list, sums);
    for (size_t i = 0; ds != NULL && i < json_object_array_length(ds); i++)
        put_district(v, json_object_array_get_idx(ds, i), i, v->summary_seq, &sums[VERIFY_REGIONS]);
    mine = seats_of(v, in);
    long shown = 0;
    diff(v, "", mine, site, &shown);
    if (shown > DIFFS_SHOWN)
        printf("seats: %ld more differences not shown\n", shown - DIFFS_SHOWN);
out:
    json_object_put(mine);
    json_object_put(site);
    json_object_put(in);
    free(sums);
}
