/*
 * The site's answers against the log's replay (verify.h): each station's
 * figures (the ASU's final in force and the latest protocol), its reports
 * and versions; each region's, district's and the country's sums, the ASU's
 * and the official, in the shapes of sql/functions/011_results_views.sql.
 * Each answer is compared with the log as it stood after the entry the
 * answer names (election.log): an answer made before the log's last reports
 * is not wrong for missing them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "verify.h"

const char *const verify_line_names[VERIFY_LINES] = {
    "voters", "received", "issued", "cancelled", "in_boxes", "invalid", "valid", "against_all"};

struct json_object *verify_json_get(struct json_object *o, const char *key)
{
    struct json_object *x;
    return o != NULL && json_object_is_type(o, json_type_object) &&
            json_object_object_get_ex(o, key, &x) && !json_object_is_type(x, json_type_null)
        ? x
        : NULL;
}

bool verify_json_int(struct json_object *o, const char *key, int64_t *out)
{
    struct json_object *x = verify_json_get(o, key);
    if (x == NULL || !json_object_is_type(x, json_type_int))
        return false;
    *out = json_object_get_int64(x);
    return true;
}

struct json_object *verify_parse(struct verify *v, const char *what, const char *text)
{
    char err[160];
    struct json_object *o = json_parse_strict(text, strlen(text), err, sizeof(err));
    (void)v;
    if (o == NULL)
        fprintf(stderr, "shailoo-verify: %s: %s\n", what, err);
    return o;
}

static void compare_int(struct verify *v, const char *label, const char *what, int64_t log,
                        struct json_object *site)
{
    if (site == NULL || !json_object_is_type(site, json_type_int))
        verify_mismatch(v, "%s %s: log says %lld, site shows none", label, what, (long long)log);
    else if (json_object_get_int64(site) != log)
        verify_mismatch(v, "%s %s: log says %lld, site says %lld", label, what, (long long)log,
                        (long long)json_object_get_int64(site));
}

static void compare_bool(struct verify *v, const char *label, const char *what, bool log,
                         struct json_object *site)
{
    bool s = site != NULL && json_object_is_type(site, json_type_boolean) &&
        json_object_get_boolean(site);
    if (s != log)
        verify_mismatch(v, "%s %s: log says %s, site says %s", label, what, log ? "yes" : "no",
                        s ? "yes" : "no");
}

/* The protocol lines and (entries) each entry's votes of fig, against the log's. */
static void compare_figures(struct verify *v, const char *label, struct json_object *fig,
                            const int64_t *line, const int64_t *votes, size_t nvotes, bool entries)
{
    for (int k = 0; k < VERIFY_LINES; k++)
        compare_int(v, label, verify_line_names[k], line[k],
                    k == VERIFY_LINES - 1
                        ? verify_json_get(verify_json_get(fig, "against_all"), "votes")
                        : verify_json_get(fig, verify_line_names[k]));
    if (!entries)
        return;
    struct json_object *arr = verify_json_get(fig, "entries");
    size_t n = arr != NULL && json_object_is_type(arr, json_type_array)
        ? json_object_array_length(arr)
        : 0;
    if (nvotes > n)
        verify_mismatch(v, "%s entries: the log's ballot has %zu, the site shows %zu", label,
                        nvotes, n);
    for (size_t i = 0; i < n; i++) {
        struct json_object *x = json_object_array_get_idx(arr, i);
        int64_t pos = 0;
        char what[32];
        if (!verify_json_int(x, "ballot_position", &pos) || pos < 1 || pos > PROTOCOL_MAX_ENTRIES) {
            verify_mismatch(v, "%s entries[%zu]: no ballot position", label, i);
            continue;
        }
        snprintf(what, sizeof(what), "votes[%lld]", (long long)pos - 1);
        compare_int(v, label, what, (size_t)pos <= nvotes ? votes[pos - 1] : 0,
                    verify_json_get(x, "votes"));
    }
}

/* ---- Contests ------------------------------------------------------------------------ */

static const struct verify_contest_id list_contest = {CONTEST_LIST, 0};

static struct verify_contest_id district_contest(int n)
{
    return (struct verify_contest_id){CONTEST_DISTRICT, n};
}

