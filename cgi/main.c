/*
 * shailoo: the FastCGI application.  Configuration comes from the
 * environment (see README.md, "Configuration"):
 *   SHAILOO_SOCKET   unix socket path             (default var/run/shailoo.sock)
 *   SHAILOO_WORKERS  worker processes             (default 2 x cores)
 *   SHAILOO_DB       libpq connection string      (default "dbname=shailoo")
 *   SHAILOO_SESSION_KEY, SHAILOO_SESSION_PUBKEY   our ES256 key pair (PEM)
 *   SHAILOO_ESIA_AUTHORIZE_URL, _TOKEN_URL, _ISSUER, _CLIENT_ID, _CLIENT_SECRET,
 *   _REDIRECT_URI, _KEY (ESIA's RSA public key, PEM), _TIMEOUT_MS
 *   SHAILOO_TUNDUK_URL (our X-Road security server), _CLIENT, _CERT, _KEY, _CACERT,
 *   _CONNECT_TIMEOUT_MS, _TIMEOUT_MS, _RETRIES, _POPULATION (the service id)
 *   SHAILOO_PUBLISH_DIR    where the publisher writes the files nginx serves
 *                          (unset: nothing is published, the workers answer all)
 *   SHAILOO_PUBLISH_EXPORT_MS  the least time between two writings of an export (10000)
 *   SHAILOO_FILES_DIR      the document store (var/files), served by nginx as /.files/
 *   SHAILOO_PUBLISH_TURNOUT_MS the least time between two writings of a station's
 *                          results for its opening and turnouts (30000; a final at once)
 *   SHAILOO_REGISTRIES_INTERVAL_MS  how often the civil registry's feed is read (60000; 0: never)
 *   SHAILOO_REGISTRIES_DISABILITY_MS how often the disability registry is read (3600000; 0: never)
 *   SHAILOO_TUNDUK_CIVIL, _DISABILITY_PERSONS  those two services' ids
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "api/api.h"
#include "core/files.h"
#include "core/log.h"
#include "core/publish.h"
#include "core/server.h"
#include "core/session.h"
#include "ext/esia.h"
#include "ext/tunduk.h"

/* The parts of the mission: the one list to keep. */
static const struct api_module *const modules[] = {
    &common_module,     &tizme_module,           &places_module,          &elections_module,
    &auth_module,       &registry_module,        &cabinet_module,         &biometrics_module,
    &asu_module,        &results_module,         &documents_module,       &document_kinds_module,
    &talapker_module,   &talapker_review_module, &talapker_public_module, &funds_module,
    &complaints_module, &protocols_module,       &outcome_module,         &open_data_module,
    &xroad_module,      &addresses_module,       &registries_module,      &maps_module,
    &openapi_module,
};
#define NMODULES (sizeof(modules) / sizeof(modules[0]))

static void worker_init(void)
{
    for (size_t i = 0; i < NMODULES; i++)
        db_register(modules[i]->statements, modules[i]->nstatements);
}

static const char *env(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v != NULL && *v != '\0' ? v : fallback;
}

/* Our session keys, ESIA and Tunduk from the environment (README.md, "Configuration"). */
static void configure_identity_and_tunduk(void)
{
    if (session_init(env("SHAILOO_SESSION_KEY", "var/keys/session.pem"),
                     env("SHAILOO_SESSION_PUBKEY", "var/keys/session.pub.pem")) < 0)
        log_error(NULL, "no session key (SHAILOO_SESSION_KEY): sign-in is off");
    struct esia_config esia = {
        .authorize_url = getenv("SHAILOO_ESIA_AUTHORIZE_URL"),
        .token_url = getenv("SHAILOO_ESIA_TOKEN_URL"),
        .issuer = getenv("SHAILOO_ESIA_ISSUER"),
        .client_id = getenv("SHAILOO_ESIA_CLIENT_ID"),
        .client_secret = getenv("SHAILOO_ESIA_CLIENT_SECRET"),
        .redirect_uri = getenv("SHAILOO_ESIA_REDIRECT_URI"),
        .key_path = getenv("SHAILOO_ESIA_KEY"),
        .timeout_ms = atol(env("SHAILOO_ESIA_TIMEOUT_MS", "5000")),
    };
    struct tunduk_config tunduk = {
        .security_server = getenv("SHAILOO_TUNDUK_URL"),
        .client = env("SHAILOO_TUNDUK_CLIENT", "central-server/GOV/70000001/shailoo"),
        .cert = getenv("SHAILOO_TUNDUK_CERT"),
        .key = getenv("SHAILOO_TUNDUK_KEY"),
        .cacert = getenv("SHAILOO_TUNDUK_CACERT"),
        .connect_timeout_ms = atol(env("SHAILOO_TUNDUK_CONNECT_TIMEOUT_MS", "1000")),
        .timeout_ms = atol(env("SHAILOO_TUNDUK_TIMEOUT_MS", "3000")),
        .retries = atoi(env("SHAILOO_TUNDUK_RETRIES", "2")),
    };
    if (tunduk_init(&tunduk) < 0)
        log_error(NULL, "Tunduk is not configured (SHAILOO_TUNDUK_URL): registry checks are off");
    if (esia_init(&esia) < 0)
        log_error(NULL, "ESIA is not configured (SHAILOO_ESIA_*): sign-in is off");
}

