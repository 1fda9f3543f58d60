/*
 * The log replayed (verify.h), by the rules of asu_accept() and
 * protocol_enter() (sql/functions/010_results.sql, 028_protocols.sql): a
 * final is applied unless a later final (a higher seq) of the same device is
 * in force, so that a replacement device's finals replace; an opening or a
 * turnout is applied unless the same device's later report of that hour is;
 * an identification report likewise per stage; a station's official figures
 * are its latest protocol version.  Each "applied" flag of the log is
 * checked against the rule; a station's figures can be had as the log stood
 * after any entry, so that an answer is compared with the log as it was
 * when the answer was made (the entry it names).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

#define SLOTS 24 /* turnout hours; identification stages use 0 and 1 */

static int add_index(struct verify_station *st, size_t i)
{
    if (st->nentries == st->cap) {
        size_t cap = st->cap > 0 ? st->cap * 2 : 16;
        size_t *p = realloc(st->entries, cap * sizeof(*p));
        if (p == NULL)
            return -1;
        st->entries = p;
        st->cap = cap;
    }
    st->entries[st->nentries++] = i;
    return 0;
}

/* Whether e is applied by the rule, the entry in force before it being cur (or NULL). */
static bool applies(const struct verify_entry *cur, const struct verify_entry *e)
{
    return cur == NULL || strcmp(cur->device, e->device) != 0 ||
        cur->seq_of_device <= e->seq_of_device;
}

static void check_applied(struct verify *v, const struct verify_entry *e, bool rule,
                          const struct verify_entry *cur)
{
    if (rule == e->applied)
        return;
    if (rule)
        verify_mismatch(v,
                        "log entry %lld: station %d's %s is marked not applied; by the rule it "
                        "is applied",
                        (long long)e->seq, e->station, e->kind == VK_FINAL ? "final" : "report");
    else
        verify_mismatch(v,
                        "log entry %lld: station %d's %s is marked applied; by the rule it is not "
                        "(the same device's seq %lld, log entry %lld, is in force)",
                        (long long)e->seq, e->station, e->kind == VK_FINAL ? "final" : "report",
                        (long long)cur->seq_of_device, (long long)cur->seq);
}

/* One station's entries in log order: the applied flags, the protocol versions, repeats. */
static void replay_station(struct verify *v, struct verify_station *st)
{
    const struct verify_entry *final = NULL, *turnout[SLOTS] = {NULL}, *ident[2] = {NULL};
    int64_t version = 0;
    for (size_t k = 0; k < st->nentries; k++) {
        struct verify_entry *e = &v->entries[st->entries[k]];
        for (size_t j = 0; j < k && e->kind != VK_PROTOCOL; j++) {
            const struct verify_entry *o = &v->entries[st->entries[j]];
            if (o->kind != VK_PROTOCOL && strcmp(o->device, e->device) == 0 &&
                o->seq_of_device == e->seq_of_device)
                verify_mismatch(v,
                                "log entry %lld: device %s's seq %lld is logged twice (first "
                                "at entry %lld)",
                                (long long)e->seq, e->device, (long long)e->seq_of_device,
                                (long long)o->seq);
        }
        const struct verify_entry **slot = NULL;
        switch (e->kind) {
        case VK_FINAL:
            slot = &final;
            break;
        case VK_OPENING:
        case VK_TURNOUT:
            slot = e->slot >= 0 && e->slot < SLOTS ? &turnout[e->slot] : NULL;
            break;
        case VK_IDENTIFICATION:
            slot = &ident[e->slot != 0];
            break;
        case VK_PROTOCOL:
            if (e->version != version + 1)
                verify_mismatch(v,
                                "log entry %lld: station %d's protocol version %lld follows "
                                "version %lld",
                                (long long)e->seq, st->number, (long long)e->version,
                                (long long)version);
            version = e->version;
            break;
        default:
            break;
        }
        if (slot == NULL)
            continue;
        bool rule = applies(*slot, e);
        check_applied(v, e, rule, *slot);
        if (rule)
            *slot = e;
        e->in_force = rule && e->kind == VK_FINAL;
    }
}

