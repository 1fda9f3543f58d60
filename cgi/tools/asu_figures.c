/*
 * The simulated devices: their ballots and keys (read from $VAR/asu) and
 * the figures of their reports.  Every figure is a function of the seed, the
 * station and the ballot alone (no clock, no random()), so a second night
 * with the same seed signs the same payloads and the server answers
 * "duplicate" to each.
 *
 * The shape of the night: turnout 30-60% by station around a level of its
 * region; party shares from a fixed popularity (a few large parties, several
 * below the 5% threshold) bent by region and station, so that thresholds and
 * regional strongholds matter; district candidates by district; invalid
 * ballots 1-2.5%, "against all" 1-3% (list) and 2-6% (districts); preference
 * votes falling with the list position.  Every report keeps the control
 * relations of DOMAIN.md by construction.
 */
#include "asu_sim.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/jws.h"

/* What a draw is for: the third input of asu_draw, so no two uses share a value. */
enum tag {
    T_TURNOUT_REGION = 1,
    T_TURNOUT_STATION,
    T_TAKEN,
    T_LIST_INVALID,
    T_LIST_AGAINST,
    T_PARTY_RANK,
    T_PARTY_REGION,
    T_PARTY_STATION,
    T_PREF_SHARE,
    T_PREF_POSITION,
    T_DISTRICT_INVALID,
    T_DISTRICT_AGAINST,
    T_CANDIDATE,
    T_CANDIDATE_STATION,
    T_HOUR_PACE,
    T_HOUR_CLOCK,
    T_OPENING_CLOCK,
    T_FINAL_EARLY,
    T_FINAL_SPREAD,
    T_FINAL_LATE,
};

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

double asu_draw(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t h = mix64(seed ^ mix64(a ^ mix64(b ^ mix64(c))));
    return (double)(h >> 11) * 0x1.0p-53;
}

void asu_device_id(long election, int station, char out[21])
{
    snprintf(out, 21, "%06lu%014u", (unsigned long)election % 1000000u,
             (unsigned)station % 100000000u);
}

/* ---- Reading $VAR/asu ----------------------------------------------------- */

/* Comma-separated numbers ("-": none) into marks[n - 1] = true for each n in 1..max. */
static int parse_marks(const char *s, bool *marks, int max)
{
    if (strcmp(s, "-") == 0)
        return 0;
    while (*s != '\0') {
        char *end;
        errno = 0;
        long n = strtol(s, &end, 10);
        if (errno != 0 || end == s || n < 1 || n > max || (*end != ',' && *end != '\0'))
            return -1;
        marks[n - 1] = true;
        s = *end == ',' ? end + 1 : end;
    }
    return 0;
}

static int parse_hours(const char *s, struct asu_election *e)
{
    e->nhours = 0;
    while (*s != '\0') {
        char *end;
        long h = strtol(s, &end, 10);
        if (end == s || h < 8 || h > 19 || e->nhours == ASU_MAX_HOURS ||
            (e->nhours > 0 && h <= e->hours[e->nhours - 1]) || (*end != ',' && *end != '\0'))
            return -1;
        e->hours[e->nhours++] = (int)h;
        s = *end == ',' ? end + 1 : end;
    }
    return e->nhours > 0 ? 0 : -1;
}

