/*
 * shailoo-verify: an observer's check of an election's public results.
 *
 *   shailoo-verify --url http://HOST:PORT --election E [--save DIR]
 *                  [--connections N] [--timeout SECONDS]
 *   shailoo-verify --dir DIR --election E
 *
 * Reads the whole public log (GET .../log, a page of 1000 at a time) and
 * checks its chain, each entry's SHA-256, each JWS's signature with its
 * device's published key (GET /api/v1/asu/devices) and payload; replays it
 * (the finals in force, the latest protocol versions, the "applied" flags);
 * recomputes every station's, district's, region's and the country's
 * figures, the ASU's and the official, and compares them with the site's
 * answers (stations/N, regions/R, districts/D, summary), and the seats
 * recomputed from them with /seats.  --save DIR keeps every answer read
 * (verify_fetch.c names the files) so that --dir DIR checks the same copy
 * again, offline.
 *
 * Every mismatch is one line on stdout, then a summary line.  Exit 0 when
 * everything matches, 1 when something does not, 2 on a usage error or an
 * answer that could not be had.
 */
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "verify.h"

static void usage(void)
{
    fprintf(stderr,
            "usage: shailoo-verify --url http://HOST:PORT --election E [--save DIR]\n"
            "                      [--connections N] [--timeout SECONDS]\n"
            "       shailoo-verify --dir DIR --election E\n");
}

void verify_mismatch(struct verify *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    v->mismatches++;
}

struct verify_station *verify_station(const struct verify *v, int number)
{
    if (number < 0 || number > STATION_MAX || v->station_index[number] < 0)
        return NULL;
    return &v->stations[v->station_index[number]];
}

const struct verify_entry *verify_entry_at(const struct verify *v, int64_t seq)
{
    size_t lo = 0, hi = v->nentries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->entries[mid].seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < v->nentries && v->entries[lo].seq == seq)
        return &v->entries[lo];
    for (size_t i = 0; i < v->nentries; i++) /* a log out of order */
        if (v->entries[i].seq == seq)
            return &v->entries[i];
    return NULL;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int parse_args(int argc, char **argv, struct verify *v)
{
    char *end;
    double timeout = 60;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (val == NULL)
            return -1;
        if (strcmp(a, "--url") == 0) {
            size_t n = strlen(argv[i + 1]);
            while (n > 0 && argv[i + 1][n - 1] == '/') /* the paths start with one */
                argv[i + 1][--n] = '\0';
            v->src.url = val;
        } else if (strcmp(a, "--dir") == 0)
            v->src.dir = val;
        else if (strcmp(a, "--save") == 0)
            v->src.save = val;
        else if (strcmp(a, "--election") == 0) {
            v->election = strtol(val, &end, 10);
            if (*end != '\0' || v->election < 1 || v->election > ID_MAX)
                return -1;
        } else if (strcmp(a, "--connections") == 0) {
            v->src.connections = strtol(val, &end, 10);
            if (*end != '\0' || v->src.connections < 1 || v->src.connections > 64)
                return -1;
        } else if (strcmp(a, "--timeout") == 0) {
            timeout = strtod(val, &end);
            if (*end != '\0' || !(timeout >= 1 && timeout <= 3600))
                return -1;
        } else {
            return -1;
        }
        i++;
    }
    v->src.timeout_ms = (long)(timeout * 1000);
    v->src.connect_ms = v->src.timeout_ms < 5000 ? v->src.timeout_ms : 5000;
    /* One of --url and --dir; --save only with --url; a URL without a trailing slash. */
    if ((v->src.url == NULL) == (v->src.dir == NULL) || v->election == 0 ||
        (v->src.save != NULL && v->src.url == NULL))
        return -1;
    if (v->src.url != NULL &&
        (strncmp(v->src.url, "http://", 7) != 0 && strncmp(v->src.url, "https://", 8) != 0))
        return -1;
    return 0;
}

/* ---- The answers --------------------------------------------------------------------- */

/* Each answer into its place (ctx: an array of places, one a path). */
static int keep(void *ctx, size_t i, char *body, size_t len)
{
    char ***dest = ctx;
    (void)len;
    *dest[i] = body;
    return 0;
}

static void free_paths(char **paths, size_t n)
{
    for (size_t i = 0; paths != NULL && i < n; i++)
        free(paths[i]);
    free(paths);
}

