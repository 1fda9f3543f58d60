/*
 * Election funds: a party or a candidate adds the fund's lines (one by one,
 * or a CSV file, all or nothing, every bad row named), checked by the law's
 * rules (rules/finance.c) against the fund as it stands, locked; files the
 * interim and final reports; the public reads every fund, its totals (kept
 * by the writes, never counted per request) and its lines a page at a time
 * (keyset), and as CSV.  sql/functions/024_funds.sql.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/csv.h"
#include "../core/json.h"
#include "../core/log.h"
#include "../rules/finance.h"
#include "../rules/pin.h"
#include "api.h"

enum {
    FUNDS_LOCK,
    FUNDS_ADD,
    FUNDS_REPORT,
    FUNDS_PUBLIC,
    FUNDS_LIST,
    FUNDS_LINES,
    FUNDS_CSV,
    FUNDS_LIMITS,
    FUNDS_LIMITS_SET,
    FUNDS__MAX
};

static const struct db_statement statements[FUNDS__MAX] = {
    [FUNDS_LOCK] = {"funds_lock", "SELECT fund_lock($1::bigint, $2::text[], $3)::text"},
    [FUNDS_ADD] = {"funds_add", "SELECT fund_add_lines($1::bigint, $2::jsonb, $3, $4)::text"},
    [FUNDS_REPORT] = {"funds_report", "SELECT fund_file_report($1::bigint, $2, $3)::text"},
    [FUNDS_PUBLIC] = {"funds_public", "SELECT public_fund_json($1::bigint)::text"},
    [FUNDS_LIST] = {"funds_list", "SELECT public_funds_json($1::integer)::text"},
    [FUNDS_LINES] =
        {"funds_lines",
         "SELECT public_fund_lines_json($1::bigint, $2, $3::bigint, $4::integer)::text"},
    [FUNDS_CSV] = {"funds_csv", "SELECT public_fund_lines_csv($1::bigint)"},
    [FUNDS_LIMITS] = {"funds_limits", "SELECT fund_limits_json($1::integer)::text"},
    [FUNDS_LIMITS_SET] = {"funds_limits_set",
                          "SELECT fund_limits_set($1::integer, $2::bigint, $3::bigint, $4::bigint,"
                          " $5::bigint, $6)::text"},
};

/* At most this many lines in one batch, and this many bad rows named. */
#define FUNDS_MAX_LINES 20000
#define FUNDS_MAX_ERRORS 200

/* A line as it came, checked field by field (strings in req->pool). */
struct fund_row {
    long line; /* the CSV's line, or 1 */
    struct finance_line l;
    const char *direction, *category, *counterparty, *donor_id, *date, *description;
};

/* The rows' faults, gathered: each {line, field or rule, message}. */
struct faults {
    struct json_object *list;
    size_t n;
};

static void fault(struct faults *f, long line, const char *key, const char *code, const char *what,
                  const char *message)
{
    if (f->n++ >= FUNDS_MAX_ERRORS)
        return;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "line", json_object_new_int64(line));
    json_object_object_add(o, key, json_object_new_string(code));
    if (what != NULL)
        json_object_object_add(o, "article", json_object_new_string(what));
    json_object_object_add(o, "message", json_object_new_string(message));
    json_object_array_add(f->list, o);
}

static bool text_ok(const char *s, size_t max)
{
    size_t len = strlen(s);
    if (!http_utf8_valid(s, len) || http_utf8_length(s) > max)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return false;
    return true;
}

/*
 * The seven fields of a line (direction, category, counterparty, donor_id,
 * amount, date, description) into r, each fault named; the row is kept
 * (copied into the pool) whatever its faults, which f counts.
 */
