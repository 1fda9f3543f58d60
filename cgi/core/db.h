#ifndef SHAILOO_DB_H
#define SHAILOO_DB_H

#include <stdbool.h>
#include <libpq-fe.h>

/*
 * The worker's one PostgreSQL connection and its prepared statements.
 * Statements come from const tables registered at start; after a
 * reconnect they are prepared again.  A worker has one connection and no
 * threads, so nothing here locks.
 */
struct db_statement {
    const char *name;
    const char *sql;
};

enum db_status {
    DB_OK = 0,
    DB_UNAVAILABLE = -1, /* the server is down or restarting: answer 503 */
    DB_FAILED = -2, /* a query failed: our bug or a constraint, see db_error() */
};

/* Keeps the pointers (const tables); call before db_connect. */
void db_register(const struct db_statement *stmts, size_t n);
/* Connects and prepares everything; DB_UNAVAILABLE leaves the worker able to retry later. */
enum db_status db_connect(const char *conninfo);
void db_disconnect(void);

/*
 * Runs a prepared statement (an entry of a registered table: a part names
 * its statements once, by an enum indexing its table) with text parameters
 * (NULL = SQL NULL).  On
 * DB_OK *res holds the result, which the caller PQclear()s.  A read that
 * fails because the connection broke is retried once after reconnecting.
 */
enum db_status db_exec(const struct db_statement *stmt, int nparams, const char *const *params,
                       PGresult **res);

/* Transactions for writes: every write of a request is one transaction. */
enum db_status db_begin(void);
enum db_status db_commit(void);
void db_rollback(void);

/* SQLSTATE and message of the last failure ("" if none). */
const char *db_sqlstate(void);
const char *db_error(void);
/* The last failure's primary message, DETAIL and HINT fields ("" if none). */
const char *db_error_primary(void);
const char *db_error_detail(void);
const char *db_error_hint(void);

/*
 * Notifications (the publisher): LISTEN on channel, then wait on
 * db_socket() and collect them with db_notifications().  A reconnect (see
 * db_generation) loses the LISTEN and whatever was sent meanwhile: listen
 * again and assume everything changed.
 */
enum db_status db_listen(const char *channel);
/* The connection's socket, or -1 without one. */
int db_socket(void);
/* Calls fn for each notification received so far; the count, or -1 if the connection broke. */
int db_notifications(void (*fn)(const char *payload, void *ctx), void *ctx);
/* The server process of the connection (0 without one). */
int db_backend_pid(void);
/* Counts successful connections: it changes when a reconnect happened. */
unsigned long db_generation(void);

/* The single text value of a one-row, one-column result, or NULL if none/NULL. */
const char *db_value(PGresult *res);

#endif
