/*
 * Talapker, the e-candidate system: a party notifies the commission that it
 * takes part (checked with the legal-entity register) and names its
 * representatives; they build the party's list and its district candidates
 * (each person checked with the population register), the candidates
 * consent in their cabinets, and the list goes in under the list rules with
 * a receipt.  The writes are the SQL functions of
 * sql/functions/021_talapker.sql: most routes are table entries (API_CALL,
 * API_READ); the handlers here are those that ask a register first or run
 * the list rules (rules/list_rules.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"
#include "../core/log.h"
#include "../rules/list_rules.h"
#include "../rules/pin.h"
#include "talapker.h"

enum {
    TALAPKER_ELECTION_OPEN,
    TALAPKER_NOTIFY,
    TALAPKER_OFFICE,
    TALAPKER_ME,
    TALAPKER_HEAD,
    TALAPKER_REP_NAME,
    TALAPKER_REP_WITHDRAW,
    TALAPKER_PARTY_ROLE,
    TALAPKER_CREATE_LIST,
    TALAPKER_CREATE_DISTRICT,
    TALAPKER_GET,
    TALAPKER_DRAFT,
    TALAPKER_ADD,
    TALAPKER_REMOVE,
    TALAPKER_REORDER,
    TALAPKER_RULE_ROWS,
    TALAPKER_SUBMIT,
    TALAPKER_WITHDRAW,
    TALAPKER_MINE,
    TALAPKER_CONSENT,
    TALAPKER_WITHDRAW_SELF,
    TALAPKER_DEPOSIT_OPEN,
    TALAPKER_DEPOSIT,
    TALAPKER_RESUBMIT,
    TALAPKER__MAX
};

static const struct db_statement statements[TALAPKER__MAX] = {
    [TALAPKER_ELECTION_OPEN] = {"talapker_election_open",
                                "SELECT (nomination_election($1::integer)).id"},
    [TALAPKER_NOTIFY] = {"talapker_notify",
                         "SELECT party_notify($1::integer, $2, $3::jsonb, $4)::text"},
    [TALAPKER_OFFICE] = {"talapker_office",
                         "SELECT party_office_json($1::integer, $2::integer, $3)::text"},
    [TALAPKER_ME] = {"talapker_me",
                     "SELECT json_build_object('parties', my_parties_json($1) -> 'items',"
                     "  'candidacies', my_nominations_json($1) -> 'items')::text"},
    /* The head only (cheap check first), then the person as the population register names them. */
    [TALAPKER_HEAD] = {"talapker_head",
                       "SELECT party_role_required($1::integer, $2::integer, $3, true)"},
    [TALAPKER_REP_NAME] = {"talapker_rep_name",
                           "SELECT party_rep_name($1::integer, $2::integer, $3,"
                           " concat_ws(' ', $4::jsonb ->> 'last_name', $4::jsonb ->> 'first_name',"
                           "           $4::jsonb ->> 'patronymic'), $5)::text"},
    [TALAPKER_REP_WITHDRAW] = {"talapker_rep_withdraw",
                               "SELECT party_rep_withdraw($1::integer, $2::integer, $3, $4)::text"},
    [TALAPKER_PARTY_ROLE] = {"talapker_party_role",
                             "SELECT party_role_required($1::integer, $2::integer, $3)"},
    [TALAPKER_CREATE_LIST] = {"talapker_create_list",
                              "SELECT nomination_create_list($1::integer, $2::integer, $3)::text"},
    [TALAPKER_CREATE_DISTRICT] = {"talapker_create_district",
                                  "SELECT nomination_create_district($1::integer, $2::integer,"
                                  " $3::integer, $4::jsonb, $5::boolean, $6::boolean, $7::boolean,"
                                  " $8)::text"},
    [TALAPKER_GET] = {"talapker_get", "SELECT nomination_get($1::bigint, $2)::text"},
    /* Cheap check before a register call: a draft the person may change. */
    [TALAPKER_DRAFT] = {"talapker_draft",
                        "SELECT (nomination_for_change($1::bigint, $2, '{draft}',"
                        " 'its list can no longer change')).kind"},
    [TALAPKER_ADD] = {"talapker_add",
                      "SELECT nomination_add_candidate($1::bigint, $2::jsonb, $3::boolean,"
                      " $4::boolean, $5::boolean, $6)::text"},
    [TALAPKER_REMOVE] = {"talapker_remove",
                         "SELECT nomination_remove_candidate($1::bigint, $2, $3, $4)::text"},
    [TALAPKER_REORDER] = {"talapker_reorder",
                          "SELECT nomination_reorder($1::bigint, $2::text[], $3)::text"},
    /* Columns as api_list_rows takes them. */
    [TALAPKER_RULE_ROWS] = {"talapker_rule_rows",
                            "SELECT election_date, '', list_position, sex, birth_date,"
                            "       other_ethnicity, disability, higher_education, withdrawn,"
                            "       districts, kind"
                            "  FROM nomination_rule_rows($1::bigint, $2, $3::boolean)"},
    [TALAPKER_SUBMIT] = {"talapker_submit", "SELECT nomination_submit($1::bigint, $2)::text"},
    [TALAPKER_WITHDRAW] = {"talapker_withdraw",
                           "SELECT nomination_withdraw($1::bigint, $2, $3)::text"},
    [TALAPKER_MINE] = {"talapker_mine", "SELECT my_nominations_json($1)::text"},
    [TALAPKER_WITHDRAW_SELF] = {"talapker_withdraw_self",
                                "SELECT candidate_withdraw_self($1::bigint, $2, $3)::text"},
    [TALAPKER_DEPOSIT_OPEN] =
        {"talapker_deposit_open",
         "SELECT (nomination_for_change($1::bigint, $2, '{draft,deficiencies}',"
         " 'its deposit can no longer change')).id"},
    [TALAPKER_DEPOSIT] = {"talapker_deposit",
                          "SELECT nomination_deposit($1::bigint, $2, $3::jsonb, $4)::text"},
    [TALAPKER_RESUBMIT] = {"talapker_resubmit", "SELECT nomination_resubmit($1::bigint, $2)::text"},
    [TALAPKER_CONSENT] = {"talapker_consent",
                          "SELECT candidate_consent($1::bigint, $2::boolean, $3)::text"},
};

