#ifndef SHAILOO_API_H
#define SHAILOO_API_H

#include "../core/db.h"
#include "../core/http.h"
#include "../core/route.h"

/* Each part of the mission: its route table and its prepared statements. */
extern const struct route_table tizme_routes, places_routes, elections_routes;
extern const struct db_statement tizme_statements[], places_statements[],
    elections_statements[];
extern const size_t tizme_nstatements, places_nstatements, elections_nstatements;

/*
 * Runs a statement whose one row and column is the response's JSON text and
 * sends it.  No row (or NULL): answers 404 with not_found_code/message.
 * Database down: 503; a failed query: 500, logged with the request id.
 */
void api_send_query(struct http_request *req, const char *stmt, int nparams,
                    const char *const *params, enum http_cache cache, const char *not_found_code,
                    const char *not_found_message);

/* Answers 503/500 for a database failure, logging it; for handlers that run their own queries. */
void api_db_failure(struct http_request *req, enum db_status st);

/* Checks a path parameter against a field spec; answers 400 itself and returns NULL on failure. */
const char *api_path_field(struct http_request *req, const struct field *f,
                           struct field_value *out);

/*
 * The public JSON of a station (station_json() in SQL), from this worker's
 * cache, at most PLACES_STATION_TTL seconds old.  Borrowed: valid until the
 * next call.  NULL with *st == DB_OK when there is no such station.
 */
#define PLACES_STATION_TTL 60
const char *places_station_json(long number, size_t *len, enum db_status *st);

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