static int by_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* No report and no protocol version twice in the log. */
static void check_ids(struct verify *v)
{
    int64_t *ids = malloc((v->nentries > 0 ? v->nentries : 1) * sizeof(int64_t));
    if (ids == NULL)
        return;
    for (int protocol = 0; protocol < 2; protocol++) {
        size_t n = 0;
        for (size_t i = 0; i < v->nentries; i++)
            if ((v->entries[i].kind == VK_PROTOCOL) == protocol && v->entries[i].kind < VK__MAX)
                ids[n++] = protocol ? v->entries[i].protocol_id : v->entries[i].report_id;
        qsort(ids, n, sizeof(int64_t), by_id);
        for (size_t i = 1; i < n; i++)
            if (ids[i] == ids[i - 1])
                verify_mismatch(v, "log: %s %lld is logged more than once",
                                protocol ? "protocol version" : "report", (long long)ids[i]);
    }
    free(ids);
}

void verify_replay(struct verify *v)
{
    for (size_t i = 0; i < v->nentries; i++) {
        struct verify_station *st = verify_station(v, v->entries[i].station);
        if (st != NULL && v->entries[i].kind < VK__MAX && add_index(st, i) < 0) {
            fprintf(stderr, "shailoo-verify: out of memory\n");
            return;
        }
    }
    check_ids(v);
    for (size_t s = 0; s < v->nstations; s++)
        replay_station(v, &v->stations[s]);
}

void verify_state_at(const struct verify *v, const struct verify_station *st, int64_t asof,
                     struct verify_state *out)
{
    out->final = out->protocol = NULL;
    for (size_t k = 0; k < st->nentries; k++) {
        const struct verify_entry *e = &v->entries[st->entries[k]];
        if (e->seq > asof)
            continue;
        if (e->kind == VK_FINAL && e->in_force)
            out->final = e;
        else if (e->kind == VK_PROTOCOL)
            out->protocol = e;
    }
}

const struct verify_contest *verify_contest_of(const struct verify_entry *e,
                                               struct verify_contest_id k)
{
    for (size_t i = 0; e != NULL && e->fig != NULL && i < e->fig->n; i++)
        if (e->fig->c[i].kind == k.kind && e->fig->c[i].number == k.number)
            return &e->fig->c[i];
    return NULL;
}

bool verify_votes_in(const struct verify *v, const struct verify_station *st,
                     struct verify_contest_id k)
{
    if (k.kind == CONTEST_DISTRICT)
        return st->district == k.number;
    if (k.kind != CONTEST_COUNCIL)
        return true;
    for (size_t i = 0; i < v->ncouncils; i++)
        if (v->councils[i].id == k.number)
            return st->region == v->councils[i].position && st->region < VERIFY_REGIONS;
    return false;
}

/* Whether station st counts in area for contest k (results_station_areas, 010_results.sql). */
static bool counts_in(const struct verify *v, const struct verify_station *st, int area,
                      struct verify_contest_id k)
{
    if (!verify_votes_in(v, st, k))
        return false;
    if (k.kind == CONTEST_DISTRICT)
        return area == 100 + st->district;
    if (k.kind == CONTEST_COUNCIL)
        return area == st->region;
    return area == 0 || (area <= VERIFY_REGIONS ? st->region == area : st->district == area - 100);
}

static void add_contest(struct verify_sums *s, const struct verify_contest *c)
{
    for (int k = 0; k < VERIFY_LINES; k++)
        s->line[k] += c->line[k];
    for (size_t i = 0; i < c->nvotes; i++)
        s->votes[i] += c->votes[i];
    if (c->nvotes > s->nvotes)
        s->nvotes = c->nvotes;
    const int64_t *p = c->pref;
    for (size_t i = 0; i < c->nparties; p += c->pref_len[i], i++) {
        for (size_t k = 0; k < c->pref_len[i]; k++)
            s->pref[i][k] += p[k];
        if (c->pref_len[i] > s->pref_len[i])
            s->pref_len[i] = c->pref_len[i];
    }
    if (c->nparties > s->nparties)
        s->nparties = c->nparties;
}

void verify_sum(const struct verify *v, int area, struct verify_contest_id k, bool official,
                int64_t asof, struct verify_sums *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < v->nstations; i++) {
        const struct verify_station *st = &v->stations[i];
        if (!counts_in(v, st, area, k))
            continue;
        out->total++;
        struct verify_state state;
        verify_state_at(v, st, asof, &state);
        const struct verify_entry *e = official ? state.protocol : state.final;
        if (e == NULL)
            continue;
        out->reported++;
        const struct verify_contest *c = verify_contest_of(e, k);
        if (c != NULL)
            add_contest(out, c);
    }
}