/*
 * Register calls per person: at most SHAILOO_TALAPKER_LIMIT (300) in
 * SHAILOO_TALAPKER_WINDOW_S seconds (600).  A party's clerk adds a list of
 * 54 in a sitting, with mistakes; a script asking the registers is stopped.
 */
static int rate_check(struct http_request *req)
{
    static long limit = -1, window = -1;
    if (limit < 0) {
        limit = api_setting("SHAILOO_TALAPKER_LIMIT", 300, 1, 1000000);
        window = api_setting("SHAILOO_TALAPKER_WINDOW_S", 600, 1, 86400);
    }
    return api_person_rate(req, "talapker", limit, window, "register checks");
}

/* Runs a check statement whose refusal is the answer: 0 if it passed, else answered and -1. */
static int check(struct http_request *req, int stmt, int n, const char *const *params)
{
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[stmt], n, params, &res);
    PQclear(res);
    if (st == DB_OK)
        return 0;
    api_db_failure(req, st);
    return -1;
}

static void send_call(struct http_request *req, int stmt, int n, const char *const *params,
                      int status)
{
    api_send_value(req, &statements[stmt], n, params, status);
}

/* Answers a register that did not answer: nothing was recorded. */
static void register_down(struct http_request *req, const char *which)
{
    char m[200];
    snprintf(
        m, sizeof(m),
        "the %s does not answer through Tunduk right now; nothing was recorded, try again later",
        which);
    http_error(req, 503, "registry_unavailable", m, NULL);
}

/*
 * The population register's answer about pin, as JSON text in req->pool;
 * NULL having answered (422 unknown person, 503 register down).  The call
 * is recorded under issue.
 */
static const char *person_of(struct http_request *req, const char *pin, const char *issue)
{
    enum registry_status rs;
    const char *text = registry_text(req, REGISTRY_POPULATION, pin, pin, issue, &rs, NULL);
    if (rs == REGISTRY_NOT_FOUND) {
        http_error(req, 422, "person_not_found",
                   "the population register has no person with this PIN", "pin");
        return NULL;
    }
    if (rs != REGISTRY_OK) {
        register_down(req, "population register");
        return NULL;
    }
    struct json_object *person = json_tokener_parse(text);
    bool deceased = json_object_get_boolean(json_object_object_get(person, "deceased"));
    json_object_put(person);
    if (deceased) {
        http_error(req, 422, "person_deceased",
                   "the population register records this person as deceased", "pin");
        return NULL;
    }
    return text;
}