/* A contest of an answer ({kind, district | question | council: {id}}) as its id: true, or false. */
static bool contest_id_of(struct json_object *k, struct verify_contest_id *out)
{
    struct json_object *kind = verify_json_get(k, "kind");
    int64_t n = 0;
    out->number = 0;
    for (int i = 0; i < CONTEST_KIND__MAX; i++) {
        if (kind == NULL ||
            strcmp(json_object_get_string(kind), protocol_contest_kind_name(i)) != 0)
            continue;
        out->kind = (enum protocol_contest_kind)i;
        if (i == CONTEST_DISTRICT || i == CONTEST_QUESTION) {
            if (!verify_json_int(k, i == CONTEST_DISTRICT ? "district" : "question", &n))
                return false;
        } else if (i == CONTEST_COUNCIL &&
                   !verify_json_int(verify_json_get(k, "council"), "id", &n)) {
            return false;
        }
        out->number = (int)n;
        return true;
    }
    return false;
}

/* "list", "district", "president", "question 2", "council 7". */
static const char *contest_name(struct verify_contest_id k, char *buf, size_t size)
{
    if (k.kind == CONTEST_QUESTION || k.kind == CONTEST_COUNCIL)
        snprintf(buf, size, "%s %d", protocol_contest_kind_name(k.kind), k.number);
    else
        snprintf(buf, size, "%s", protocol_contest_kind_name(k.kind));
    return buf;
}

/* ---- Areas --------------------------------------------------------------------------- */

static const char *area_name(int area, char *buf, size_t size)
{
    if (area == 0)
        snprintf(buf, size, "country");
    else if (area == VERIFY_REGIONS)
        snprintf(buf, size, "abroad");
    else if (area < VERIFY_REGIONS)
        snprintf(buf, size, "region %d", area);
    else
        snprintf(buf, size, "district %d", area - 100);
    return buf;
}

/*
 * An area's figures in a contest (fig: results_area_figures_json) and its
 * official ones beside: the stations, the lines, the entries' votes.  in:
 * "" for the answer of the area itself, else " (in ANSWER)".
 */
static void compare_area(struct verify *v, int area, struct verify_contest_id k,
                         struct json_object *fig, int64_t asof, bool entries, const char *in)
{
    struct verify_sums *s = malloc(sizeof(*s));
    char name[32], contest[32], label[128];
    if (s == NULL)
        return;
    area_name(area, name, sizeof(name));
    contest_name(k, contest, sizeof(contest));
    for (int official = 0; official < 2; official++) {
        snprintf(label, sizeof(label), "%s%s %s%s", name, in, official ? "official " : "", contest);
        verify_sum(v, area, k, official, asof, s);
        struct json_object *f = official ? verify_json_get(fig, "official") : fig;
        if (f == NULL) {
            if (s->reported > 0 || !official)
                verify_mismatch(v, "%s: site shows no figures, the log has %ld of %ld stations",
                                label, s->reported, s->total);
            continue;
        }
        struct json_object *st = verify_json_get(f, "stations");
        compare_int(v, label, "stations total", s->total, verify_json_get(st, "total"));
        compare_int(v, label, "stations reported", s->reported, verify_json_get(st, "reported"));
        compare_figures(v, label, f, s->line, s->votes, s->nvotes, entries);
    }
    free(s);
}

/*
 * The log entry an answer names (its stations' latest, or the head): the
 * hash it gives checked; the seq to compare with (at most the log's last).
 */
static int64_t answer_asof(struct verify *v, struct json_object *answer, const char *label)
{
    struct json_object *log = verify_json_get(verify_json_get(answer, "election"), "log");
    struct json_object *hash = verify_json_get(log, "hash");
    int64_t seq = 0, last = v->nentries > 0 ? v->entries[v->nentries - 1].seq : 0;
    if (log == NULL)
        return 0;
    if (!verify_json_int(log, "seq", &seq) || hash == NULL) {
        verify_mismatch(v, "%s: the answer's election.log is not {seq, hash}", label);
        return last;
    }
    if (seq > last) {
        verify_mismatch(v, "%s: the answer names log entry %lld, the log ends at %lld", label,
                        (long long)seq, (long long)last);
        return last;
    }
    const struct verify_entry *e = verify_entry_at(v, seq);
    const char *h = json_object_get_string(hash);
    if (e == NULL)
        verify_mismatch(v, "%s: the answer names log entry %lld, the log has none", label,
                        (long long)seq);
    else if (strcmp(e->hash, h) != 0)
        verify_mismatch(v,
                        "%s: the answer names log entry %lld with hash %.16s..., the log's is "
                        "%.16s...",
                        label, (long long)seq, h, e->hash);
    return seq;
}