static int read_ballots(FILE *f, const char *path, struct asu_devices *d)
{
    char line[4096];
    size_t cap = 0, lineno = 0;
    bool have_election = false;
    struct asu_election *e = &d->election;
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char w[6][1024];
        int n = sscanf(line, "%1023s %1023s %1023s %1023s %1023s %1023s", w[0], w[1], w[2], w[3],
                       w[4], w[5]);
        bool ok = false;
        if (n == 5 && strcmp(w[0], "election") == 0) {
            e->id = atol(w[1]);
            ok = e->id > 0 && strlen(w[2]) == 10 && strlen(w[3]) == 6 && parse_hours(w[4], e) == 0;
            if (ok) {
                memcpy(e->date, w[2], 11);
                memcpy(e->offset, w[3], 7);
                have_election = true;
            }
        } else if (n == 5 && strcmp(w[0], "party") == 0) {
            int pos = atoi(w[1]), len = atoi(w[3]);
            ok = pos == e->list.nentries + 1 && pos <= ASU_MAX_PARTIES && len >= 0 &&
                len <= ASU_MAX_LIST && parse_marks(w[4], e->list.position_void[pos - 1], len) == 0;
            if (ok) {
                e->list.entry_void[pos - 1] = strcmp(w[2], "1") == 0;
                e->list.length[pos - 1] = len;
                e->list.nentries = pos;
            }
        } else if (n == 4 && strcmp(w[0], "district") == 0) {
            int dn = atoi(w[1]), entries = atoi(w[2]);
            ok = dn >= 1 && dn <= ASU_MAX_DISTRICT && entries >= 1 && entries <= ASU_MAX_PARTIES &&
                parse_marks(w[3], e->district[dn].entry_void, entries) == 0;
            if (ok)
                e->district[dn].nentries = entries;
        } else if (n == 6 && strcmp(w[0], "station") == 0) {
            if (d->nstations == cap) {
                cap = cap == 0 ? 256 : 2 * cap;
                struct asu_station *s = realloc(d->stations, cap * sizeof(*s));
                if (s == NULL) {
                    fprintf(stderr, "shailoo-asu: out of memory\n");
                    return -1;
                }
                d->stations = s;
            }
            struct asu_station *s = &d->stations[d->nstations];
            memset(s, 0, sizeof(*s));
            s->number = atoi(w[1]);
            s->region = atoi(w[3]);
            s->district = atoi(w[4]);
            s->voters = atol(w[5]);
            ok = s->number > 0 && strlen(w[2]) == 20 && s->region >= 0 && s->region <= 9 &&
                s->district >= 0 && s->district <= ASU_MAX_DISTRICT && s->voters >= 0 &&
                (s->district == 0) == (s->region == 0) &&
                (d->nstations == 0 || d->stations[d->nstations - 1].number < s->number);
            if (ok) {
                memcpy(s->device_id, w[2], 21);
                d->nstations++;
            }
        }
        if (!ok) {
            fprintf(stderr, "shailoo-asu: %s:%zu: not understood: %.80s\n", path, lineno, line);
            return -1;
        }
    }
    if (!have_election || e->list.nentries == 0) {
        fprintf(stderr, "shailoo-asu: %s: no election or list contest\n", path);
        return -1;
    }
    for (size_t i = 0; i < d->nstations; i++) {
        int dn = d->stations[i].district;
        if (dn != 0 && e->district[dn].nentries == 0) {
            fprintf(stderr, "shailoo-asu: %s: station %d is in district %d, which has no ballot\n",
                    path, d->stations[i].number, dn);
            return -1;
        }
    }
    return 0;
}

struct evp_pkey_st *asu_key_from_line(const char *body)
{
    size_t n = strlen(body);
    if (n == 0 || n > 4000)
        return NULL;
    /* PEM again: the body in lines of 64 between the armour. */
    char pem[4300];
    size_t o = (size_t)snprintf(pem, sizeof(pem), "-----BEGIN PRIVATE KEY-----\n");
    for (size_t i = 0; i < n; i += 64) {
        size_t k = n - i < 64 ? n - i : 64;
        memcpy(pem + o, body + i, k);
        o += k;
        pem[o++] = '\n';
    }
    o += (size_t)snprintf(pem + o, sizeof(pem) - o, "-----END PRIVATE KEY-----\n");
    return jws_private_key(pem, o);
}

static struct asu_station *find_station(struct asu_devices *d, int number)
{
    size_t lo = 0, hi = d->nstations;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->stations[mid].number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->nstations && d->stations[lo].number == number ? &d->stations[lo] : NULL;
}

static int read_keys(FILE *f, const char *path, struct asu_devices *d)
{
    char line[4200];
    size_t lineno = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char dev[32], body[4100];
        int number;
        if (sscanf(line, "%31s %d %4099s", dev, &number, body) != 3) {
            fprintf(stderr, "shailoo-asu: %s:%zu: not understood\n", path, lineno);
            return -1;
        }
        struct asu_station *s = find_station(d, number);
        if (s == NULL || strcmp(s->device_id, dev) != 0)
            continue; /* a station whose device is not ours now */
        if (s->key != NULL)
            jws_key_free(s->key);
        s->key = asu_key_from_line(body);
        if (s->key == NULL) {
            fprintf(stderr, "shailoo-asu: %s:%zu: not an EC P-256 private key\n", path, lineno);
            return -1;
        }
    }
    return 0;
}

