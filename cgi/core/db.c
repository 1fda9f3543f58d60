#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DB_MAX_TABLES 32

static struct {
    const struct db_statement *stmts;
    size_t n;
} tables[DB_MAX_TABLES];
static size_t ntables;

static PGconn *conn;
static char *conninfo_saved;
static bool in_transaction;
static char last_state[6];
static char last_error[512];
static char last_primary[512], last_detail[256], last_hint[128];
static unsigned long generation;

void db_register(const struct db_statement *stmts, size_t n)
{
    if (ntables < DB_MAX_TABLES) {
        tables[ntables].stmts = stmts;
        tables[ntables].n = n;
        ntables++;
    }
}

static void remember(const PGresult *res)
{
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(conn);
    snprintf(last_state, sizeof(last_state), "%s", state != NULL ? state : "");
    snprintf(last_error, sizeof(last_error), "%s", msg != NULL ? msg : "");
    size_t len = strlen(last_error);
    while (len > 0 && last_error[len - 1] == '\n')
        last_error[--len] = '\0';
    const char *primary = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *hint = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
    snprintf(last_primary, sizeof(last_primary), "%s", primary != NULL ? primary : "");
    snprintf(last_detail, sizeof(last_detail), "%s", detail != NULL ? detail : "");
    snprintf(last_hint, sizeof(last_hint), "%s", hint != NULL ? hint : "");
}

static enum db_status prepare_all(void)
{
    PGresult *res = PQexec(conn, "SET search_path = public; SET application_name = 'shailoo'");
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok)
        return DB_UNAVAILABLE;
    for (size_t t = 0; t < ntables; t++) {
        for (size_t i = 0; i < tables[t].n; i++) {
            const struct db_statement *s = &tables[t].stmts[i];
            res = PQprepare(conn, s->name, s->sql, 0, NULL);
            if (PQresultStatus(res) != PGRES_COMMAND_OK) {
                remember(res);
                fprintf(stderr, "shailoo: cannot prepare %s: %s\n", s->name, last_error);
                PQclear(res);
                return PQstatus(conn) == CONNECTION_OK ? DB_FAILED : DB_UNAVAILABLE;
            }
            PQclear(res);
        }
    }
    return DB_OK;
}

enum db_status db_connect(const char *conninfo)
{
    if (conninfo != conninfo_saved) {
        free(conninfo_saved);
        conninfo_saved = strdup(conninfo != NULL ? conninfo : "");
    }
    if (conn != NULL)
        PQfinish(conn);
    in_transaction = false;
    conn = PQconnectdb(conninfo_saved);
    if (PQstatus(conn) != CONNECTION_OK) {
        remember(NULL);
        return DB_UNAVAILABLE;
    }
    enum db_status st = prepare_all();
    if (st == DB_OK)
        generation++;
    return st;
}

void db_disconnect(void)
{
    if (conn != NULL)
        PQfinish(conn);
    conn = NULL;
    free(conninfo_saved);
    conninfo_saved = NULL;
}

/* Reconnects when the connection is gone (a restarted server). */
static enum db_status ensure_connected(void)
{
    if (conn != NULL && PQstatus(conn) == CONNECTION_OK)
        return DB_OK;
    if (conninfo_saved == NULL)
        return DB_UNAVAILABLE;
    return db_connect(conninfo_saved);
}

enum db_status db_exec(const struct db_statement *stmt, int nparams, const char *const *params,
                       PGresult **res)
{
    *res = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        enum db_status st = ensure_connected();
        if (st != DB_OK)
            return st;
        PGresult *r = PQexecPrepared(conn, stmt->name, nparams, params, NULL, NULL, 0);
        ExecStatusType rs = PQresultStatus(r);
        if (rs == PGRES_TUPLES_OK || rs == PGRES_COMMAND_OK) {
            *res = r;
            return DB_OK;
        }
        remember(r);
        PQclear(r);
        if (PQstatus(conn) == CONNECTION_OK)
            return DB_FAILED;
        /* The connection broke: inside a transaction the work is lost, so no retry. */
        if (in_transaction) {
            in_transaction = false;
            return DB_UNAVAILABLE;
        }
    }
    return DB_UNAVAILABLE;
}

static enum db_status simple(const char *sql)
{
    enum db_status st = ensure_connected();
    if (st != DB_OK)
        return st;
    PGresult *r = PQexec(conn, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        remember(r);
        PQclear(r);
        return PQstatus(conn) == CONNECTION_OK ? DB_FAILED : DB_UNAVAILABLE;
    }
    PQclear(r);
    return DB_OK;
}

enum db_status db_begin(void)
{
    enum db_status st = simple("BEGIN");
    in_transaction = st == DB_OK;
    return st;
}

enum db_status db_commit(void)
{
    in_transaction = false;
    return simple("COMMIT");
}

void db_rollback(void)
{
    if (!in_transaction && (conn == NULL || PQtransactionStatus(conn) == PQTRANS_IDLE))
        return;
    in_transaction = false;
    if (conn != NULL && PQstatus(conn) == CONNECTION_OK) {
        PGresult *r = PQexec(conn, "ROLLBACK");
        PQclear(r);
    }
}

const char *db_sqlstate(void)
{
    return last_state;
}

const char *db_error(void)
{
    return last_error;
}

const char *db_error_primary(void)
{
    return last_primary;
}

const char *db_error_detail(void)
{
    return last_detail;
}

const char *db_error_hint(void)
{
    return last_hint;
}

const char *db_value(PGresult *res)
{
    if (res == NULL || PQntuples(res) != 1 || PQnfields(res) < 1 || PQgetisnull(res, 0, 0))
        return NULL;
    return PQgetvalue(res, 0, 0);
}

unsigned long db_generation(void)
{
    return generation;
}

enum db_status db_listen(const char *channel)
{
    enum db_status st = ensure_connected();
    if (st != DB_OK)
        return st;
    char *id = PQescapeIdentifier(conn, channel, strlen(channel));
    if (id == NULL)
        return DB_FAILED;
    char sql[256];
    snprintf(sql, sizeof(sql), "LISTEN %s", id);
    PQfreemem(id);
    return simple(sql);
}

int db_socket(void)
{
    return conn != NULL && PQstatus(conn) == CONNECTION_OK ? PQsocket(conn) : -1;
}

int db_notifications(void (*fn)(const char *payload, void *ctx), void *ctx)
{
    if (conn == NULL || PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK)
        return -1;
    int n = 0;
    PGnotify *note;
    while ((note = PQnotifies(conn)) != NULL) {
        fn(note->extra, ctx);
        PQfreemem(note);
        n++;
    }
    return n;
}

int db_backend_pid(void)
{
    return conn != NULL ? PQbackendPID(conn) : 0;
}
