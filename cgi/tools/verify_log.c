/*
 * The public log (verify.h): every page read in order; the chain checked
 * as it comes (no gaps, each prev_hash the previous entry's hash, each hash
 * SHA-256("seq|time|sha256|prev_hash"), the head the last entry); then each
 * entry's own text: the SHA-256 of its JWS or protocol text, the JWS's
 * signature with its device's published key, and its payload read as the
 * API reads it (cgi/api/asu_report.c) with the control relations of
 * cgi/rules/protocol.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/asu_report.h"
#include "core/json.h"
#include "core/jws.h"
#include "verify.h"

static const char zero_hash[HEX_HASH] =
    "0000000000000000000000000000000000000000000000000000000000000000";
static const char *const kind_names[VK__MAX] = {"opening", "turnout", "final", "identification",
                                                "protocol"};

static bool is_hash(const char *s)
{
    if (s == NULL || strlen(s) != 64)
        return false;
    for (; *s != '\0'; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

/* YYYY-MM-DDTHH:MM:SS.ffffffZ, as the log shows times. */
static bool is_log_time(const char *s)
{
    static const char pattern[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
    if (s == NULL || strlen(s) != sizeof(pattern) - 1)
        return false;
    for (size_t i = 0; pattern[i] != '\0'; i++)
        if (pattern[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pattern[i])
            return false;
    return true;
}

static const char *jstr(struct json_object *o, const char *key)
{
    struct json_object *x = verify_json_get(o, key);
    return x != NULL && json_object_is_type(x, json_type_string) ? json_object_get_string(x) : NULL;
}

static void copy_hash(char *out, const char *s)
{
    snprintf(out, HEX_HASH, "%s", is_hash(s) ? s : "");
}

/* A log item into *e: NULL, or the first member missing or of the wrong shape. */
static const char *read_item(struct json_object *it, struct verify_entry *e)
{
    int64_t x;
    const char *kind = jstr(it, "kind"), *s;
    if (!verify_json_int(it, "seq", &e->seq))
        return "seq";
    s = jstr(it, "time");
    snprintf(e->time, sizeof(e->time), "%s", s != NULL ? s : "");
    copy_hash(e->sha256, jstr(it, "sha256"));
    copy_hash(e->prev_hash, jstr(it, "prev_hash"));
    copy_hash(e->hash, jstr(it, "hash"));
    if (!is_log_time(e->time))
        return "time";
    if (e->sha256[0] == '\0' || e->prev_hash[0] == '\0' || e->hash[0] == '\0')
        return "sha256, prev_hash or hash (64 lowercase hex digits)";
    if (!verify_json_int(it, "station", &x) || x < STATION_MIN || x > STATION_MAX)
        return "station";
    e->station = (int)x;
    e->kind = VK__MAX;
    for (int k = 0; kind != NULL && k < VK__MAX; k++)
        if (strcmp(kind, kind_names[k]) == 0)
            e->kind = (enum verify_kind)k;
    if (e->kind == VK__MAX)
        return "kind";
    struct json_object *applied = verify_json_get(it, "applied");
    if (applied == NULL || !json_object_is_type(applied, json_type_boolean))
        return "applied";
    e->applied = json_object_get_boolean(applied);
    if (e->kind == VK_PROTOCOL) {
        if (!verify_json_int(it, "protocol_id", &e->protocol_id))
            return "protocol_id";
        if (!verify_json_int(it, "version", &e->version))
            return "version";
        return (s = jstr(it, "body")) != NULL && (e->text = strdup(s)) != NULL ? NULL : "body";
    }
    if (!verify_json_int(it, "report_id", &e->report_id))
        return "report_id";
    if (!verify_json_int(it, "seq_of_device", &e->seq_of_device))
        return "seq_of_device";
    if ((s = jstr(it, "device_id")) == NULL || strlen(s) != DEVICE_ID_DIGITS)
        return "device_id";
    memcpy(e->device, s, DEVICE_ID_DIGITS + 1);
    return (s = jstr(it, "jws")) != NULL && (e->text = strdup(s)) != NULL ? NULL : "jws";
}

/* The chain at entry e, prev the entry before it in the log (or NULL). */
static void check_link(struct verify *v, const struct verify_entry *e,
                       const struct verify_entry *prev)
{
    int64_t want = prev != NULL ? prev->seq + 1 : 1;
    if (e->seq > want)
        verify_mismatch(v, "log entry %lld%s: missing (the log goes from %lld to %lld)",
                        (long long)want, e->seq > want + 1 ? " and more" : "", (long long)want - 1,
                        (long long)e->seq);
    else if (e->seq < want)
        verify_mismatch(v, "log entry %lld: out of order (after entry %lld)", (long long)e->seq,
                        (long long)want - 1);
    else if (strcmp(e->prev_hash, prev != NULL ? prev->hash : zero_hash) != 0)
        verify_mismatch(v,
                        "log entry %lld: prev_hash does not match entry %lld's hash: the chain is "
                        "broken",
                        (long long)e->seq, (long long)want - 1);
    if (prev != NULL && strcmp(e->time, prev->time) < 0)
        verify_mismatch(v, "log entry %lld: its time %s is before entry %lld's", (long long)e->seq,
                        e->time, (long long)prev->seq);
    char text[64 + 3 * HEX_HASH], hash[HEX_HASH];
    int n = snprintf(text, sizeof(text), "%lld|%s|%s|%s", (long long)e->seq, e->time, e->sha256,
                     e->prev_hash);
    jws_sha256_hex(text, (size_t)n, hash);
    if (strcmp(hash, e->hash) != 0)
        verify_mismatch(v,
                        "log entry %lld: hash does not match its contents (seq|time|sha256|"
                        "prev_hash gives %.16s..., the log says %.16s...)",
                        (long long)e->seq, hash, e->hash);
}

static int add_entry(struct verify *v, const struct verify_entry *e)
{
    if (v->nentries == v->cap) {
        size_t cap = v->cap > 0 ? v->cap * 2 : 4096;
        struct verify_entry *p = realloc(v->entries, cap * sizeof(*p));
        if (p == NULL)
            return -1;
        v->entries = p;
        v->cap = cap;
    }
    v->entries[v->nentries++] = *e;
    return 0;
}

/* One page's items; *last the seq of its last item. 0, or -1 out of memory. */
static int read_items(struct verify *v, struct json_object *items)
{
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        struct verify_entry e;
        memset(&e, 0, sizeof(e));
        const char *bad = read_item(json_object_array_get_idx(items, i), &e);
        if (bad != NULL) {
            verify_mismatch(v, "log entry %lld: malformed (%s)", (long long)e.seq, bad);
            free(e.text);
            e.text = NULL;
            if (!is_log_time(e.time) || e.hash[0] == '\0')
                continue; /* not even a link of the chain */
        }
        check_link(v, &e, v->nentries > 0 ? &v->entries[v->nentries - 1] : NULL);
        if (add_entry(v, &e) < 0) {
            free(e.text);
            return -1;
        }
    }
    return 0;
}

/* The head a page names, against the last entry read. */
static void check_head(struct verify *v, struct json_object *page)
{
    struct json_object *head = verify_json_get(page, "head");
    const struct verify_entry *last = v->nentries > 0 ? &v->entries[v->nentries - 1] : NULL;
    int64_t seq = 0;
    const char *hash = head != NULL ? jstr(head, "hash") : NULL;
    if (head != NULL && !verify_json_int(head, "seq", &seq))
        seq = -1;
    v->head_seq = seq;
    snprintf(v->head_hash, HEX_HASH, "%s", hash != NULL ? hash : "");
    if (last == NULL ? head != NULL
                     : (seq != last->seq || hash == NULL || strcmp(hash, last->hash)))
        verify_mismatch(
            v, "log head: seq %lld, hash %.16s... is not the last entry (%lld, %.16s...)",
            (long long)seq, hash != NULL ? hash : "none", (long long)(last != NULL ? last->seq : 0),
            last != NULL ? last->hash : "none");
}

int verify_read_log(struct verify *v)
{
    int64_t after = 0;
    for (;;) {
        char path[160], *body;
        size_t len;
        snprintf(path, sizeof(path), "/api/v1/results/elections/%ld/log?after=%lld&limit=%d",
                 v->election, (long long)after, VERIFY_PAGE);
        if (verify_fetch(&v->src, path, &body, &len) < 0)
            return -1;
        struct json_object *page = verify_parse(v, path, body), *items, *next;
        free(body);
        if (page == NULL)
            return -1;
        int64_t id = 0, next_after = 0;
        items = verify_json_get(page, "items");
        next = verify_json_get(page, "next_after");
        if (!verify_json_int(page, "election_id", &id) || id != v->election || items == NULL ||
            !json_object_is_type(items, json_type_array) ||
            (next != NULL && !verify_json_int(page, "next_after", &next_after))) {
            fprintf(stderr, "shailoo-verify: %s: not a page of election %ld's log\n", path,
                    v->election);
            json_object_put(page);
            return -1;
        }
        if (read_items(v, items) < 0) {
            json_object_put(page);
            fprintf(stderr, "shailoo-verify: out of memory\n");
            return -1;
        }
        int64_t last = v->nentries > 0 ? v->entries[v->nentries - 1].seq : 0;
        if (next == NULL) {
            check_head(v, page);
            json_object_put(page);
            return 0;
        }
        json_object_put(page);
        if (next_after != last)
            verify_mismatch(v, "log page after %lld: next_after is %lld, its last entry %lld",
                            (long long)after, (long long)next_after, (long long)last);
        if (next_after <= after) {
            verify_mismatch(v, "log page after %lld: the pages do not move on", (long long)after);
            return 0;
        }
        after = next_after;
    }
}

/* ---- Devices ------------------------------------------------------------------------ */

static int by_device(const void *a, const void *b)
{
    return strcmp(((const struct verify_device *)a)->id, ((const struct verify_device *)b)->id);
}

struct verify_device *verify_device(const struct verify *v, const char *id)
{
    struct verify_device key;
    snprintf(key.id, sizeof(key.id), "%s", id);
    return v->ndevices > 0 ? bsearch(&key, v->devices, v->ndevices, sizeof(key), by_device) : NULL;
}

int verify_read_devices(struct verify *v)
{
    char path[96], *body;
    size_t len;
    snprintf(path, sizeof(path), "/api/v1/asu/devices?election=%ld", v->election);
    if (verify_fetch(&v->src, path, &body, &len) < 0)
        return -1;
    struct json_object *o = verify_parse(v, path, body), *items;
    free(body);
    if (o == NULL)
        return -1;
    items = verify_json_get(o, "items");
    size_t n = items != NULL && json_object_is_type(items, json_type_array)
        ? json_object_array_length(items)
        : 0;
    if ((v->devices = calloc(n > 0 ? n : 1, sizeof(*v->devices))) == NULL) {
        json_object_put(o);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        struct json_object *d = json_object_array_get_idx(items, i);
        struct verify_device *dev = &v->devices[v->ndevices];
        const char *id = jstr(d, "device_id"), *pem = jstr(d, "public_key"),
                   *kind = jstr(d, "kind");
        int64_t station = 0;
        if (id == NULL || strlen(id) != DEVICE_ID_DIGITS || pem == NULL ||
            !verify_json_int(d, "station_number", &station)) {
            verify_mismatch(v, "devices: item %zu is not a device with its key", i);
            continue;
        }
        memcpy(dev->id, id, DEVICE_ID_DIGITS + 1);
        dev->station = (int)station;
        snprintf(dev->kind, sizeof(dev->kind), "%s", kind != NULL ? kind : "");
        if ((dev->pem = strdup(pem)) == NULL) {
            json_object_put(o);
            return -1;
        }
        v->ndevices++;
    }
    json_object_put(o);
    qsort(v->devices, v->ndevices, sizeof(*v->devices), by_device);
    for (size_t i = 1; i < v->ndevices; i++)
        if (strcmp(v->devices[i].id, v->devices[i - 1].id) == 0)
            verify_mismatch(v, "devices: device %s is listed twice", v->devices[i].id);
    return 0;
}

void verify_devices_free(struct verify *v)
{
    for (size_t i = 0; i < v->ndevices; i++) {
        jws_key_free(v->devices[i].key);
        free(v->devices[i].pem);
    }
    free(v->devices);
    v->devices = NULL;
    v->ndevices = 0;
}

/* ---- Each entry's text ------------------------------------------------------------------ */

/* The rules' report as the verifier keeps its figures (malloc'd), or NULL. */
static struct verify_figures *figures_of(const struct protocol_report *r)
{
    struct verify_figures *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return NULL;
    f->n = r->ncontests;
    for (size_t i = 0; i < r->ncontests; i++) {
        const struct protocol_contest *c = &r->contests[i];
        struct verify_contest *d = &f->c[i];
        const int64_t lines[VERIFY_LINES] = {c->voters,   c->received, c->issued, c->cancelled,
                                             c->in_boxes, c->invalid,  c->valid,  c->against_all};
        d->kind = c->kind;
        d->number = c->number;
        memcpy(d->line, lines, sizeof(lines));
        d->nvotes = c->nvotes;
        memcpy(d->votes, c->votes, c->nvotes * sizeof(int64_t));
        size_t total = 0;
        for (size_t p = 0; p < c->npreferences; p++)
            total += c->preference_len[p];
        d->nparties = c->npreferences;
        if ((d->pref = malloc((total > 0 ? total : 1) * sizeof(int64_t))) == NULL) {
            for (size_t k = 0; k < i; k++)
                free(f->c[k].pref);
            free(f);
            return NULL;
        }
        for (size_t p = 0, at = 0; p < c->npreferences; at += c->preference_len[p], p++) {
            d->pref_len[p] = c->preference_len[p];
            memcpy(d->pref + at, c->preferences[p], c->preference_len[p] * sizeof(int64_t));
        }
    }
    return f;
}

/*
 * A final count's control relations (the contests it gives are checked
 * against those its station votes in with the station's answer).
 */
static void check_count(struct verify *v, struct verify_entry *e, const char *what)
{
    struct protocol_failure pf;
    if (protocol_check(v->scratch, &pf) < 0)
        verify_mismatch(v, "log entry %lld: station %d's %s breaks a control relation: %s (%s)",
                        (long long)e->seq, e->station, what, pf.message, pf.field);
    if ((e->fig = figures_of(v->scratch)) == NULL)
        fprintf(stderr, "shailoo-verify: out of memory\n");
}

static void check_protocol(struct verify *v, struct verify_entry *e)
{
    char err[160];
    int64_t id = 0, station = 0, version = 0;
    struct json_fault f;
    struct json_object *o = json_parse_strict(e->text, strlen(e->text), err, sizeof(err));
    if (o == NULL) {
        verify_mismatch(v, "log entry %lld: the protocol's text is not JSON: %s", (long long)e->seq,
                        err);
        return;
    }
    if (!verify_json_int(o, "election_id", &id) || id != v->election ||
        !verify_json_int(o, "station", &station) || station != e->station ||
        !verify_json_int(o, "version", &version) || version != e->version)
        verify_mismatch(v,
                        "log entry %lld: the protocol's text names election %lld, station %lld, "
                        "version %lld; the log says %ld, %d, %lld",
                        (long long)e->seq, (long long)id, (long long)station, (long long)version,
                        v->election, e->station, (long long)e->version);
    memset(v->scratch, 0, sizeof(*v->scratch));
    v->scratch->kind = PROTOCOL_FINAL;
    if (asu_report_read_contests(o, "contests", v->scratch, &f) < 0)
        verify_mismatch(v, "log entry %lld: the protocol's figures are unreadable: %s (%s)",
                        (long long)e->seq, f.message, f.field);
    else
        check_count(v, e, "protocol");
    json_object_put(o);
}

/* The signed payload's envelope against the log's entry and the device. */
static void check_payload(struct verify *v, struct verify_entry *e, const struct jws *j)
{
    char err[160];
    struct json_fault f;
    struct protocol_report *r = v->scratch;
    struct json_object *o = json_parse_strict(j->payload, j->payload_len, err, sizeof(err));
    memset(r, 0, sizeof(*r));
    if (o == NULL || asu_report_parse(o, r, &f) < 0) {
        verify_mismatch(v, "log entry %lld: the signed payload is not a report: %s%s%s",
                        (long long)e->seq, o == NULL ? err : f.message, o == NULL ? "" : " at ",
                        o == NULL ? "" : f.field);
        json_object_put(o);
        return;
    }
    json_object_put(o);
    if (r->election_id != v->election || r->station != e->station ||
        strcmp(r->device_id, e->device) != 0 || (int)r->kind != (int)e->kind ||
        r->seq != e->seq_of_device)
        verify_mismatch(v,
                        "log entry %lld: the signed payload says election %lld, station %lld, "
                        "device %s, %s, seq %lld; the log says %ld, %d, %s, %s, %lld",
                        (long long)e->seq, (long long)r->election_id, (long long)r->station,
                        r->device_id, protocol_kind_name(r->kind), (long long)r->seq, v->election,
                        e->station, e->device, kind_names[e->kind], (long long)e->seq_of_device);
    e->slot = r->kind == PROTOCOL_OPENING ? 8
        : r->kind == PROTOCOL_TURNOUT     ? r->hour
                                          : r->final_stage;
    if (r->kind == PROTOCOL_FINAL)
        check_count(v, e, "final");
    else {
        struct protocol_failure pf;
        if (protocol_check(r, &pf) < 0)
            verify_mismatch(v, "log entry %lld: the %s report breaks a control relation: %s",
                            (long long)e->seq, protocol_kind_name(r->kind), pf.message);
    }
}

static void check_report(struct verify *v, struct verify_entry *e)
{
    struct jws j;
    const char *why;
    char kid[DEVICE_ID_DIGITS + 1];
    bool alg_ok;
    if (jws_parse(e->text, strlen(e->text), &j, &why) < 0) {
        verify_mismatch(v, "log entry %lld: the JWS is unreadable: %s", (long long)e->seq, why);
        return;
    }
    if (!asu_report_header(&j, kid, &alg_ok) || !alg_ok) {
        verify_mismatch(v,
                        "log entry %lld: the JWS's header is not {\"alg\":\"ES256\",\"kid\":...}",
                        (long long)e->seq);
        goto out;
    }
    if (strcmp(kid, e->device) != 0)
        verify_mismatch(v, "log entry %lld: the JWS is signed as device %s, the log says %s",
                        (long long)e->seq, kid, e->device);
    struct verify_device *d = verify_device(v, kid);
    if (d == NULL) {
        verify_mismatch(v, "log entry %lld: device %s is not among the published devices",
                        (long long)e->seq, kid);
    } else {
        if (d->key == NULL && !d->bad_key) {
            d->key = jws_public_key(d->pem, strlen(d->pem));
            d->bad_key = d->key == NULL;
            if (d->bad_key)
                verify_mismatch(v, "device %s: its published key is not an EC P-256 key", d->id);
        }
        if (d->key != NULL && !jws_verify_es256(e->text, &j, d->key))
            verify_mismatch(v,
                            "log entry %lld: the signature does not verify with device %s's "
                            "published key",
                            (long long)e->seq, kid);
        else if (d->key != NULL)
            v->signatures++;
        if (d->station != e->station)
            verify_mismatch(v,
                            "log entry %lld: device %s is registered for station %d, the log "
                            "puts its report at station %d",
                            (long long)e->seq, kid, d->station, e->station);
    }
    check_payload(v, e, &j);
out:
    jws_free(&j);
}

void verify_check_entries(struct verify *v)
{
    for (size_t i = 0; i < v->nentries; i++) {
        struct verify_entry *e = &v->entries[i];
        if (e->text == NULL)
            continue;
        char sha[HEX_HASH];
        jws_sha256_hex(e->text, strlen(e->text), sha);
        if (strcmp(sha, e->sha256) != 0)
            verify_mismatch(v, "log entry %lld: sha256 does not match its %s", (long long)e->seq,
                            e->kind == VK_PROTOCOL ? "protocol's text" : "JWS");
        if (verify_station(v, e->station) == NULL)
            verify_mismatch(v, "log entry %lld: station %d is not among the site's stations",
                            (long long)e->seq, e->station);
        if (e->kind == VK_PROTOCOL) {
            v->protocols++;
            check_protocol(v, e);
        } else {
            v->reports++;
            check_report(v, e);
        }
        free(e->text);
        e->text = NULL;
    }
}

void verify_entry_free(struct verify_entry *e)
{
    free(e->text);
    if (e->fig != NULL)
        for (size_t i = 0; i < e->fig->n; i++)
            free(e->fig->c[i].pref);
    free(e->fig);
}