/* ---- parties ------------------------------------------------------------- */

/*
 * A party's notification: cheap checks (the election takes nominations),
 * then the legal-entity register, then the write, which accepts it only
 * from the head the register names.
 */
static void notify_post(struct http_request *req)
{
    static const struct field body[] = {
        {"registration_number", FIELD_TEXT, 0, 32, true,
         .about = "the party's number in the legal-entity register"},
        {NULL}};
    const struct user *u = req->user;
    const char *election = http_arg(req, "id")->s;
    struct field_value v[1];
    if (api_body_read(req, body, v) < 0)
        return;
    const char *number = v[0].s;
    if (!api_register_key_valid(number)) {
        http_error(req, 400, "invalid_field",
                   "registration_number is 3 to 32 letters, digits and hyphens",
                   "registration_number");
        return;
    }
    if (check(req, TALAPKER_ELECTION_OPEN, 1, (const char *const[]){election}) < 0 ||
        rate_check(req) < 0)
        return;
    char issue[96];
    snprintf(issue, sizeof(issue), "shailoo-party-notice-%s-%s", election, number);
    enum registry_status rs;
    const char *entity =
        registry_text(req, REGISTRY_LEGAL_ENTITIES, number, u->pin, issue, &rs, NULL);
    if (rs == REGISTRY_NOT_FOUND)
        http_error(req, 422, "party_not_registered",
                   "the legal-entity register has no entity with this registration number",
                   "registration_number");
    else if (rs == REGISTRY_UNAVAILABLE)
        register_down(req, "legal-entity register");
    else
        send_call(req, TALAPKER_NOTIFY, 4, (const char *const[]){election, number, entity, u->pin},
                  201);
}

/*
 * The head names a representative: the head's role first, then the person
 * as the population register knows them (their name on the office's list).
 */
static void rep_post(struct http_request *req)
{
    static const struct field body[] = {
        {"pin", FIELD_DIGITS, PIN_DIGITS, PIN_DIGITS, true, .about = "the person's PIN"}, {NULL}};
    const struct user *u = req->user;
    const char *election = http_arg(req, "id")->s, *party = http_arg(req, "party")->s;
    struct field_value v[1];
    if (api_body_read(req, body, v) < 0 ||
        check(req, TALAPKER_HEAD, 3, (const char *const[]){election, party, u->pin}) < 0 ||
        rate_check(req) < 0)
        return;
    char issue[96];
    snprintf(issue, sizeof(issue), "shailoo-party-%s-%s", election, party);
    const char *person = person_of(req, v[0].s, issue);
    if (person != NULL)
        send_call(req, TALAPKER_REP_NAME, 5,
                  (const char *const[]){election, party, v[0].s, person, u->pin}, 201);
}

/* ---- nominations ----------------------------------------------------------- */

#define CANDIDATE_FIELDS                                                                           \
    {"other_ethnicity", FIELD_BOOL, .def = "false",                                                \
     .about = "of an ethnicity other than the majority's (the 15% rule)"},                         \
        {"disability", FIELD_BOOL, .def = "false",                                                 \
         .about = "a person with a disability (checked with the register)"},                       \
    {                                                                                              \
        "higher_education", FIELD_BOOL,                                                            \
            .required = true, .about = "has higher education (the diploma is in the package)"      \
    }

/*
 * A new nomination: a party's list (kind list, party_id), or a district
 * candidate (kind district, district, and pin with party_id for a party's,
 * or the signed-in person alone for a self-nomination).
 */