static void read_row(struct http_request *req, long line, char *const *v, struct fund_row *r,
                     struct faults *f)
{
    memset(r, 0, sizeof(*r));
    r->line = line;
    r->direction = pool_strdup(req->pool, v[0]);
    r->category = pool_strdup(req->pool, v[1]);
    r->counterparty = pool_strdup(req->pool, v[2]);
    r->donor_id = pool_strdup(req->pool, v[3]);
    r->date = pool_strdup(req->pool, v[5]);
    r->description = pool_strdup(req->pool, v[6]);
    bool income = strcmp(v[0], "income") == 0;
    if (!income && strcmp(v[0], "expense") != 0)
        fault(f, line, "field", "direction", NULL, "direction is income or expense");
    r->l.direction = income ? FINANCE_INCOME : FINANCE_EXPENSE;
    r->l.category = income ? finance_source_parse(v[1]) : finance_item_parse(v[1]);
    if (r->l.category < 0)
        fault(f, line, "field", "category", NULL,
              income ? "an income's category is own, party, citizen or legal_entity"
                     : "an expense's category is media, print, events, staff, transport or other");
    if (!text_ok(v[2], 300))
        fault(f, line, "field", "counterparty", NULL,
              "counterparty is text of at most 300 characters");
    size_t dl = strlen(v[3]);
    if (dl > 0 && !api_register_key_valid(v[3]))
        fault(f, line, "field", "donor_id", NULL, "donor_id is a PIN or a registration number");
    else if (r->l.category == SOURCE_CITIZEN && income && dl > 0 && !pin_valid(v[3]))
        fault(f, line, "field", "donor_id", NULL, "a citizen's donor_id is their PIN (14 digits)");
    r->l.has_donor = v[2][0] != '\0' && dl > 0;
    r->l.amount = finance_amount_parse(v[4]);
    if (r->l.amount < 0)
        fault(f, line, "field", "amount", NULL,
              "amount is som with at most two decimals, e.g. 1500.50");
    struct field date = {"date", FIELD_DATE, 2000, 2100};
    struct field_value dv;
    if (http_field_check(&date, v[5], &dv) != NULL)
        fault(f, line, "field", "date", NULL, "date is a day YYYY-MM-DD");
    if (!text_ok(v[6], 1000))
        fault(f, line, "field", "description", NULL,
              "description is text of at most 1000 characters");
}

/* A donor's running total in a batch: a small open-addressing table in the pool. */
struct donors {
    const char **keys;
    long long *given;
    size_t size;
};

static long long *donor_slot(struct donors *d, const char *key)
{
    unsigned long h = 5381;
    for (const char *p = key; *p != '\0'; p++)
        h = h * 33 + (unsigned char)*p;
    for (size_t i = h % d->size;; i = (i + 1) % d->size) {
        if (d->keys[i] == NULL) {
            d->keys[i] = key;
            d->given[i] = -1; /* not known yet */
            return &d->given[i];
        }
        if (strcmp(d->keys[i], key) == 0)
            return &d->given[i];
    }
}

static long long json_ll(struct json_object *o, const char *key)
{
    return json_object_get_int64(json_object_object_get(o, key));
}

/*
 * The rules on every row, in order, from the fund's state (fund_lock's
 * JSON): the faults into f.
 */
static void check_rows(struct http_request *req, struct json_object *state, struct fund_row *rows,
                       size_t n, struct faults *f)
{
    struct finance_limits lim = {json_ll(state, "citizen_max"), json_ll(state, "legal_entity_max"),
                                 json_ll(state, "fund_max")};
    struct finance_state s = {.income = json_ll(state, "income"),
                              .expenses = json_ll(state, "expenses")};
    const char *from = json_object_get_string(json_object_object_get(state, "from"));
    const char *to = json_object_get_string(json_object_object_get(state, "to"));
    struct json_object *known = json_object_object_get(state, "donors");
    struct donors d = {pool_alloc(req->pool, (2 * n + 1) * sizeof(char *)),
                       pool_alloc(req->pool, (2 * n + 1) * sizeof(long long)), 2 * n + 1};
    memset(d.keys, 0, d.size * sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        struct fund_row *r = &rows[i];
        long long *given = NULL;
        if (r->l.direction == FINANCE_INCOME && r->l.has_donor) {
            given = donor_slot(&d, r->donor_id);
            if (*given < 0)
                *given = json_ll(known, r->donor_id);
        }
        s.donor_given = given != NULL ? *given : 0;
        s.date_in_campaign = strcmp(r->date, from) >= 0 && strcmp(r->date, to) <= 0;
        struct finance_violation v[FIN_RULE__MAX];
        size_t k = finance_check(&r->l, &s, &lim, v, FIN_RULE__MAX);
        for (size_t j = 0; j < k && j < FIN_RULE__MAX; j++)
            fault(f, r->line, "rule", finance_rule_code(v[j].rule), finance_rule_article(v[j].rule),
                  v[j].message);
        if (k == 0) {
            finance_apply(&r->l, &s);
            if (given != NULL)
                *given = s.donor_given;
        }
    }
}