/* The master's children beside the workers: the publisher's lanes, then the registries' reader. */
static int publisher_lanes;
static const char *reader_conninfo;

static int background_run(int slot)
{
    if (slot < publisher_lanes)
        return published_run(slot);
    return registries_run(reader_conninfo, worker_init);
}

/*
 * shailoo --store-file FILE...: puts files into the document store
 * (SHAILOO_FILES_DIR, var/files) as an upload would be (core/files.c), and
 * prints for each "sha256 size type pages" (tab-separated), for the demo's
 * documents (sql/demo/talapker.sql).  A file of no type the store takes is
 * refused.
 */
static int store_files(int n, char **paths)
{
    const char *root = env("SHAILOO_FILES_DIR", "var/files");
    for (int i = 0; i < n; i++) {
        struct file_upload u;
        bool existed = false;
        if (files_open(&u, paths[i]) < 0 || files_identify(&u) < 0 || u.type == FILE_OTHER ||
            files_store(&u, root, &existed) < 0) {
            fprintf(stderr, "shailoo: cannot store %s\n", paths[i]);
            return 1;
        }
        printf("%s\t%zu\t%s\t%ld\n", u.sha256, u.size, files_type_mime(u.type), u.pages);
        files_close(&u);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        puts(
            "usage: shailoo [--routes | --store-file FILE...]\n"
            "       (configured by SHAILOO_SOCKET, SHAILOO_WORKERS, SHAILOO_DB, SHAILOO_FILES_DIR)");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--store-file") == 0)
        return store_files(argc - 2, argv + 2);
    struct route_table tables[NMODULES];
    char why[256];
    for (size_t i = 0; i < NMODULES; i++)
        tables[i] = (struct route_table){modules[i]->routes, modules[i]->nroutes};
    if (route_check(tables, NMODULES, why, sizeof(why)) < 0) {
        fprintf(stderr, "shailoo: %s\n", why);
        return 1;
    }
    /* A statements table with a hole (an enum entry without its statement) is a bug: refuse to start. */
    for (size_t i = 0; i < NMODULES; i++)
        for (size_t k = 0; k < modules[i]->nstatements; k++)
            if (modules[i]->statements[k].name == NULL || modules[i]->statements[k].sql == NULL) {
                fprintf(stderr, "shailoo: module %s: statement %zu of %zu is missing\n",
                        modules[i]->name, k, modules[i]->nstatements);
                return 1;
            }
    /* shailoo --routes: every route of every module, "METHOD PATTERN" a line (the tests compare). */
    if (argc > 1 && strcmp(argv[1], "--routes") == 0) {
        for (size_t i = 0; i < NMODULES; i++)
            for (size_t k = 0; k < tables[i].n; k++)
                printf("%s %s\n", tables[i].routes[k].method, tables[i].routes[k].pattern);
        return 0;
    }
    openapi_set_modules(modules, NMODULES);
    for (size_t i = 0; i < NMODULES; i++)
        if (modules[i]->init != NULL)
            modules[i]->init();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    route_set_guard(auth_guard);
    configure_identity_and_tunduk();
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    char dflt[24];
    snprintf(dflt, sizeof(dflt), "%ld", cores > 0 ? cores * 2 : 2);
    const char *conninfo = env("SHAILOO_DB", "dbname=shailoo");
    const char *publish_dir = getenv("SHAILOO_PUBLISH_DIR");
    int publishers = 0;
    if (publish_dir != NULL && *publish_dir != '\0') {
        if (publish_prepare(publish_dir) < 0) {
            log_error(NULL, "cannot prepare %s for the published files: nothing is published",
                      publish_dir);
        } else {
            published_configure(publish_dir, conninfo, tables, NMODULES, worker_init);
            publishers = published_lanes();
        }
    }
    publisher_lanes = publishers;
    reader_conninfo = conninfo;
    if (registries_scheduled())
        publishers++;
    struct server_config cfg = {
        .socket_path = env("SHAILOO_SOCKET", "var/run/shailoo.sock"),
        .socket_mode = (int)strtol(env("SHAILOO_SOCKET_MODE", "0660"), NULL, 8),
        .workers = atoi(env("SHAILOO_WORKERS", dflt)),
        .conninfo = conninfo,
        .routes = tables,
        .nroutes = NMODULES,
        .worker_init = worker_init,
        .publishers = publishers,
        .publisher = background_run,
    };
    return server_run(&cfg);
}