static void nomination_post(struct http_request *req)
{
    static const struct field body[] = {
        FIELD_ELECTION("election_id"),
        {"kind", FIELD_TEXT, 0, 8, true, .about = "list or district"},
        {"party_id", FIELD_INT, 1, ID_MAX, .about = "the party nominating (none: self-nomination)"},
        FIELD_DISTRICT("district"),
        {"pin", FIELD_DIGITS, PIN_DIGITS, PIN_DIGITS, .about = "the district candidate's PIN"},
        {"other_ethnicity", FIELD_BOOL, .def = "false", .about = "(district) as for a list"},
        {"disability", FIELD_BOOL, .def = "false", .about = "(district) as for a list"},
        {"higher_education", FIELD_BOOL, .about = "(district, required) has higher education"},
        {NULL}};
    enum { ELECTION, KIND, PARTY, DISTRICT, PIN, OTHER, DISABILITY, EDUCATION };
    const struct user *u = req->user;
    struct field_value v[8];
    if (api_body_read(req, body, v) < 0)
        return;
    bool list = strcmp(v[KIND].s, "list") == 0;
    if (!list && strcmp(v[KIND].s, "district") != 0) {
        http_error(req, 400, "invalid_field", "kind is list or district", "kind");
        return;
    }
    const char *election = v[ELECTION].s, *party = v[PARTY].present ? v[PARTY].s : NULL;
    if (list) {
        if (party == NULL || v[DISTRICT].present || v[PIN].present) {
            http_error(req, 400, "invalid_field",
                       "a list names its party_id, and no district or pin",
                       party == NULL             ? "party_id"
                           : v[DISTRICT].present ? "district"
                                                 : "pin");
            return;
        }
        send_call(req, TALAPKER_CREATE_LIST, 3, (const char *const[]){election, party, u->pin},
                  201);
        return;
    }
    if (!v[DISTRICT].present || !v[EDUCATION].present) {
        http_error(req, 400, "invalid_field",
                   "a district nomination names its district and says higher_education",
                   !v[DISTRICT].present ? "district" : "higher_education");
        return;
    }
    const char *pin = v[PIN].present ? v[PIN].s : u->pin;
    if (party == NULL && strcmp(pin, u->pin) != 0) {
        http_error(req, 422, "self_nomination", "without a party a citizen nominates themself only",
                   "pin");
        return;
    }
    if (check(req, TALAPKER_ELECTION_OPEN, 1, (const char *const[]){election}) < 0 ||
        (party != NULL &&
         check(req, TALAPKER_PARTY_ROLE, 3, (const char *const[]){election, party, u->pin}) < 0) ||
        rate_check(req) < 0)
        return;
    char issue[96];
    snprintf(issue, sizeof(issue), "shailoo-nomination-%s-district-%s", election, v[DISTRICT].s);
    const char *person = person_of(req, pin, issue);
    if (person == NULL)
        return;
    const char *params[] = {election,   v[DISTRICT].s,   party,          person,
                            v[OTHER].s, v[DISABILITY].s, v[EDUCATION].s, u->pin};
    send_call(req, TALAPKER_CREATE_DISTRICT, 8, params, 201);
}

/* Appends a person to a draft list: the population register first, then the write. */
static void candidate_post(struct http_request *req)
{
    static const struct field body[] = {
        {"pin", FIELD_DIGITS, PIN_DIGITS, PIN_DIGITS, true, .about = "the candidate's PIN"},
        CANDIDATE_FIELDS,
        {NULL}};
    const struct user *u = req->user;
    const char *id = http_arg(req, "id")->s;
    struct field_value v[4];
    if (api_body_read(req, body, v) < 0 ||
        check(req, TALAPKER_DRAFT, 2, (const char *const[]){id, u->pin}) < 0 || rate_check(req) < 0)
        return;
    char issue[64];
    snprintf(issue, sizeof(issue), "shailoo-nomination-%s", id);
    const char *person = person_of(req, v[0].s, issue);
    if (person == NULL)
        return;
    send_call(req, TALAPKER_ADD, 6,
              (const char *const[]){id, person, v[1].s, v[2].s, v[3].s, u->pin}, 200);
}

/* A draft list's new order: {"pins": [every candidate's PIN once, in order]}. */
static void order_put(struct http_request *req)
{
    static const char *const members[] = {"pins", NULL};
    const struct user *u = req->user;
    struct json_object *o = api_json_body(req, members), *arr = NULL;
    if (o == NULL)
        return;
    struct json_fault f;
    size_t n = 0;
    char literal[LIST_MAX_CANDIDATES * 16 + 3];
    size_t len = 0;
    int rc = json_read_array(o, "", "pins", true, 1, LIST_MAX_CANDIDATES, json_type_string, &arr,
                             &n, &f);
    literal[len++] = '{';
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        char at[32];
        const char *pin = json_object_get_string(json_object_array_get_idx(arr, i));
        if (!pin_valid(pin)) {
            rc = json_fault(&f, "invalid", json_path_index(at, sizeof(at), "pins", i),
                            "%s must be a PIN of 14 digits", at);
            break;
        }
        len +=
            (size_t)snprintf(literal + len, sizeof(literal) - len, "%s%s", i > 0 ? "," : "", pin);
    }
    literal[len++] = '}';
    literal[len] = '\0';
    if (rc < 0)
        api_json_refuse(req, &f);
    else
        send_call(req, TALAPKER_REORDER, 3,
                  (const char *const[]){http_arg(req, "id")->s, literal, u->pin}, 200);
    json_object_put(o);
}

