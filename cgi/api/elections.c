/* The list of elections, as the CEC publishes it: date, name, type, voters, turnout. */
#include "api.h"

const struct db_statement elections_statements[] = {
    {"elections_list",
     "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
     "  'id', id, 'date', date, 'name_ru', name_ru, 'name_ky', name_ky, 'type', type,"
     "  'status', status, 'voters', voters,"
     "  'turnout', round(ballots * 100.0 / nullif(voters, 0), 2)) ORDER BY date DESC, id), '[]'))::text"
     "  FROM elections"},
};
const size_t elections_nstatements = NELEM(elections_statements);

static void elections_get(struct http_request *req)
{
    if (http_fields_parse(req, NULL, 0, NULL) < 0)
        return;
    api_send_query(req, "elections_list", 0, NULL, CACHE_SHORT, "not_found", "no elections");
}

static const struct route routes[] = {
    {"GET", "/api/v1/elections", elections_get, 0},
};
const struct route_table elections_routes = {routes, NELEM(routes)};