/* The station briefs of a region's or a district's answer (results_station_brief). */
static void compare_briefs(struct verify *v, struct json_object *arr, int64_t asof, const char *in)
{
    for (size_t i = 0; arr != NULL && i < json_object_array_length(arr); i++) {
        struct json_object *b = json_object_array_get_idx(arr, i);
        int64_t number = 0;
        char label[96];
        const struct verify_station *st =
            verify_json_int(b, "number", &number) ? verify_station(v, (int)number) : NULL;
        if (st == NULL) {
            verify_mismatch(v, "%s: stations[%zu] is not a station of the regions' lists", in, i);
            continue;
        }
        snprintf(label, sizeof(label), "station %d (in %s)", st->number, in);
        struct verify_state state;
        verify_state_at(v, st, asof, &state);
        const struct verify_contest *c = verify_contest_of(state.final, list_contest),
                                    *o = verify_contest_of(state.protocol, list_contest);
        compare_bool(v, label, "reported", state.final != NULL, verify_json_get(b, "reported"));
        compare_bool(v, label, "counted", state.protocol != NULL, verify_json_get(b, "counted"));
        if (c != NULL) {
            compare_int(v, label, "voters", c->line[0], verify_json_get(b, "voters"));
            compare_int(v, label, "issued", c->line[2], verify_json_get(b, "issued"));
            compare_int(v, label, "in_boxes", c->line[4], verify_json_get(b, "in_boxes"));
        }
        if (o != NULL)
            compare_int(v, label, "official_issued", o->line[2],
                        verify_json_get(b, "official_issued"));
    }
}

/* ---- Stations -------------------------------------------------------------------------- */

static int by_number(const void *a, const void *b)
{
    return ((const struct verify_station *)a)->number - ((const struct verify_station *)b)->number;
}

int verify_add_station(struct verify *v, int number, int region, int district)
{
    if (number < STATION_MIN || number > STATION_MAX || region < 1 || region > VERIFY_REGIONS ||
        district < 0 || district > DISTRICT_MAX) {
        verify_mismatch(v, "station %d: not a station of a region (%d) and district (%d)", number,
                        region, district);
        return 0;
    }
    if (v->nstations == v->scap) {
        size_t cap = v->scap > 0 ? v->scap * 2 : 1024;
        struct verify_station *p = realloc(v->stations, cap * sizeof(*p));
        if (p == NULL)
            return -1;
        v->stations = p;
        v->scap = cap;
    }
    struct verify_station *st = &v->stations[v->nstations++];
    memset(st, 0, sizeof(*st));
    st->number = number;
    st->region = region;
    st->district = district;
    return 0;
}

void verify_index_stations(struct verify *v)
{
    qsort(v->stations, v->nstations, sizeof(*v->stations), by_number);
    for (size_t i = 0; i < v->nstations; i++) {
        if (i > 0 && v->stations[i].number == v->stations[i - 1].number)
            verify_mismatch(v, "station %d is listed twice (regions %d and %d)",
                            v->stations[i].number, v->stations[i - 1].region,
                            v->stations[i].region);
        v->station_index[v->stations[i].number] = (int)i;
    }
}

