/* An ASU report's payload, header and verdicts (asu_report.h): no I/O. */
#include "asu_report.h"

#include <stdio.h>
#include <string.h>

#include "../rules/limits.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const contest_members[] = {"kind",        "district",    "question", "council",
                                              "voters",      "received",    "issued",   "cancelled",
                                              "in_boxes",    "invalid",     "valid",    "votes",
                                              "against_all", "preferences", NULL};
static const char *const contest_lines[] = {"voters",   "received", "issued", "cancelled",
                                            "in_boxes", "invalid",  "valid",  "against_all"};
static const char *const contest_kinds[CONTEST_KIND__MAX + 1] = {
    [CONTEST_LIST] = "list",           [CONTEST_DISTRICT] = "district",
    [CONTEST_PRESIDENT] = "president", [CONTEST_QUESTION] = "question",
    [CONTEST_COUNCIL] = "council",
};
/* The member that numbers a contest of each kind (NULL: none). */
static const char *const contest_number_members[CONTEST_KIND__MAX] = {
    [CONTEST_DISTRICT] = "district",
    [CONTEST_QUESTION] = "question",
    [CONTEST_COUNCIL] = "council"};
static const long long contest_number_max[CONTEST_KIND__MAX] = {[CONTEST_DISTRICT] = DISTRICT_MAX,
                                                                [CONTEST_QUESTION] =
                                                                    PROTOCOL_MAX_QUESTIONS,
                                                                [CONTEST_COUNCIL] = ID_MAX};

static int read_count(struct json_object *o, const char *path, const char *key, int64_t *out,
                      struct json_fault *f)
{
    long long x;
    if (json_read_int(o, path, key, true, 0, PROTOCOL_MAX_COUNT, &x, f) < 0)
        return -1;
    *out = x;
    return 0;
}

/* An array of 1..max counts at path.key into out[]; *n its length. */
static int read_counts(struct json_object *o, const char *path, const char *key, int64_t *out,
                       size_t max, size_t *n, struct json_fault *f)
{
    char field[192];
    struct json_object *arr;
    if (json_read_array(o, path, key, true, 1, max, json_type_null, &arr, n, f) < 0 ||
        json_read_ints(arr, json_path_key(field, sizeof(field), path, key), 0, PROTOCOL_MAX_COUNT,
                       out, f) < 0)
        return -1;
    return 0;
}

/* The list contest's preference votes: one array of counts per party. */
static int read_preferences(struct json_object *o, const char *path, struct protocol_contest *c,
                            struct json_fault *f)
{
    char field[192], item[224];
    struct json_object *arr;
    size_t n;
    bool list = c->kind == CONTEST_LIST;
    int rc = json_read_array(o, path, "preferences", list, 0, PROTOCOL_MAX_ENTRIES, json_type_array,
                             &arr, &n, f);
    if (rc <= 0)
        return rc;
    if (!list)
        return json_fault(f, "invalid", json_path_key(field, sizeof(field), path, "preferences"),
                          "only the list contest has preference votes");
    json_path_key(field, sizeof(field), path, "preferences");
    c->npreferences = n;
    for (size_t p = 0; p < n; p++) {
        struct json_object *votes = json_object_array_get_idx(arr, p);
        size_t len = json_object_array_length(votes);
        json_path_index(item, sizeof(item), field, p);
        if (len < 1 || len > PROTOCOL_MAX_LIST)
            return json_fault(f, "invalid", item, "%s must have 1 to %d counts", item,
                              PROTOCOL_MAX_LIST);
        if (json_read_ints(votes, item, 0, PROTOCOL_MAX_COUNT, c->preferences[p], f) < 0)
            return -1;
        c->preference_len[p] = len;
    }
    return 0;
}