/* The rows as fund_add_lines takes them: a JSON array, amounts in tyiyn. */
static struct json_object *rows_json(const struct fund_row *rows, size_t n)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "direction", json_object_new_string(rows[i].direction));
        json_object_object_add(o, "category", json_object_new_string(rows[i].category));
        json_object_object_add(o, "counterparty", json_object_new_string(rows[i].counterparty));
        json_object_object_add(o, "donor_id", json_object_new_string(rows[i].donor_id));
        json_object_object_add(o, "amount", json_object_new_int64(rows[i].l.amount));
        json_object_object_add(o, "date", json_object_new_string(rows[i].date));
        json_object_object_add(o, "description", json_object_new_string(rows[i].description));
        json_object_array_add(a, o);
    }
    return a;
}

/* Answers 422 with every bad row: {"error": {code, message, rows: [...]}}; takes f->list. */
static void refuse_rows(struct http_request *req, const char *code, struct faults *f)
{
    char m[200];
    snprintf(m, sizeof(m), "%zu fault(s) in the lines; nothing was added%s", f->n,
             f->n > FUNDS_MAX_ERRORS ? " (the first 200 are named)" : "");
    api_refuse_listing(req, 422, code, m, "rows", f->list);
    f->list = NULL;
}

/* The donors named in the rows, as an SQL array literal (their PINs or numbers: digits, letters, hyphens). */
static const char *donor_array(struct http_request *req, const struct fund_row *rows, size_t n)
{
    size_t size = 3, k = 0;
    for (size_t i = 0; i < n; i++)
        size += strlen(rows[i].donor_id) + 1;
    char *out = pool_alloc(req->pool, size);
    out[k++] = '{';
    for (size_t i = 0; i < n; i++)
        if (rows[i].donor_id[0] != '\0')
            k += (size_t)snprintf(out + k, size - k, "%s%s", k > 1 ? "," : "", rows[i].donor_id);
    snprintf(out + k, size - k, "}");
    return out;
}

/*
 * A batch, all or nothing, in one transaction: the fund locked, the rules
 * on every row against it, then every row added; 201 with what was added.
 */
static void add_batch(struct http_request *req, struct fund_row *rows, size_t n, const char *batch)
{
    const struct user *u = req->user;
    const char *id = http_arg(req, "id")->s;
    struct faults f = {json_object_new_array(), 0};
    PGresult *res = NULL;
    struct json_object *state = NULL, *lines = NULL;
    enum db_status st = db_begin();
    if (st != DB_OK)
        goto failed;
    if ((st = db_exec(&statements[FUNDS_LOCK], 3,
                      (const char *const[]){id, donor_array(req, rows, n), u->pin}, &res)) != DB_OK)
        goto failed;
    state = json_tokener_parse(db_value(res));
    PQclear(res);
    res = NULL;
    check_rows(req, state, rows, n, &f);
    if (f.n > 0) {
        db_rollback();
        refuse_rows(req, "fund_rules", &f);
        goto out;
    }
    lines = rows_json(rows, n);
    const char *params[] = {id, json_object_to_json_string_ext(lines, JSON_C_TO_STRING_PLAIN),
                            batch, u->pin};
    if ((st = db_exec(&statements[FUNDS_ADD], 4, params, &res)) != DB_OK ||
        (st = db_commit()) != DB_OK)
        goto failed;
    http_json(req, 201, db_value(res), strlen(db_value(res)), CACHE_NONE);
    goto out;
failed:
    db_rollback();
    api_db_failure(req, st);
out:
    PQclear(res);
    json_object_put(state);
    json_object_put(lines);
    json_object_put(f.list);
}