int verify_stations_from_regions(struct verify *v)
{
    for (int r = 1; r <= VERIFY_REGIONS; r++) {
        char what[32];
        snprintf(what, sizeof(what), "regions/%d", r);
        struct json_object *o = verify_parse(v, what, v->regions[r]);
        if (o == NULL)
            return -1;
        struct json_object *arr = verify_json_get(o, "stations");
        if (arr == NULL || !json_object_is_type(arr, json_type_array))
            verify_mismatch(v, "%s: the answer lists no stations", what);
        for (size_t i = 0; arr != NULL && i < json_object_array_length(arr); i++) {
            struct json_object *b = json_object_array_get_idx(arr, i);
            int64_t n = 0, d = 0;
            if (!verify_json_int(b, "number", &n) ||
                (r < VERIFY_REGIONS && !verify_json_int(b, "district", &d))) {
                verify_mismatch(v, "%s: stations[%zu] has no number or district", what, i);
                continue;
            }
            if (verify_add_station(v, (int)n, r, r < VERIFY_REGIONS ? (int)d : 0) < 0) {
                json_object_put(o);
                return -1;
            }
        }
        json_object_put(o);
    }
    verify_index_stations(v);
    return 0;
}

/* The station's signed reports (or protocol versions) the site lists, against the log's. */
static void compare_listed(struct verify *v, const struct verify_station *st,
                           struct json_object *arr, bool protocols, int64_t asof)
{
    const char *what = protocols ? "protocol version" : "report";
    bool *listed = calloc(st->nentries + 1, sizeof(bool));
    if (listed == NULL)
        return;
    for (size_t i = 0; arr != NULL && i < json_object_array_length(arr); i++) {
        struct json_object *r = json_object_array_get_idx(arr, i), *sha, *applied;
        int64_t id = 0, log_seq = 0;
        verify_json_int(r, "id", &id);
        verify_json_int(r, "log_seq", &log_seq);
        size_t k = 0;
        while (k < st->nentries &&
               !((v->entries[st->entries[k]].kind == VK_PROTOCOL) == protocols &&
                 (protocols ? v->entries[st->entries[k]].protocol_id
                            : v->entries[st->entries[k]].report_id) == id))
            k++;
        if (k == st->nentries) {
            verify_mismatch(v, "station %d: site shows %s %lld (log entry %lld), the log has none",
                            st->number, what, (long long)id, (long long)log_seq);
            continue;
        }
        const struct verify_entry *e = &v->entries[st->entries[k]];
        char label[64];
        listed[k] = true;
        snprintf(label, sizeof(label), "station %d %s %lld", st->number, what, (long long)id);
        compare_int(v, label, "log_seq", e->seq, verify_json_get(r, "log_seq"));
        compare_int(v, label, protocols ? "version" : "seq",
                    protocols ? e->version : e->seq_of_device,
                    verify_json_get(r, protocols ? "version" : "seq"));
        if ((sha = verify_json_get(r, "sha256")) == NULL ||
            strcmp(json_object_get_string(sha), e->sha256) != 0)
            verify_mismatch(v, "%s sha256: the log's is %.16s..., the site's %.16s...", label,
                            e->sha256, sha != NULL ? json_object_get_string(sha) : "none");
        if (!protocols &&
            ((applied = verify_json_get(r, "applied")) == NULL ||
             json_object_get_boolean(applied) != e->applied))
            compare_bool(v, label, "applied", e->applied, applied);
    }
    for (size_t k = 0; k < st->nentries; k++) {
        const struct verify_entry *e = &v->entries[st->entries[k]];
        if (!listed[k] && (e->kind == VK_PROTOCOL) == protocols && e->seq <= asof)
            verify_mismatch(v, "station %d: log entry %lld (%s %lld) is not among the site's %ss",
                            st->number, (long long)e->seq, what,
                            (long long)(protocols ? e->protocol_id : e->report_id), what);
    }
    free(listed);
}