int asu_devices_read(const char *dir, struct asu_devices *d)
{
    memset(d, 0, sizeof(*d));
    char path[4096];
    snprintf(path, sizeof(path), "%s/ballots.txt", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "shailoo-asu: %s: %s (scripts/instance.sh start writes it)\n", path,
                strerror(errno));
        return -1;
    }
    int rc = read_ballots(f, path, d);
    fclose(f);
    if (rc == 0) {
        snprintf(path, sizeof(path), "%s/keys.txt", dir);
        f = fopen(path, "r");
        if (f == NULL) {
            fprintf(stderr, "shailoo-asu: %s: %s\n", path, strerror(errno));
            rc = -1;
        } else {
            rc = read_keys(f, path, d);
            fclose(f);
        }
    }
    if (rc == 0)
        for (size_t i = 0; i < d->nstations; i++)
            if (d->stations[i].key == NULL)
                fprintf(
                    stderr,
                    "shailoo-asu: warning: no private key for device %s (station %d): skipped\n",
                    d->stations[i].device_id, d->stations[i].number);
    if (rc != 0)
        asu_devices_free(d);
    return rc;
}

void asu_devices_free(struct asu_devices *d)
{
    for (size_t i = 0; i < d->nstations; i++)
        jws_key_free(d->stations[i].key);
    free(d->stations);
    d->stations = NULL;
    d->nstations = 0;
}

/* ---- The day of a device ---------------------------------------------------- */

size_t asu_day(const struct asu_election *e, const struct asu_station *s, uint64_t seed,
               struct asu_report out[ASU_MAX_REPORTS])
{
    size_t n = 0;
    uint64_t st = (uint64_t)s->number;
    out[n++] = (struct asu_report){ASU_OPENING, 1, 0,
                                   8 * 3600 + (long)(60 * asu_draw(seed, st, 0, T_OPENING_CLOCK))};
    for (int i = 0; i < e->nhours; i++) {
        long clock =
            e->hours[i] * 3600L + (long)(180 * asu_draw(seed, st, (uint64_t)i, T_HOUR_CLOCK));
        out[n] = (struct asu_report){ASU_TURNOUT, (int)n + 1, e->hours[i], clock};
        n++;
    }
    /*
     * The final after the polls close at 20:00: 84% within the first hour
     * (a bell around 20:30), the rest spread over the next two hours, fewer
     * and fewer (DOMAIN.md: 84% of the 2021 reports between 20:00 and 21:00).
     */
    long after;
    if (asu_draw(seed, st, 0, T_FINAL_EARLY) < 0.84) {
        double x = (asu_draw(seed, st, 1, T_FINAL_SPREAD) + asu_draw(seed, st, 2, T_FINAL_SPREAD) +
                    asu_draw(seed, st, 3, T_FINAL_SPREAD)) /
            3;
        after = 30 + (long)(3560 * x);
    } else {
        double x = -log(1 - asu_draw(seed, st, 0, T_FINAL_LATE) * (1 - exp(-3.0))) /
            3.0; /* 0..1, decaying */
        after = 3600 + (long)(7199 * x);
    }
    out[n] = (struct asu_report){ASU_FINAL, (int)n + 1, 0, 20 * 3600L + after};
    n++;
    return n;
}

/* ---- Figures ------------------------------------------------------------ */

/* total split in proportion to w[0..n) (largest remainder, ties to the lower index). */
static void apportion(long total, const double *w, int n, long *out)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += w[i];
    double frac[ASU_MAX_PARTIES > ASU_MAX_LIST ? ASU_MAX_PARTIES : ASU_MAX_LIST];
    long given = 0;
    for (int i = 0; i < n; i++) {
        double q = sum > 0 ? (double)total * w[i] / sum : 0;
        out[i] = (long)floor(q);
        frac[i] = w[i] > 0 ? q - floor(q) : -1;
        given += out[i];
    }
    while (sum > 0 && given < total) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (frac[i] >= 0 && (best < 0 || frac[i] > frac[best]))
                best = i;
        if (best < 0)
            break;
        out[best]++;
        frac[best] = -1;
        given++;
    }
}

struct contest_figures {
    long voters, received, issued, cancelled, in_boxes, invalid, valid, against_all;
    long votes[ASU_MAX_PARTIES];
    long prefs[ASU_MAX_PARTIES][ASU_MAX_LIST];
};

static double turnout_rate(const struct asu_station *s, uint64_t seed)
{
    double region = s->region == 0
        ? 0.30 + 0.05 * asu_draw(seed, 0, 0, T_TURNOUT_REGION)
        : 0.36 + 0.16 * asu_draw(seed, (uint64_t)s->region, 0, T_TURNOUT_REGION);
    double t = region + 0.16 * (asu_draw(seed, (uint64_t)s->number, 0, T_TURNOUT_STATION) - 0.5);
    return t < 0.30 ? 0.30 : t > 0.60 ? 0.60 : t;
}