/* One line, as JSON: {"direction", "category", "counterparty", "donor_id", "amount", "date", "description"}. */
static void line_post(struct http_request *req)
{
    static const struct field body[] = {
        {"direction", FIELD_TEXT, 0, 16, true, .about = "income or expense"},
        {"category", FIELD_TEXT, 0, 32, true, .about = "a source (income) or an item (expense)"},
        {"counterparty", FIELD_TEXT, 0, 300, .about = "the donor or the payee"},
        {"donor_id", FIELD_TEXT, 0, 32, .about = "a donor's PIN or registration number"},
        {"amount", FIELD_TEXT, 0, 20, true, .about = "som, at most two decimals: \"1500.50\""},
        {"date", FIELD_DATE, 2000, 2100, true, .about = "the day of the payment"},
        {"description", FIELD_TEXT, 0, 1000, .about = "what it was for"},
        {NULL}};
    struct field_value v[7];
    if (api_body_read(req, body, v) < 0)
        return;
    char *fields[7];
    for (int i = 0; i < 7; i++)
        fields[i] = (char *)(v[i].present ? v[i].s : "");
    struct faults f = {json_object_new_array(), 0};
    struct fund_row row;
    read_row(req, 1, fields, &row, &f);
    if (f.n > 0) {
        refuse_rows(req, "invalid_rows", &f);
        json_object_put(f.list);
        return;
    }
    json_object_put(f.list);
    add_batch(req, &row, 1, NULL);
}

/*
 * A CSV file of lines (text/csv): a header naming the seven columns in
 * order, then a line each.  Every bad row is named; nothing is added unless
 * every row is good.
 */
static void csv_post(struct http_request *req)
{
    static const char *const columns[] = {"direction", "category", "counterparty", "donor_id",
                                          "amount",    "date",     "description"};
    const char *type = req->getenv(req->getenv_ctx, "CONTENT_TYPE");
    if (type == NULL || strncmp(type, "text/csv", 8) != 0) {
        http_error(req, 415, "unsupported_media_type", "send text/csv", NULL);
        return;
    }
    struct csv_reader r;
    csv_init(&r, req->body != NULL ? req->body : "", req->body_len);
    char *v[8], buf[4096];
    int n = csv_next(&r, v, 8, buf, sizeof(buf));
    bool ok = n == 7;
    for (int i = 0; ok && i < 7; i++)
        ok = strcmp(v[i], columns[i]) == 0;
    if (!ok) {
        http_error(req, 400, "invalid_csv",
                   "the first line names the columns: "
                   "direction,category,counterparty,donor_id,amount,date,description",
                   NULL);
        return;
    }
    size_t cap = 64, count = 0;
    struct fund_row *rows = pool_alloc(req->pool, cap * sizeof(*rows));
    struct faults f = {json_object_new_array(), 0};
    while ((n = csv_next(&r, v, 8, buf, sizeof(buf))) != 0) {
        if (n == 1 && v[0][0] == '\0')
            continue; /* an empty line */
        if (n != 7) {
            fault(&f, r.line, "field", "columns", NULL,
                  n < 0 ? "the line is not CSV (a quote left open, or too long)"
                        : "a line has the seven columns of the header");
            if (n < 0)
                break;
            continue;
        }
        if (count == FUNDS_MAX_LINES) {
            fault(&f, r.line, "field", "lines", NULL, "at most 20000 lines in one file");
            break;
        }
        if (count == cap) {
            struct fund_row *more = pool_alloc(req->pool, 2 * cap * sizeof(*rows));
            memcpy(more, rows, cap * sizeof(*rows));
            rows = more;
            cap *= 2;
        }
        read_row(req, r.line, v, &rows[count++], &f);
    }
    if (f.n == 0 && count == 0)
        fault(&f, 1, "field", "lines", NULL, "the file has no lines");
    if (f.n > 0) {
        refuse_rows(req, "invalid_rows", &f);
        json_object_put(f.list);
        return;
    }
    json_object_put(f.list);
    char batch[100];
    snprintf(batch, sizeof(batch), "csv %s %zu lines", req->request_id, count);
    add_batch(req, rows, count, batch);
}