/* One contest of a station's answer: the ASU's figures and the official beside. */
static void compare_station_contest(struct verify *v, const struct verify_station *st,
                                    struct json_object *k, struct verify_contest_id id,
                                    const struct verify_state *state)
{
    struct json_object *off = verify_json_get(k, "official");
    char label[64], contest[32];
    if (id.kind == CONTEST_DISTRICT && id.number != st->district)
        verify_mismatch(v, "station %d district: site shows district %d, the station is in %d",
                        st->number, id.number, st->district);
    contest_name(id, contest, sizeof(contest));
    snprintf(label, sizeof(label), "station %d %s", st->number, contest);
    struct json_object *reported = verify_json_get(k, "reported");
    bool shown = reported != NULL && json_object_get_boolean(reported);
    if (state->final != NULL && shown) {
        const struct verify_contest *c = verify_contest_of(state->final, id);
        compare_int(v, label, "report_id", state->final->report_id,
                    verify_json_get(k, "report_id"));
        compare_int(v, label, "report_seq", state->final->seq_of_device,
                    verify_json_get(k, "report_seq"));
        if (c != NULL)
            compare_figures(v, label, k, c->line, c->votes, c->nvotes, true);
        else if (state->final->fig != NULL)
            verify_mismatch(v, "%s: the log's final (entry %lld) has no such contest", label,
                            (long long)state->final->seq);
    } /* (a final shown or not that the log has not: said once for the station) */
    snprintf(label, sizeof(label), "station %d official %s", st->number, contest);
    const struct verify_entry *p = state->protocol;
    int64_t version = 0;
    if (off == NULL && p != NULL)
        verify_mismatch(v, "%s: the log has protocol version %lld (entry %lld), site shows none",
                        label, (long long)p->version, (long long)p->seq);
    else if (off != NULL && p == NULL)
        verify_mismatch(v, "%s: site shows protocol version %lld, the log has none", label,
                        verify_json_int(off, "version", &version) ? (long long)version : 0LL);
    if (off == NULL || p == NULL)
        return;
    compare_int(v, label, "protocol_id", p->protocol_id, verify_json_get(off, "protocol_id"));
    compare_int(v, label, "version", p->version, verify_json_get(off, "version"));
    const struct verify_contest *c = verify_contest_of(p, id);
    if (c != NULL)
        compare_figures(v, label, off, c->line, c->votes, c->nvotes, true);
}

/* The devices a station's answer shows: the kind of each (the device list does not say it). */
static void station_devices(struct verify *v, const struct verify_station *st,
                            struct json_object *arr)
{
    for (size_t i = 0; arr != NULL && i < json_object_array_length(arr); i++) {
        struct json_object *d = json_object_array_get_idx(arr, i);
        struct json_object *id = verify_json_get(d, "device_id"),
                           *kind = verify_json_get(d, "kind");
        struct verify_device *dev =
            id != NULL ? verify_device(v, json_object_get_string(id)) : NULL;
        if (dev == NULL) {
            verify_mismatch(v, "station %d: site shows device %s, the device list has none",
                            st->number, id != NULL ? json_object_get_string(id) : "?");
            continue;
        }
        const char *k = kind != NULL ? json_object_get_string(kind) : "";
        if (dev->kind[0] == '\0')
            snprintf(dev->kind, sizeof(dev->kind), "%s", k);
        else if (strcmp(dev->kind, k) != 0)
            verify_mismatch(v, "device %s: the device list says %s, station %d's answer says %s",
                            dev->id, dev->kind, st->number, k);
    }
}

/* Each final and protocol of the station gives the contests it votes in (ids: the site's), once. */
static void check_ballots(struct verify *v, const struct verify_station *st,
                          const struct verify_contest_id *ids, size_t nids)
{
    for (size_t k = 0; k < st->nentries; k++) {
        const struct verify_entry *e = &v->entries[st->entries[k]];
        size_t found = 0;
        for (size_t i = 0; e->fig != NULL && i < nids; i++)
            found += verify_contest_of(e, ids[i]) != NULL;
        if (e->fig == NULL || (found == nids && e->fig->n == nids))
            continue;
        char list[160] = "", name[32];
        for (size_t i = 0, len = 0; i < nids && len < sizeof(list); i++)
            len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i > 0 ? ", " : "",
                                    contest_name(ids[i], name, sizeof(name)));
        verify_mismatch(v,
                        "log entry %lld: station %d's %s gives %zu contests, not those it "
                        "votes in (%s)",
                        (long long)e->seq, st->number,
                        e->kind == VK_PROTOCOL ? "protocol" : "final", e->fig->n, list);
    }
}