static int read_contest(struct json_object *o, const char *path, struct protocol_contest *c,
                        struct json_fault *f)
{
    int kind = 0;
    long long d = 0;
    char field[192];
    if (json_read_object(o, path, contest_members, f) < 0 ||
        json_read_choice(o, path, "kind", true, contest_kinds, &kind, f) < 0)
        return -1;
    c->kind = (enum protocol_contest_kind)kind;
    /* Each kind is numbered by its own member (a district, a question, a council), the others by none. */
    for (int k = 0; k < CONTEST_KIND__MAX; k++) {
        const char *member = contest_number_members[k];
        if (member == NULL || k == kind)
            continue;
        if (json_object_object_get_ex(o, member, NULL))
            return json_fault(f, "invalid", json_path_key(field, sizeof(field), path, member),
                              "a %s contest has no %s", contest_kinds[kind], member);
    }
    if (contest_number_members[kind] != NULL &&
        json_read_int(o, path, contest_number_members[kind], true, 1, contest_number_max[kind], &d,
                      f) < 0)
        return -1;
    c->number = (int)d;
    int64_t *lines[] = {&c->voters,   &c->received, &c->issued, &c->cancelled,
                        &c->in_boxes, &c->invalid,  &c->valid,  &c->against_all};
    for (size_t k = 0; k < NELEM(contest_lines); k++)
        if (read_count(o, path, contest_lines[k], lines[k], f) < 0)
            return -1;
    if (read_counts(o, path, "votes", c->votes, PROTOCOL_MAX_ENTRIES, &c->nvotes, f) < 0)
        return -1;
    c->npreferences = 0;
    return read_preferences(o, path, c, f) < 0 ? -1 : 0;
}

static const char *const report_members[PROTOCOL_KIND__MAX][10] = {
    [PROTOCOL_OPENING] = {"kind", "device_id", "election_id", "station", "seq", "time", "voters",
                          "voted", NULL},
    [PROTOCOL_TURNOUT] = {"kind", "device_id", "election_id", "station", "seq", "time", "voters",
                          "voted", "hour", NULL},
    [PROTOCOL_FINAL] = {"kind", "device_id", "election_id", "station", "seq", "time", "contests",
                        NULL},
    [PROTOCOL_IDENTIFICATION] = {"kind", "device_id", "election_id", "station", "seq", "time",
                                 "stage", "voters", "identified", NULL},
};
static const char *const report_kinds[PROTOCOL_KIND__MAX + 1] = {[PROTOCOL_OPENING] = "opening",
                                                                 [PROTOCOL_TURNOUT] = "turnout",
                                                                 [PROTOCOL_FINAL] = "final",
                                                                 [PROTOCOL_IDENTIFICATION] =
                                                                     "identification"};

/* An identification report's stage, voters and {"face","fingerprint","document"} counts. */
static int read_identification(struct json_object *o, struct protocol_report *r,
                               struct json_fault *f)
{
    static const char *const stages[] = {"first", "final", NULL};
    static const char *const methods[] = {"face", "fingerprint", "document", NULL};
    int stage = 0;
    struct json_object *id;
    if (json_read_choice(o, "", "stage", true, stages, &stage, f) < 0 ||
        read_count(o, "", "voters", &r->voters, f) < 0)
        return -1;
    r->final_stage = stage == 1;
    if (!json_object_object_get_ex(o, "identified", &id))
        return json_fault(f, "missing", "identified", "identified is required");
    if (json_read_object(id, "identified", methods, f) < 0 ||
        read_count(id, "identified", "face", &r->face, f) < 0 ||
        read_count(id, "identified", "fingerprint", &r->fingerprint, f) < 0 ||
        read_count(id, "identified", "document", &r->document, f) < 0)
        return -1;
    return 0;
}

int asu_report_read_contests(struct json_object *o, const char *key, struct protocol_report *r,
                             struct json_fault *f)
{
    char path[32];
    struct json_object *arr;
    if (json_read_array(o, "", key, true, 1, PROTOCOL_MAX_CONTESTS, json_type_object, &arr,
                        &r->ncontests, f) < 0)
        return -1;
    for (size_t i = 0; i < r->ncontests; i++)
        if (read_contest(json_object_array_get_idx(arr, i),
                         json_path_index(path, sizeof(path), key, i), &r->contests[i], f) < 0)
            return -1;
    return 0;
}