/* The ballot-paper lines both contests share (one voter, both ballots). */
static void paper_lines(const struct asu_station *s, uint64_t seed, struct contest_figures *c)
{
    c->voters = s->voters;
    c->received = s->voters;
    c->issued = (long)floor((double)s->voters * turnout_rate(s, seed) + 0.5);
    if (c->issued > c->voters)
        c->issued = c->voters;
    c->cancelled = c->received - c->issued;
    /* A few ballots taken away, never put in a box. */
    c->in_boxes = c->issued -
        (long)floor((double)c->issued * 0.004 * asu_draw(seed, (uint64_t)s->number, 0, T_TAKEN));
}

static void list_figures(const struct asu_election *e, const struct asu_station *s, uint64_t seed,
                         struct contest_figures *c)
{
    const struct asu_ballot *b = &e->list;
    uint64_t st = (uint64_t)s->number;
    memset(c, 0, sizeof(*c));
    paper_lines(s, seed, c);
    c->invalid = (long)floor(
        (double)c->in_boxes * (0.008 + 0.017 * asu_draw(seed, st, 0, T_LIST_INVALID)) + 0.5);
    c->valid = c->in_boxes - c->invalid;
    c->against_all =
        (long)floor((double)c->valid * (0.01 + 0.02 * asu_draw(seed, st, 0, T_LIST_AGAINST)) + 0.5);

    /* Popularity: the party ranked r (a fixed shuffle of the ballot) has weight e^(-0.3 r),
     * about 26%, 19%, 14%, 11%, 8%, 6%, 4%, 3%... of the country. */
    double w[ASU_MAX_PARTIES] = {0};
    for (int p = 0; p < b->nentries; p++) {
        double mine = asu_draw(seed, (uint64_t)p, 0, T_PARTY_RANK);
        int rank = 0;
        for (int q = 0; q < b->nentries; q++) {
            double other = asu_draw(seed, (uint64_t)q, 0, T_PARTY_RANK);
            if (other > mine || (other == mine && q < p))
                rank++;
        }
        double region =
            exp(1.0 * (asu_draw(seed, (uint64_t)s->region, (uint64_t)p, T_PARTY_REGION) - 0.5));
        double station = exp(0.3 * (asu_draw(seed, st, (uint64_t)p, T_PARTY_STATION) - 0.5));
        w[p] = b->entry_void[p] ? 0 : exp(-0.3 * rank) * region * station;
    }
    apportion(c->valid - c->against_all, w, b->nentries, c->votes);
    bool anyone = false;
    for (int p = 0; p < b->nentries; p++)
        anyone = anyone || w[p] > 0;
    if (!anyone)
        c->against_all = c->valid;

    /* Preference votes: 55-90% of a party's voters mark one, falling with the position. */
    for (int p = 0; p < b->nentries; p++) {
        long marked = (long)floor((double)c->votes[p] *
                                  (0.55 + 0.35 * asu_draw(seed, st, (uint64_t)p, T_PREF_SHARE)));
        double pw[ASU_MAX_LIST];
        for (int j = 0; j < b->length[p]; j++)
            pw[j] = b->position_void[p][j] ? 0
                                           : pow(j + 1.0, -1.2) *
                    exp(0.8 * (asu_draw(seed, st, (uint64_t)(p * 64 + j), T_PREF_POSITION) - 0.5));
        apportion(marked, pw, b->length[p], c->prefs[p]);
    }
}

static void district_figures(const struct asu_election *e, const struct asu_station *s,
                             uint64_t seed, struct contest_figures *c)
{
    const struct asu_ballot *b = &e->district[s->district];
    uint64_t st = (uint64_t)s->number;
    memset(c, 0, sizeof(*c));
    paper_lines(s, seed, c);
    c->invalid = (long)floor(
        (double)c->in_boxes * (0.01 + 0.015 * asu_draw(seed, st, 0, T_DISTRICT_INVALID)) + 0.5);
    c->valid = c->in_boxes - c->invalid;
    c->against_all = (long)floor(
        (double)c->valid * (0.02 + 0.04 * asu_draw(seed, st, 0, T_DISTRICT_AGAINST)) + 0.5);
    double w[ASU_MAX_PARTIES] = {0};
    bool anyone = false;
    for (int i = 0; i < b->nentries; i++) {
        double cand = exp(1.6 * asu_draw(seed, (uint64_t)s->district, (uint64_t)i, T_CANDIDATE));
        double station = exp(0.4 * (asu_draw(seed, st, (uint64_t)i, T_CANDIDATE_STATION) - 0.5));
        w[i] = b->entry_void[i] ? 0 : cand * station;
        anyone = anyone || w[i] > 0;
    }
    apportion(c->valid - c->against_all, w, b->nentries, c->votes);
    if (!anyone)
        c->against_all = c->valid;
}