static void compare_station(struct verify *v, struct verify_station *st)
{
    char label[32];
    snprintf(label, sizeof(label), "station %d", st->number);
    struct json_object *o = verify_parse(v, label, st->answer);
    free(st->answer);
    st->answer = NULL;
    if (o == NULL) {
        verify_mismatch(v, "%s: the site's answer is not JSON", label);
        return;
    }
    int64_t asof = answer_asof(v, o, label), number = 0;
    if (!verify_json_int(verify_json_get(o, "station"), "number", &number) || number != st->number)
        verify_mismatch(v, "%s: the answer is station %lld's", label, (long long)number);
    struct verify_state state;
    verify_state_at(v, st, asof, &state);
    struct json_object *contests = verify_json_get(o, "contests");
    size_t n = contests != NULL && json_object_is_type(contests, json_type_array)
        ? json_object_array_length(contests)
        : 0;
    int64_t shown = 0;
    for (size_t i = 0; i < n && shown == 0; i++) {
        struct json_object *k = json_object_array_get_idx(contests, i);
        struct json_object *reported = verify_json_get(k, "reported");
        if (reported != NULL && json_object_get_boolean(reported) &&
            !verify_json_int(k, "report_id", &shown))
            shown = -1;
    }
    if (shown > 0 && state.final == NULL)
        verify_mismatch(v, "%s: site shows a final (report %lld), the log has none", label,
                        (long long)shown);
    else if (shown < 0 && state.final == NULL)
        verify_mismatch(v, "%s: site shows a final (no report named), the log has none", label);
    else if (shown == 0 && state.final != NULL)
        verify_mismatch(v, "%s: the log has a final (entry %lld, report %lld), site shows none",
                        label, (long long)state.final->seq, (long long)state.final->report_id);
    struct verify_contest_id ids[PROTOCOL_MAX_CONTESTS];
    size_t nids = 0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *k = json_object_array_get_idx(contests, i);
        if (nids == PROTOCOL_MAX_CONTESTS || !contest_id_of(k, &ids[nids])) {
            verify_mismatch(v, "%s contests[%zu]: not a contest of a ballot", label, i);
            continue;
        }
        compare_station_contest(v, st, k, ids[nids++], &state);
    }
    check_ballots(v, st, ids, nids);
    compare_listed(v, st, verify_json_get(o, "reports"), false, asof);
    compare_listed(v, st, verify_json_get(o, "versions"), true, asof);
    station_devices(v, st, verify_json_get(o, "devices"));
    json_object_put(o);
}

/* Each report's device is of its kind: an ASU's openings, turnouts and finals; identification. */
static void check_device_kinds(struct verify *v)
{
    for (size_t i = 0; i < v->nentries; i++) {
        const struct verify_entry *e = &v->entries[i];
        const struct verify_device *d = e->kind < VK_PROTOCOL ? verify_device(v, e->device) : NULL;
        if (d == NULL || d->kind[0] == '\0')
            continue;
        const char *want = e->kind == VK_IDENTIFICATION ? "identification" : "asu";
        if (strcmp(d->kind, want) != 0)
            verify_mismatch(v, "log entry %lld: device %s is an %s device; its report is a%s %s",
                            (long long)e->seq, d->id, d->kind,
                            e->kind == VK_OPENING || e->kind == VK_IDENTIFICATION ? "n" : "",
                            e->kind == VK_OPENING       ? "opening"
                                : e->kind == VK_TURNOUT ? "turnout"
                                : e->kind == VK_FINAL   ? "final"
                                                        : "identification");
    }
}

/* ---- Regions, districts, the country --------------------------------------------------- */

static void compare_region(struct verify *v, int r)
{
    char label[32], in[32];
    snprintf(label, sizeof(label), "regions/%d", r);
    snprintf(in, sizeof(in), " (in regions/%d)", r);
    struct json_object *o = verify_parse(v, label, v->regions[r]), *ds;
    if (o == NULL)
        return;
    int64_t asof = answer_asof(v, o, label);
    compare_area(v, r, list_contest, verify_json_get(o, "region"), asof, true, "");
    ds = verify_json_get(o, "districts");
    for (size_t i = 0; ds != NULL && i < json_object_array_length(ds); i++) {
        struct json_object *d = json_object_array_get_idx(ds, i);
        int64_t n = 0;
        if (!verify_json_int(d, "district", &n) || n < DISTRICT_MIN || n > DISTRICT_MAX)
            continue;
        compare_area(v, 100 + (int)n, list_contest, verify_json_get(d, "list"), asof, false, in);
        compare_area(v, 100 + (int)n, district_contest((int)n),
                     verify_json_get(verify_json_get(d, "contest"), "figures"), asof, false, in);
    }
    compare_briefs(v, verify_json_get(o, "stations"), asof, label);
    json_object_put(o);
}