/* The members every kind has: device, election, station, seq, time. */
static int read_envelope(struct json_object *o, struct protocol_report *r, struct json_fault *f)
{
    long long x;
    const char *s;
    if (json_read_digits(o, "", "device_id", true, DEVICE_ID_DIGITS, &s, f) < 0)
        return -1;
    memcpy(r->device_id, s, DEVICE_ID_DIGITS + 1);
    if (json_read_int(o, "", "election_id", true, 1, ID_MAX, &x, f) < 0)
        return -1;
    r->election_id = x;
    if (json_read_int(o, "", "station", true, STATION_MIN, STATION_MAX, &x, f) < 0)
        return -1;
    r->station = x;
    if (json_read_int(o, "", "seq", true, 1, 1000000, &x, f) < 0)
        return -1;
    r->seq = x;
    if (json_read_string(o, "", "time", true, sizeof(r->time) - 1, &s, f) < 0)
        return -1;
    if (!protocol_valid_time(s))
        return json_fault(f, "invalid", "time",
                          "time must be an RFC 3339 date-time with an offset");
    memcpy(r->time, s, strlen(s) + 1);
    return 0;
}

int asu_report_parse(struct json_object *o, struct protocol_report *r, struct json_fault *f)
{
    int kind;
    long long x;
    if (o == NULL || !json_object_is_type(o, json_type_object))
        return json_fault(f, "wrong_type", "", "the payload must be a JSON object");
    if (json_read_choice(o, "", "kind", true, report_kinds, &kind, f) < 0)
        return -1;
    r->kind = (enum protocol_kind)kind;
    if (json_read_object(o, "", report_members[kind], f) < 0 || read_envelope(o, r, f) < 0)
        return -1;
    if (r->kind == PROTOCOL_IDENTIFICATION)
        return read_identification(o, r, f);
    if (r->kind != PROTOCOL_FINAL) {
        if (read_count(o, "", "voters", &r->voters, f) < 0 ||
            read_count(o, "", "voted", &r->voted, f) < 0)
            return -1;
        if (r->kind == PROTOCOL_TURNOUT) {
            if (json_read_int(o, "", "hour", true, 0, 23, &x, f) < 0)
                return -1;
            r->hour = (int)x;
        }
        return 0;
    }
    return asu_report_read_contests(o, "contests", r, f);
}

bool asu_report_header(const struct jws *j, char *kid, bool *alg_ok)
{
    static const char *const members[] = {"alg", "kid", "typ", NULL};
    char err[64];
    const char *typ = NULL, *k = NULL;
    struct json_object *alg;
    struct json_fault f;
    *alg_ok = false;
    struct json_object *o = json_parse_strict(j->header, j->header_len, err, sizeof(err));
    bool ok = json_read_object(o, "", members, &f) > 0 &&
        json_read_string(o, "", "typ", false, 64, &typ, &f) >= 0 &&
        json_read_digits(o, "", "kid", true, DEVICE_ID_DIGITS, &k, &f) > 0;
    if (ok) {
        /* Any alg but the string "ES256" is a signature we do not take (401), not a bad header. */
        *alg_ok = json_object_object_get_ex(o, "alg", &alg) &&
            json_object_is_type(alg, json_type_string) &&
            strcmp(json_object_get_string(alg), "ES256") == 0;
        memcpy(kid, k, DEVICE_ID_DIGITS + 1);
    }
    json_object_put(o);
    return ok;
}

/* Every word asu_accept() answers with (010_results.sql), and its answer. */
static const struct asu_verdict verdicts[] = {
    {"accepted", 201},
    {"duplicate", 200},
    {"conflict", 409, "sequence_conflict",
     "this sequence number was used by a report with other figures; the CEC has been told", "seq"},
    {"unknown_device", 401, "unknown_device", "no working device has this key id", NULL},
    {"election_closed", 422, "election_closed", "this election takes no more reports",
     "election_id"},
    {"ballot_mismatch", 422, "ballot_mismatch", "the report does not fit the contest's ballot",
     "contests"},
    {"bad_hour", 422, "bad_hour", "turnout is counted only at the election's turnout hours",
     "hour"},
    {"wrong_device_kind", 422, "wrong_device_kind",
     "an ASU sends openings, turnouts and finals; an identification device, identification",
     "kind"},
};

const struct asu_verdict *asu_verdict_find(const char *status)
{
    for (size_t i = 0; i < NELEM(verdicts); i++)
        if (strcmp(verdicts[i].status, status) == 0)
            return &verdicts[i];
    return NULL;
}