/*
 * The list rules on a nomination's rows (TALAPKER_RULE_ROWS, lock: the
 * draft locked for submission): the number of violations into v (at most
 * max), or -1 having answered.  A district nomination has no list rules.
 */
static long rules_of(struct http_request *req, const char *id, bool lock, struct list_violation *v,
                     size_t max, bool *is_list)
{
    const struct user *u = req->user;
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[TALAPKER_RULE_ROWS], 3,
                                (const char *const[]){id, u->pin, lock ? "true" : "false"}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return -1;
    }
    *is_list = PQntuples(res) > 0 && strcmp(PQgetvalue(res, 0, 10), "list") == 0;
    struct list_candidate c[LIST_MAX_CANDIDATES];
    struct list_date day;
    long n = *is_list ? api_list_rows(res, c, &day) : 0;
    PQclear(res);
    if (n < 0) {
        log_error(req->request_id, "a row of nomination %s is not what the list rules take", id);
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
        return -1;
    }
    if (!*is_list)
        return 0;
    size_t nv = list_rules_check(c, (size_t)n, day, v, max);
    return (long)(nv > max ? max : nv);
}

#define MAX_VIOLATIONS (LIST_RULE__MAX + LIST_MAX_CANDIDATES / 4)

/* A nomination as its party sees it, with the list rules' verdict on it as it stands. */
static void nomination_get(struct http_request *req)
{
    const struct user *u = req->user;
    const char *id = http_arg(req, "id")->s;
    struct list_violation v[MAX_VIOLATIONS];
    bool is_list = false;
    long nv = rules_of(req, id, false, v, NELEM(v), &is_list);
    if (nv < 0)
        return;
    PGresult *res = NULL;
    enum db_status st =
        db_exec(&statements[TALAPKER_GET], 2, (const char *const[]){id, u->pin}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    struct json_object *o = db_value(res) != NULL ? json_tokener_parse(db_value(res)) : NULL;
    PQclear(res);
    if (o == NULL) {
        http_error(req, 404, "nomination_not_found", "you have no nomination with this number",
                   "id");
        return;
    }
    struct json_object *rules = NULL;
    if (is_list) {
        rules = json_object_new_object();
        json_object_object_add(rules, "keeps_rules", json_object_new_boolean(nv == 0));
        json_object_object_add(rules, "violations", api_list_violations_json(v, (size_t)nv));
    }
    json_object_object_add(o, "rules", rules);
    size_t len;
    const char *s = json_object_to_json_string_length(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    http_json(req, 200, s, len, CACHE_NONE);
    json_object_put(o);
}

/* Answers 422 with every rule the list breaks, in the standard error's shape plus violations. */
static void refuse_rules(struct http_request *req, const struct list_violation *v, size_t nv)
{
    char m[160];
    snprintf(m, sizeof(m),
             "the list breaks %zu of the list rules; each is named with its positions", nv);
    api_refuse_listing(req, 422, "list_rules", m, "violations", api_list_violations_json(v, nv));
}

/*
 * Submission, in one transaction: the draft locked, the list rules on it as
 * it stands (every broken rule in one 422), then the write (consents, the
 * deadline, the receipt).
 */
static void submit_post(struct http_request *req)
{
    const struct user *u = req->user;
    const char *id = http_arg(req, "id")->s;
    enum db_status st = db_begin();
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    struct list_violation v[MAX_VIOLATIONS];
    bool is_list = false;
    long nv = rules_of(req, id, true, v, NELEM(v), &is_list);
    if (nv < 0) {
        db_rollback();
        return;
    }
    if (nv > 0) {
        db_rollback();
        refuse_rules(req, v, (size_t)nv);
        return;
    }
    PGresult *res = NULL;
    if ((st = db_exec(&statements[TALAPKER_SUBMIT], 2, (const char *const[]){id, u->pin}, &res)) !=
            DB_OK ||
        (st = db_commit()) != DB_OK) {
        PQclear(res);
        db_rollback();
        api_db_failure(req, st);
        return;
    }
    PQclear(res);
    /*
     * Submitted: now the registers are asked about every candidate, outside
     * the transaction (a register that does not answer leaves "unavailable"
     * checks for the commission to run again; the submission stands).
     */
    if ((st = talapker_run_checks(req, id, NULL)) != DB_OK)
        log_error(req->request_id, "the checks of nomination %s were not recorded: %s", id,
                  db_error());
    api_send_query(req, &statements[TALAPKER_GET], 2, (const char *const[]){id, u->pin}, CACHE_NONE,
                   "nomination_not_found", "you have no nomination with this number");
}

/*
 * The deposit: the treasury's payment reference, checked through Tunduk
 * (cheap checks first: a nomination of the person's that takes it).
 */
static void deposit_post(struct http_request *req)
{
    static const struct field body[] = {
        {"payment_reference", FIELD_TEXT, 0, 32, true,
         .about = "the treasury's reference of the deposit's payment"},
        {NULL}};
    const struct user *u = req->user;
    const char *id = http_arg(req, "id")->s;
    struct field_value v[1];
    if (api_body_read(req, body, v) < 0)
        return;
    const char *ref = v[0].s;
    if (!api_register_key_valid(ref)) {
        http_error(req, 400, "invalid_field",
                   "payment_reference is 3 to 32 letters, digits and hyphens", "payment_reference");
        return;
    }
    if (check(req, TALAPKER_DEPOSIT_OPEN, 2, (const char *const[]){id, u->pin}) < 0 ||
        rate_check(req) < 0)
        return;
    char issue[64];
    snprintf(issue, sizeof(issue), "shailoo-nomination-%s", id);
    enum registry_status rs;
    const char *payment = registry_text(req, REGISTRY_TREASURY, ref, u->pin, issue, &rs, NULL);
    if (rs == REGISTRY_NOT_FOUND)
        http_error(req, 422, "payment_not_found", "the treasury has no payment with this reference",
                   "payment_reference");
    else if (rs == REGISTRY_UNAVAILABLE)
        register_down(req, "treasury");
    else
        send_call(req, TALAPKER_DEPOSIT, 4, (const char *const[]){id, ref, payment, u->pin}, 200);
}

#define SIGNED_IN_READ(stmt, code, message)                                                        \
    API_READ(&statements[stmt], CACHE_NONE, false, code, message, .mine = true),                   \
        .access = ACCESS_SIGNED_IN
#define FIELD_NOMINATION(name)                                                                     \
    {                                                                                              \
        name, FIELD_INT, 1, BIG_ID_MAX, .about = "a nomination's number"                           \
    }
#define FIELD_PARTY(name)                                                                          \
    {                                                                                              \
        name, FIELD_INT, 1, ID_MAX, .about = "a party's id"                                        \
    }

static const struct route routes[] = {
    {"GET", "/api/v1/talapker/me", SIGNED_IN_READ(TALAPKER_ME, "not_found", "nothing"),
     .summary = "The parties the signed-in person acts for and the nominations naming them"},
    {"POST", "/api/v1/elections/{id}/parties", notify_post, ACCESS_SIGNED_IN,
     .path = {FIELD_ELECTION("id")}, .body = "application/json",
     .summary = "A party notifies the commission that it takes part (its head, checked with the "
                "legal-entity register)"},
    {"GET", "/api/v1/elections/{id}/parties/{party}/office",
     SIGNED_IN_READ(TALAPKER_OFFICE, "party_not_found",
                    "you are neither the head nor a representative of this party in this election"),
     .path = {FIELD_ELECTION("id"), FIELD_PARTY("party")},
     .summary = "A party's office: head, representatives, nominations, history"},
    {"POST", "/api/v1/elections/{id}/parties/{party}/representatives", rep_post, ACCESS_SIGNED_IN,
     .path = {FIELD_ELECTION("id"), FIELD_PARTY("party")}, .body = "application/json",
     .summary = "The head names a representative by PIN"},
    {"DELETE", "/api/v1/elections/{id}/parties/{party}/representatives/{pin}",
     API_CALL(&statements[TALAPKER_REP_WITHDRAW]), .access = ACCESS_SIGNED_IN,
     .path = {FIELD_ELECTION("id"), FIELD_PARTY("party"), FIELD_PIN("pin")},
     .summary = "The head withdraws a representative"},
    {"POST", "/api/v1/nominations", nomination_post, ACCESS_SIGNED_IN, .body = "application/json",
     .summary = "A new nomination: a party's list, a party's district candidate, or a "
                "self-nomination"},
    {"GET", "/api/v1/nominations/{id}", nomination_get, ACCESS_SIGNED_IN,
     .path = {FIELD_NOMINATION("id")},
     .summary = "A nomination as its party sees it, with the list rules' verdict"},
    {"POST", "/api/v1/nominations/{id}/candidates", candidate_post, ACCESS_SIGNED_IN,
     .path = {FIELD_NOMINATION("id")}, .body = "application/json",
     .summary = "Appends a person to a draft list (checked with the population register)"},
    {"DELETE", "/api/v1/nominations/{id}/candidates/{pin}", API_CALL(&statements[TALAPKER_REMOVE]),
     .access = ACCESS_SIGNED_IN, .path = {FIELD_NOMINATION("id"), FIELD_PIN("pin")},
     .query = {{"reason", FIELD_TEXT, 0, 1000, .about = "why the candidate is withdrawn"}},
     .summary = "Takes a candidate off a draft list, or withdraws them from a submitted one "
                "(the number stays)"},
    {"PUT", "/api/v1/nominations/{id}/order", order_put, ACCESS_SIGNED_IN,
     .path = {FIELD_NOMINATION("id")}, .body = "application/json",
     .summary = "A draft list's new order"},
    {"POST", "/api/v1/nominations/{id}/submit", submit_post, ACCESS_SIGNED_IN,
     .path = {FIELD_NOMINATION("id")},
     .summary = "Submits a nomination: the list rules, the consents, the deadline; a receipt"},
    {"POST", "/api/v1/nominations/{id}/withdraw",
     API_CALL(&statements[TALAPKER_WITHDRAW],
              {{"reason", FIELD_TEXT, 0, 1000, .about = "why the nomination is withdrawn"}}),
     .access = ACCESS_SIGNED_IN, .path = {FIELD_NOMINATION("id")}, .body = "application/json",
     .summary = "Withdraws the whole nomination"},
    {"POST", "/api/v1/nominations/{id}/deposit", deposit_post, ACCESS_SIGNED_IN,
     .path = {FIELD_NOMINATION("id")}, .body = "application/json",
     .summary = "The deposit's payment reference, confirmed with the treasury"},
    {"POST", "/api/v1/nominations/{id}/resubmit", API_CALL(&statements[TALAPKER_RESUBMIT]),
     .access = ACCESS_SIGNED_IN, .path = {FIELD_NOMINATION("id")},
     .summary = "Back to the commission once every deficient document has a corrected version"},
    {"GET", "/api/v1/cabinet/nominations", SIGNED_IN_READ(TALAPKER_MINE, "not_found", "nothing"),
     .summary = "The nominations naming the signed-in person, with their consent"},
    {"POST", "/api/v1/cabinet/nominations/{id}/consent",
     API_CALL(&statements[TALAPKER_CONSENT],
              {{"consent", FIELD_BOOL, .required = true,
                .about = "true: I agree to stand; false: I decline"}}),
     .access = ACCESS_SIGNED_IN, .path = {FIELD_NOMINATION("id")}, .body = "application/json",
     .summary = "The candidate confirms or declines their nomination"},
    {"POST", "/api/v1/cabinet/nominations/{id}/withdraw",
     API_CALL(&statements[TALAPKER_WITHDRAW_SELF],
              {{"reason", FIELD_TEXT, 0, 1000, .about = "why the candidate withdraws"}}),
     .access = ACCESS_SIGNED_IN, .path = {FIELD_NOMINATION("id")}, .body = "application/json",
     .summary = "The candidate withdraws themself from a submitted nomination (the number stays)"},
};

const struct api_module talapker_module = {"talapker", routes,        NELEM(routes),
                                           statements, TALAPKER__MAX, NULL};