/* The ids and ballot positions of fig's entries (key: party_id or candidate_id). */
static size_t positions(struct json_object *fig, const char *key, struct verify_position *out)
{
    struct json_object *arr = verify_json_get(fig, "entries");
    size_t n = 0;
    for (size_t i = 0; arr != NULL && i < json_object_array_length(arr); i++) {
        struct json_object *x = json_object_array_get_idx(arr, i);
        int64_t id, pos;
        if (n < PROTOCOL_MAX_ENTRIES && verify_json_int(x, key, &id) &&
            verify_json_int(x, "ballot_position", &pos)) {
            out[n].id = id;
            out[n++].position = (int)pos;
        }
    }
    return n;
}

static void compare_district(struct verify *v, int n)
{
    char label[32];
    snprintf(label, sizeof(label), "districts/%d", n);
    struct json_object *o = verify_parse(v, label, v->districts[n]);
    if (o == NULL)
        return;
    int64_t asof = answer_asof(v, o, label);
    compare_area(v, 100 + n, district_contest(n), verify_json_get(o, "contest"), asof, true, "");
    compare_area(v, 100 + n, list_contest, verify_json_get(o, "list"), asof, true, "");
    v->ncandidates[n] = positions(verify_json_get(o, "contest"), "candidate_id", v->candidates[n]);
    compare_briefs(v, verify_json_get(o, "stations"), asof, label);
    json_object_put(o);
}

static void compare_summary(struct verify *v)
{
    struct json_object *o = verify_parse(v, "summary", v->summary), *ds;
    if (o == NULL)
        return;
    v->summary_seq = answer_asof(v, o, "summary");
    if (v->parliamentary)
        compare_area(v, 0, list_contest, verify_json_get(o, "list"), v->summary_seq, true, "");
    v->nparties = positions(verify_json_get(o, "list"), "party_id", v->parties);
    /* The presidency, a referendum's questions, a council: each in its own area. */
    ds = verify_json_get(o, "contests");
    for (size_t i = 0; ds != NULL && i < json_object_array_length(ds); i++) {
        struct json_object *k = json_object_array_get_idx(ds, i);
        struct verify_contest_id id;
        int64_t region = 0;
        if (!contest_id_of(k, &id)) {
            verify_mismatch(v, "summary contests[%zu]: not a contest", i);
            continue;
        }
        if (id.kind == CONTEST_COUNCIL)
            verify_json_int(verify_json_get(k, "council"), "region_id", &region);
        compare_area(v, (int)region, id, verify_json_get(k, "figures"), v->summary_seq, true, "");
    }
    ds = verify_json_get(o, "districts");
    for (size_t i = 0; ds != NULL && i < json_object_array_length(ds); i++) {
        struct json_object *d = json_object_array_get_idx(ds, i);
        int64_t n = 0;
        if (verify_json_int(d, "district", &n) && n >= DISTRICT_MIN && n <= DISTRICT_MAX)
            compare_area(v, 100 + (int)n, district_contest((int)n), verify_json_get(d, "figures"),
                         v->summary_seq, false, " (in summary)");
    }
    json_object_put(o);
}

void verify_compare_answers(struct verify *v)
{
    for (size_t i = 0; i < v->nstations; i++)
        compare_station(v, &v->stations[i]);
    check_device_kinds(v);
    for (int r = 1; r <= VERIFY_REGIONS && v->parliamentary; r++)
        compare_region(v, r);
    for (int n = DISTRICT_MIN; n <= DISTRICT_MAX && v->parliamentary; n++)
        compare_district(v, n);
    compare_summary(v);
}