#define FIELD_FUND(name)                                                                           \
    {                                                                                              \
        name, FIELD_INT, 1, BIG_ID_MAX, .about = "a nomination's number (its fund's)"              \
    }

static const struct route routes[] = {
    {"POST", "/api/v1/nominations/{id}/fund/lines", line_post, ACCESS_SIGNED_IN,
     .path = {FIELD_FUND("id")}, .body = "application/json",
     .summary = "Adds a line to the fund (checked by the law's limits and forbidden sources)"},
    {"POST", "/api/v1/nominations/{id}/fund/lines.csv", csv_post, ACCESS_SIGNED_IN,
     .path = {FIELD_FUND("id")}, .body = "text/csv",
     .summary = "Adds a CSV file of lines, all or nothing, every bad row named"},
    {"POST", "/api/v1/nominations/{id}/fund/reports",
     API_CALL(&statements[FUNDS_REPORT],
              {{"kind", FIELD_TEXT, 0, 16, true, .about = "interim or final"}}, 201),
     .access = ACCESS_SIGNED_IN, .path = {FIELD_FUND("id")}, .body = "application/json",
     .summary = "Files the fund's interim or final report"},
    {"GET", "/api/v1/elections/{id}/funds",
     API_READ(&statements[FUNDS_LIST], CACHE_SHORT, false, "election_not_found",
              "there is no such election"),
     .path = {FIELD_ELECTION("id")},
     .summary =
         "Every fund of an election: totals by source and item, reports (late ones flagged)"},
    {"GET", "/api/v1/elections/{id}/fund-limits",
     API_READ(&statements[FUNDS_LIMITS], CACHE_SHORT, false, "election_not_found",
              "there is no such election"),
     .path = {FIELD_ELECTION("id")},
     .summary = "The law's amounts of an election's funds (som): per citizen, per legal entity, a "
                "list's and a candidate's fund"},
    {"PUT", "/api/v1/elections/{id}/fund-limits",
     API_CALL(&statements[FUNDS_LIMITS_SET],
              {{"citizen_max", FIELD_INT, 1, 1000000000000L, true,
                .about = "som, one citizen's donations"},
               {"legal_entity_max", FIELD_INT, 1, 1000000000000L, true,
                .about = "som, one legal entity's donations"},
               {"list_fund_max", FIELD_INT, 1, 1000000000000L, true, .about = "som, a list's fund"},
               {"district_fund_max", FIELD_INT, 1, 1000000000000L, true,
                .about = "som, a district candidate's fund"}}),
     .access = ACCESS_CEC_ADMIN, .path = {FIELD_ELECTION("id")}, .body = "application/json",
     .summary = "The CEC sets an election's funds' amounts"},
    {"GET", "/api/v1/funds/{id}",
     API_READ(&statements[FUNDS_PUBLIC], CACHE_SHORT, false, "fund_not_found",
              "there is no such fund"),
     .path = {FIELD_FUND("id")}, .summary = "A fund: totals by source and item, reports"},
    {"GET", "/api/v1/funds/{id}/lines",
     API_READ(&statements[FUNDS_LINES], CACHE_SHORT, false, "fund_not_found",
              "there is no such fund"),
     .path = {FIELD_FUND("id")},
     .query = {{"direction", FIELD_TEXT, 0, 16, .about = "income or expense"},
               {"after", FIELD_INT, 0, BIG_ID_MAX, .def = "0", .about = "the last line seen"},
               {"limit", FIELD_INT, 1, 1000, .def = "100", .about = "at most this many"}},
     .summary = "A fund's lines, a page after a line (keyset)"},
    {"GET", "/api/v1/funds/{id}/lines.csv",
     API_READ(&statements[FUNDS_CSV], CACHE_SHORT, false, "fund_not_found", "there is no such fund",
              .csv = true),
     .path = {FIELD_FUND("id")}, .answer = "text/csv", .summary = "Every line of a fund (CSV)"},
};

const struct api_module funds_module = {"funds",    routes,     NELEM(routes),
                                        statements, FUNDS__MAX, NULL};