/* Ballots issued by the hour: a day's pace, a little different at each station. */
static long voted_at(const struct asu_election *e, const struct asu_station *s, uint64_t seed,
                     int hour)
{
    struct contest_figures c;
    memset(&c, 0, sizeof(c));
    paper_lines(s, seed, &c);
    long voted = 0;
    for (int i = 0; i < e->nhours && e->hours[i] <= hour; i++) {
        double f = pow((e->hours[i] - 8) / 12.0, 1.1) *
            (0.95 + 0.1 * asu_draw(seed, (uint64_t)s->number, (uint64_t)i, T_HOUR_PACE));
        long v = (long)floor((double)c.issued * (f > 1 ? 1 : f));
        voted = v > voted ? v : voted; /* never fewer than an hour before */
    }
    return voted > c.issued ? c.issued : voted;
}

/* ---- Payloads ----------------------------------------------------------- */

struct sbuf {
    char *p;
    size_t len, cap;
    bool failed;
};

__attribute__((format(printf, 2, 3))) static void put(struct sbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = true;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = 2 * b->cap + (size_t)n + 1;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
}

static void put_counts(struct sbuf *b, const long *v, int n)
{
    put(b, "[");
    for (int i = 0; i < n; i++)
        put(b, i == 0 ? "%ld" : ",%ld", v[i]);
    put(b, "]");
}

static void put_contest(struct sbuf *b, const struct contest_figures *c, int district, int nentries,
                        const struct asu_ballot *list)
{
    if (district == 0)
        put(b, "{\"kind\":\"list\"");
    else
        put(b, "{\"kind\":\"district\",\"district\":%d", district);
    put(b,
        ",\"voters\":%ld,\"received\":%ld,\"issued\":%ld,\"cancelled\":%ld,\"in_boxes\":%ld,"
        "\"invalid\":%ld,\"valid\":%ld,\"votes\":",
        c->voters, c->received, c->issued, c->cancelled, c->in_boxes, c->invalid, c->valid);
    put_counts(b, c->votes, nentries);
    put(b, ",\"against_all\":%ld", c->against_all);
    if (list != NULL) {
        put(b, ",\"preferences\":[");
        for (int p = 0; p < list->nentries; p++) {
            if (p > 0)
                put(b, ",");
            put_counts(b, c->prefs[p], list->length[p]);
        }
        put(b, "]");
    }
    put(b, "}");
}

char *asu_payload(const struct asu_election *e, const struct asu_station *s,
                  const struct asu_report *r, uint64_t seed)
{
    static const char *const kinds[] = {"opening", "turnout", "final"};
    struct sbuf b = {malloc(2048), 0, 2048, false};
    if (b.p == NULL)
        return NULL;
    long t = r->clock;
    put(&b,
        "{\"kind\":\"%s\",\"device_id\":\"%s\",\"election_id\":%ld,\"station\":%d,\"seq\":%d,"
        "\"time\":\"%sT%02ld:%02ld:%02ld%s\"",
        kinds[r->kind], s->device_id, e->id, s->number, r->seq, e->date, t / 3600 % 24, t / 60 % 60,
        t % 60, e->offset);
    if (r->kind == ASU_OPENING) {
        put(&b, ",\"voters\":%ld,\"voted\":0}", s->voters);
    } else if (r->kind == ASU_TURNOUT) {
        put(&b, ",\"voters\":%ld,\"voted\":%ld,\"hour\":%d}", s->voters,
            voted_at(e, s, seed, r->hour), r->hour);
    } else {
        /* Large enough for two contests of 64 entries and 64 lists of 54 positions: heap, not stack. */
        struct contest_figures *c = malloc(sizeof(*c));
        if (c == NULL) {
            free(b.p);
            return NULL;
        }
        list_figures(e, s, seed, c);
        put(&b, ",\"contests\":[");
        put_contest(&b, c, 0, e->list.nentries, &e->list);
        if (s->district != 0) {
            district_figures(e, s, seed, c);
            put(&b, ",");
            put_contest(&b, c, s->district, e->district[s->district].nentries, NULL);
        }
        put(&b, "]}");
        free(c);
    }
    if (b.failed) {
        free(b.p);
        return NULL;
    }
    return b.p;
}