/* paths[i] = fmt...; dest[i] = where its answer goes.  0, or -1 out of memory. */
__attribute__((format(printf, 5, 6))) static int want(char **paths, char ***dest, size_t i,
                                                      char **to, const char *fmt, ...)
{
    char path[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    dest[i] = to;
    return (paths[i] = strdup(path)) != NULL ? 0 : -1;
}

/* The summary: whether the election has the party lists; its councils' regions. */
static int read_summary(struct verify *v)
{
    struct json_object *o = verify_parse(v, "summary", v->summary), *ks;
    if (o == NULL)
        return -1;
    v->parliamentary = verify_json_get(o, "list") != NULL;
    ks = verify_json_get(o, "contests");
    for (size_t i = 0; ks != NULL && i < json_object_array_length(ks); i++) {
        struct json_object *c = verify_json_get(json_object_array_get_idx(ks, i), "council");
        int64_t id, region;
        if (c != NULL && v->ncouncils < sizeof(v->councils) / sizeof(v->councils[0]) &&
            verify_json_int(c, "id", &id) && verify_json_int(c, "region_id", &region)) {
            v->councils[v->ncouncils].id = id;
            v->councils[v->ncouncils++].position = (int)region;
        }
    }
    json_object_put(o);
    return 0;
}

/* The stations from /api/v1/stations, 20 a page (an election without the list contest). */
static int stations_from_places(struct verify *v)
{
    char *first = NULL, **pages = NULL, ***dest = NULL, **paths = NULL;
    size_t len, n = 0;
    int64_t total = 0;
    int rc = -1;
    if (verify_fetch(&v->src, "/api/v1/stations?page=1", &first, &len) < 0)
        return -1;
    struct json_object *o = verify_parse(v, "stations", first);
    if (o == NULL || !verify_json_int(o, "total", &total) || total < 0)
        goto out;
    n = (size_t)(total + 19) / 20;
    pages = calloc(n + 1, sizeof(char *));
    dest = calloc(n + 1, sizeof(char **));
    paths = calloc(n + 1, sizeof(char *));
    if (pages == NULL || dest == NULL || paths == NULL)
        goto out;
    pages[0] = first;
    first = NULL;
    for (size_t p = 1; p < n; p++)
        if (want(paths, dest, p - 1, &pages[p], "/api/v1/stations?page=%zu", p + 1) < 0)
            goto out;
    if (n > 1 && verify_fetch_many(&v->src, paths, n - 1, keep, dest) < 0)
        goto out;
    for (size_t p = 0; p < n; p++) {
        struct json_object *page = verify_parse(v, "stations", pages[p]), *items;
        items = verify_json_get(page, "items");
        for (size_t i = 0; items != NULL && i < json_object_array_length(items); i++) {
            struct json_object *s = json_object_array_get_idx(items, i), *abroad;
            int64_t number = 0, region = 0, district = 0;
            abroad = verify_json_get(s, "abroad");
            bool away = abroad != NULL && json_object_get_boolean(abroad);
            verify_json_int(s, "number", &number);
            verify_json_int(verify_json_get(s, "region"), "id", &region);
            verify_json_int(s, "district", &district);
            if (verify_add_station(v, (int)number, away ? VERIFY_REGIONS : (int)region,
                                   away ? 0 : (int)district) < 0) {
                json_object_put(page);
                goto out;
            }
        }
        json_object_put(page);
    }
    verify_index_stations(v);
    rc = 0;
out:
    json_object_put(o);
    free(first);
    for (size_t p = 0; pages != NULL && p <= n; p++)
        free(pages[p]);
    free(pages);
    free(dest);
    free_paths(paths, n);
    return rc;
}

/*
 * What the site publishes of the election: the summary, the regions (they
 * list the stations), then every station, district and the seats.
 */
static int fetch_answers(struct verify *v)
{
    const long e = v->election;
    const char *base = "/api/v1/results/elections";
    char path[160];
    size_t len, n = 0, k = 0;
    snprintf(path, sizeof(path), "%s/%ld/summary", base, e);
    if (verify_fetch(&v->src, path, &v->summary, &len) < 0 || read_summary(v) < 0)
        return -1;
    char **paths = calloc(STATION_MAX + DISTRICT_MAX + VERIFY_REGIONS, sizeof(char *));
    char ***dest = calloc(STATION_MAX + DISTRICT_MAX + VERIFY_REGIONS, sizeof(char **));
    int rc = -1;
    if (paths == NULL || dest == NULL)
        goto out;
    if (v->parliamentary) {
        for (k = 0; k < VERIFY_REGIONS; k++)
            if (want(paths, dest, k, &v->regions[k + 1], "%s/%ld/regions/%zu", base, e, k + 1) < 0)
                goto out;
        if (verify_fetch_many(&v->src, paths, k, keep, dest) < 0 ||
            verify_stations_from_regions(v) < 0)
            goto out;
    } else if (stations_from_places(v) < 0) {
        goto out;
    }
    for (size_t i = 0; i < k; i++) {
        free(paths[i]);
        paths[i] = NULL;
    }
    for (size_t i = 0; i < v->nstations; i++, n++)
        if (want(paths, dest, n, &v->stations[i].answer, "%s/%ld/stations/%d", base, e,
                 v->stations[i].number) < 0)
            goto out;
    for (int d = DISTRICT_MIN; d <= DISTRICT_MAX && v->parliamentary; d++, n++)
        if (want(paths, dest, n, &v->districts[d], "%s/%ld/districts/%d", base, e, d) < 0)
            goto out;
    if (want(paths, dest, n++, &v->seats_input, "%s/%ld/seats/input", base, e) < 0 ||
        want(paths, dest, n++, &v->seats, "%s/%ld/seats", base, e) < 0)
        goto out;
    rc = verify_fetch_many(&v->src, paths, n, keep, dest);
out:
    free_paths(paths, n > k ? n : k);
    free(dest);
    return rc;
}

static void verify_free(struct verify *v)
{
    for (size_t i = 0; i < v->nentries; i++)
        verify_entry_free(&v->entries[i]);
    free(v->entries);
    for (size_t i = 0; i < v->nstations; i++) {
        free(v->stations[i].entries);
        free(v->stations[i].answer);
    }
    free(v->stations);
    verify_devices_free(v);
    for (int r = 0; r <= VERIFY_REGIONS; r++)
        free(v->regions[r]);
    for (int d = 0; d <= DISTRICT_MAX; d++)
        free(v->districts[d]);
    free(v->summary);
    free(v->seats_input);
    free(v->seats);
    free(v->station_index);
    free(v->scratch);
}

int main(int argc, char **argv)
{
    static struct verify v;
    int rc = VERIFY_EXIT_ERROR;
    double t0 = now();
    v.src.connections = 4;
    if (parse_args(argc, argv, &v) < 0) {
        usage();
        return VERIFY_EXIT_ERROR;
    }
    if (v.src.url != NULL && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "shailoo-verify: libcurl cannot start\n");
        return VERIFY_EXIT_ERROR;
    }
    v.station_index = malloc((STATION_MAX + 1) * sizeof(int));
    v.scratch = malloc(sizeof(*v.scratch));
    if (v.station_index == NULL || v.scratch == NULL) {
        fprintf(stderr, "shailoo-verify: out of memory\n");
        goto out;
    }
    for (int i = 0; i <= STATION_MAX; i++)
        v.station_index[i] = -1;
    /* The answers first, then the log: whatever an answer names is in the log read after it. */
    if (fetch_answers(&v) < 0 || verify_read_log(&v) < 0 || verify_read_devices(&v) < 0)
        goto out;
    verify_check_entries(&v);
    verify_replay(&v);
    verify_compare_answers(&v);
    verify_compare_seats(&v);
    rc = v.mismatches > 0 ? VERIFY_EXIT_MISMATCH : VERIFY_EXIT_OK;
    printf("shailoo-verify: election %ld: %s, %ld mismatch%s; %zu log entries (%zu signed reports, "
           "%zu signatures verified, %zu protocol versions), %zu stations, %d regions, %d "
           "districts, the country and the seats compared; %zu answers, %.1f MB, in %.2f s\n",
           v.election, rc == VERIFY_EXIT_OK ? "OK" : "MISMATCH", v.mismatches,
           v.mismatches == 1 ? "" : "es", v.nentries, v.reports, v.signatures, v.protocols,
           v.nstations, VERIFY_REGIONS, DISTRICT_MAX, v.src.answers, (double)v.src.bytes / 1e6,
           now() - t0);
out:
    if (rc == VERIFY_EXIT_ERROR)
        fprintf(stderr,
                "shailoo-verify: election %ld: not verified (the answers could not be had)\n",
                v.election);
    verify_free(&v);
    if (v.src.url != NULL)
        curl_global_cleanup();
    if (fflush(stdout) != 0)
        rc = VERIFY_EXIT_ERROR;
    return rc;
}
