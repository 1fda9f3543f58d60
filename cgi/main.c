/*
 * shailoo: the FastCGI application.  Configuration comes from the
 * environment (see README.md, "Configuration"):
 *   SHAILOO_SOCKET   unix socket path             (default var/run/shailoo.sock)
 *   SHAILOO_WORKERS  worker processes             (default 2 x cores)
 *   SHAILOO_DB       libpq connection string      (default "dbname=shailoo")
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "core/server.h"

static void worker_init(void)
{
    db_register(tizme_statements, tizme_nstatements);
    db_register(places_statements, places_nstatements);
    db_register(elections_statements, elections_nstatements);
}

static const char *env(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v != NULL && *v != '\0' ? v : fallback;
}

int main(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        puts("usage: shailoo   (configured by SHAILOO_SOCKET, SHAILOO_WORKERS, SHAILOO_DB)");
        return 0;
    }
    const struct route_table tables[] = {tizme_routes, places_routes, elections_routes};
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    char dflt[24];
    snprintf(dflt, sizeof(dflt), "%ld", cores > 0 ? cores * 2 : 2);
    struct server_config cfg = {
        .socket_path = env("SHAILOO_SOCKET", "var/run/shailoo.sock"),
        .socket_mode = (int)strtol(env("SHAILOO_SOCKET_MODE", "0660"), NULL, 8),
        .workers = atoi(env("SHAILOO_WORKERS", dflt)),
        .conninfo = env("SHAILOO_DB", "dbname=shailoo"),
        .routes = tables,
        .nroutes = sizeof(tables) / sizeof(tables[0]),
        .worker_init = worker_init,
    };
    return server_run(&cfg);
}
