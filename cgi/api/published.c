/*
 * What the parts publish as files (core/publish.h): the results of every
 * election with contests, and Tizme's statistics.  The night's reports are
 * found by asking every POLL_MS for the public log's new entries (seqs of
 * an election commit in order: its log head is locked until commit);
 * other changes PostgreSQL tells on the channel "shailoo_publish"
 * (triggers of 017_publish.sql), one payload per change:
 *   "e E"     something of election E as a whole (a drawing of lots, its status)
 *   "E E"     everything of election E (its night was reset)
 *   "s E N"   station N of election E (a scan of its count)
 *   "stats"   the voter list's statistics
 *   "maps R"  region R's station boundaries (031_maps.sql)
 *   "*"       everything
 * and this file says which URLs each one changes, how soon and how often
 * they are written.  Three lanes (processes): the stations' results (a
 * final count first, ahead of the day's turnouts), the areas' and the
 * election's aggregates (each written a few times a second at most), and
 * the country-wide exports (a second or more each, every few seconds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/publish.h"
#include "api.h"

enum { LANE_STATIONS, LANE_AREAS, LANE_EXPORTS, LANES };

/*
 * The shortest time between two writings of a file, in ms: a station's
 * results at once (its opening and turnouts every SHAILOO_PUBLISH_TURNOUT_MS,
 * 30 s); the country's figures once a second; a district's every
 * 3 s, a region's (its 250 stations, 19 ms) and the seats every 5 s; the
 * exports every few seconds (SHAILOO_PUBLISH_EXPORT_MS).  At the night's
 * peak every area changes all the time: at one second each, the districts
 * and regions cost a third of a core, taken from accepting reports.  A station's
 * opening and turnouts are written every ten seconds at most; its final
 * count at once, ahead of every station queued for an opening or turnout.
 */
#define STATION_MS 0
#define TURNOUT_MS_DEFAULT 30000
#define FINAL_AHEAD_MS 3600000
#define DISTRICT_MS 3000
#define REGION_MS 5000
#define ELECTION_MS 1000
#define SEATS_MS 5000
#define STATS_MS 1000
#define MAPS_MS 2000 /* a region's boundaries, each level: a boundary change */
#define MAPS_VOTERS_MS 600000 /* their voters' counts, which the list changes all day */
#define EXPORT_MS_DEFAULT 10000
#define OPEN_DATA_MS_DEFAULT 300000
#define POLL_MS 50
#define POLL_ROWS 5000 /* log entries read at most per poll and election */
#define ELECTIONS_MAX 256
#define REGIONS AREA_ABROAD /* 1..9, and 10 for the stations abroad */
#define DISTRICTS DISTRICT_MAX

enum {
    PUBLISHED_ELECTIONS,
    PUBLISHED_STATIONS,
    PUBLISHED_HEADS,
    PUBLISHED_REPORTS,
    PUBLISHED__MAX
};

static const struct db_statement statements[PUBLISHED__MAX] = {
    [PUBLISHED_ELECTIONS] =
        {"published_elections",
         "SELECT e.id FROM elections e WHERE EXISTS (SELECT 1 FROM contests k WHERE k.election_id = e.id)"
         " ORDER BY e.id"},
    [PUBLISHED_STATIONS] =
        {"published_stations",
         "SELECT number, coalesce(region_id, 10), coalesce(district_number, 0) FROM stations"},
    [PUBLISHED_HEADS] = {"published_heads", "SELECT election_id, seq FROM results_log_head"},
    [PUBLISHED_REPORTS] =
        {"published_reports",
         "SELECT l.seq, coalesce(r.station_number, v.station_number),"
         "       coalesce(r.kind = 'final', true) FROM results_log l"
         "  LEFT JOIN asu_reports r ON r.id = l.report_id"
         "  LEFT JOIN protocol_versions v ON v.id = l.protocol_id"
         " WHERE l.election_id = $1::integer AND l.seq > $2::bigint ORDER BY l.seq LIMIT $3::integer"},
};

/* A station's region (1..10) and district (0: none), by number. */
static struct {
    unsigned char region, district;
} places[STATION_MAX - STATION_MIN + 1];

static long turnout_ms(void)
{
    static long ms = -1;
    if (ms < 0)
        ms = api_setting("SHAILOO_PUBLISH_TURNOUT_MS", TURNOUT_MS_DEFAULT, 0, 3600000);
    return ms;
}

static long export_ms(void)
{
    static long ms = -1;
    if (ms < 0)
        ms = api_setting("SHAILOO_PUBLISH_EXPORT_MS", EXPORT_MS_DEFAULT, 0, 3600000);
    return ms;
}

/*
 * The open-data exports (export/counts.json, nist.json...): written
 * SHAILOO_PUBLISH_OPEN_DATA_MS (5 min) after a change, then at most that
 * often again, so a night's first reports never wait behind them (written
 * at once they took a third of the capacity run's time: 7.6 s -> 12.4 s).
 */
static long open_data_ms(void)
{
    static long ms = -1;
    if (ms < 0)
        ms = api_setting("SHAILOO_PUBLISH_OPEN_DATA_MS", OPEN_DATA_MS_DEFAULT, 0, 3600000);
    return ms;
}

/* /api/v1/results/elections/E/what, or .../what/N when n > 0. */
static void results_uri(char *uri, size_t size, long e, const char *what, long n)
{
    if (n > 0)
        snprintf(uri, size, "/api/v1/results/elections/%ld/%s/%ld", e, what, n);
    else
        snprintf(uri, size, "/api/v1/results/elections/%ld/%s", e, what);
}

static void add_ahead(int lane, long lag_ms, long interval_ms, long e, const char *what, long n)
{
    char uri[PUBLISH_MAX_URI];
    results_uri(uri, sizeof(uri), e, what, n);
    publish_add(lane, uri, lag_ms, interval_ms);
}

static void add(int lane, long interval_ms, long e, const char *what, long n)
{
    add_ahead(lane, 0, interval_ms, e, what, n);
}

/* The answers about election e as a whole, and its areas' when areas is true. */
static void election_changed(long e, bool areas)
{
    static const char *const whole[] = {"summary", "regions", "turnout", "outcome"};
    static const char *const exports[] = {"export/list.csv", "export/districts.csv",
                                          "export/stations.json", "discrepancies",
                                          "discrepancies.csv"};
    /* The open data: a few seconds of work a round at full scale, never in a night's burst. */
    static const char *const open_data[] = {"export/counts.json", "export/counts.csv",
                                            "export/versions.csv", "export/scans.csv",
                                            "export/nist.json"};
    for (size_t i = 0; i < NELEM(whole); i++)
        add(LANE_AREAS, ELECTION_MS, e, whole[i], 0);
    add(LANE_AREAS, SEATS_MS, e, "seats", 0);
    add(LANE_AREAS, SEATS_MS, e, "seats/input", 0);
    for (size_t i = 0; i < NELEM(exports); i++)
        add(LANE_EXPORTS, export_ms(), e, exports[i], 0);
    for (size_t i = 0; i < NELEM(open_data); i++)
        add_ahead(LANE_EXPORTS, open_data_ms(), open_data_ms(), e, open_data[i], 0);
    if (!areas)
        return;
    for (long r = 1; r <= REGIONS; r++)
        add(LANE_AREAS, REGION_MS, e, "regions", r);
    for (long d = 1; d <= DISTRICTS; d++)
        add(LANE_AREAS, DISTRICT_MS, e, "districts", d);
}

/* A report of station n in election e; final: it was the count. */
static void station_changed(long e, long n, bool final)
{
    if (n < STATION_MIN || n > STATION_MAX)
        return;
    /*
     * A report shows at once: its station's file goes now (the application
     * answers from the database meanwhile) and comes back when the lane
     * gets to it, a final ahead of the turnouts.
     */
    char uri[PUBLISH_MAX_URI];
    results_uri(uri, sizeof(uri), e, "stations", n);
    publish_withdraw(LANE_STATIONS, uri);
    add_ahead(LANE_STATIONS, final ? -FINAL_AHEAD_MS : 0, final ? STATION_MS : turnout_ms(), e,
              "stations", n);
    unsigned region = places[n - STATION_MIN].region, district = places[n - STATION_MIN].district;
    if (region == 0) { /* a station we did not know at start: every area */
        election_changed(e, true);
        return;
    }
    add(LANE_AREAS, REGION_MS, e, "regions", region);
    if (district != 0)
        add(LANE_AREAS, DISTRICT_MS, e, "districts", district);
    election_changed(e, false);
}

/*
 * Region r's station boundaries at the three levels (031_maps.sql): each
 * file is the deepest zoom of its level, and nginx serves it for every zoom
 * of the level.  r == 0: every region.
 */
static void maps_changed(long r, long interval_ms)
{
    static const int zooms[] = {8, 11, 20};
    char uri[PUBLISH_MAX_URI];
    for (long k = r == 0 ? REGION_MIN : r; k <= (r == 0 ? REGION_MAX : r); k++)
        for (size_t i = 0; i < NELEM(zooms); i++) {
            snprintf(uri, sizeof(uri), "/api/v1/maps/regions/%ld/stations.geojson?zoom=%d", k,
                     zooms[i]);
            publish_add(LANE_EXPORTS, uri, 0, interval_ms);
        }
}

static void stats_changed(void)
{
    static const char *const paths[] = {"/api/v1/tizme/stats", "/api/v1/tizme/stats/dynamics"};
    char uri[PUBLISH_MAX_URI];
    for (size_t i = 0; i < NELEM(paths); i++) {
        publish_add(LANE_AREAS, paths[i], 0, STATS_MS);
        for (int r = REGION_MIN; r <= AREA_ABROAD; r++) { /* 10: the voters abroad */
            snprintf(uri, sizeof(uri), "%s?region=%d", paths[i], r);
            publish_add(LANE_AREAS, uri, 0, STATS_MS);
        }
    }
}

static void election_everything(long e)
{
    election_changed(e, true);
    for (long n = STATION_MIN; n <= STATION_MAX; n++)
        if (places[n - STATION_MIN].region != 0)
            add(LANE_STATIONS, STATION_MS, e, "stations", n);
}

/* The log's head of each election as last seen. */
static struct {
    long election;
    long long seq;
    bool seen; /* in the latest poll */
} heads[ELECTIONS_MAX];
static size_t nheads;

static void heads_load(void)
{
    PGresult *res = NULL;
    nheads = 0;
    if (db_exec(&statements[PUBLISHED_HEADS], 0, NULL, &res) == DB_OK)
        for (int i = 0; i < PQntuples(res) && nheads < ELECTIONS_MAX; i++, nheads++) {
            heads[nheads].election = atol(PQgetvalue(res, i, 0));
            heads[nheads].seq = atoll(PQgetvalue(res, i, 1));
        }
    PQclear(res);
}

/* The new entries of election e's log after *seq: their stations changed. */
static void reports_after(long e, long long *seq)
{
    char es[24], ss[24], limit[24];
    snprintf(es, sizeof(es), "%ld", e);
    snprintf(ss, sizeof(ss), "%lld", *seq);
    snprintf(limit, sizeof(limit), "%d", POLL_ROWS);
    PGresult *res = NULL;
    if (db_exec(&statements[PUBLISHED_REPORTS], 3, (const char *const[]){es, ss, limit}, &res) ==
        DB_OK)
        for (int i = 0; i < PQntuples(res); i++) {
            *seq = atoll(PQgetvalue(res, i, 0));
            station_changed(e, atol(PQgetvalue(res, i, 1)), PQgetvalue(res, i, 2)[0] == 't');
        }
    PQclear(res);
}

/* Every POLL_MS: the elections whose log grew (or shrank: reset, dropped). */
static void poll(void)
{
    PGresult *res = NULL;
    if (db_exec(&statements[PUBLISHED_HEADS], 0, NULL, &res) != DB_OK) {
        PQclear(res);
        return;
    }
    for (size_t k = 0; k < nheads; k++)
        heads[k].seen = false;
    for (int i = 0; i < PQntuples(res); i++) {
        long e = atol(PQgetvalue(res, i, 0));
        long long seq = atoll(PQgetvalue(res, i, 1));
        size_t k = 0;
        while (k < nheads && heads[k].election != e)
            k++;
        if (k == nheads) {
            if (nheads == ELECTIONS_MAX)
                continue;
            heads[nheads].election = e;
            heads[nheads].seq = 0;
            nheads++;
        }
        heads[k].seen = true;
        if (seq < heads[k].seq) { /* the night was reset */
            election_everything(e);
            heads[k].seq = seq;
        } else if (seq > heads[k].seq) {
            reports_after(e, &heads[k].seq);
        }
    }
    PQclear(res);
    for (size_t k = 0; k < nheads; k++)
        if (!heads[k].seen) { /* its log is gone */
            election_everything(heads[k].election);
            heads[k] = heads[--nheads];
            k--;
        }
}

static void everything(void)
{
    PGresult *res = NULL;
    heads_load();
    if (db_exec(&statements[PUBLISHED_STATIONS], 0, NULL, &res) == DB_OK) {
        memset(places, 0, sizeof(places));
        for (int i = 0; i < PQntuples(res); i++) {
            long n = atol(PQgetvalue(res, i, 0));
            if (n >= STATION_MIN && n <= STATION_MAX) {
                places[n - STATION_MIN].region = (unsigned char)atoi(PQgetvalue(res, i, 1));
                places[n - STATION_MIN].district = (unsigned char)atoi(PQgetvalue(res, i, 2));
            }
        }
    }
    PQclear(res);
    res = NULL;
    stats_changed();
    maps_changed(0, MAPS_MS);
    if (db_exec(&statements[PUBLISHED_ELECTIONS], 0, NULL, &res) == DB_OK)
        for (int i = 0; i < PQntuples(res); i++)
            election_everything(atol(PQgetvalue(res, i, 0)));
    PQclear(res);
}

static void notified(const char *payload)
{
    long e = 0, n = 0;
    char kind[8];
    if (strcmp(payload, "stats") == 0) {
        stats_changed();
        maps_changed(0, MAPS_VOTERS_MS);
    } else if (sscanf(payload, "%7s %ld", kind, &e) == 2 && strcmp(kind, "maps") == 0 &&
               e >= REGION_MIN && e <= REGION_MAX)
        maps_changed(e, MAPS_MS);
    else if (strcmp(payload, "*") == 0)
        everything();
    else if (sscanf(payload, "%7s %ld", kind, &e) == 2 && strcmp(kind, "e") == 0)
        election_changed(e, true);
    else if (sscanf(payload, "%7s %ld", kind, &e) == 2 && strcmp(kind, "E") == 0)
        election_everything(e);
    else if (sscanf(payload, "%7s %ld %ld", kind, &e, &n) == 3 && strcmp(kind, "s") == 0)
        station_changed(e, n, true);
}

static void (*statements_init)(void);

static void init(void)
{
    if (statements_init != NULL)
        statements_init();
    db_register(statements, PUBLISHED__MAX);
}

static struct publish_config config = {
    .channel = "shailoo_publish",
    /*
     * Accepting reports comes first: the aggregates and the exports run at a
     * lower priority.  Not the stations' finals: at nice 10 a process gets
     * about a hundredth of a busy machine, and the finals' pages fell
     * seconds behind at the night's peak.
     */
    .nice = {[LANE_STATIONS] = 0, [LANE_AREAS] = 10, [LANE_EXPORTS] = 10},
    .init = init,
    .everything = everything,
    .notified = notified,
    .poll = poll,
    .poll_ms = POLL_MS,
};

int published_lanes(void)
{
    return LANES;
}

void published_configure(const char *dir, const char *conninfo, const struct route_table *routes,
                         size_t nroutes, void (*register_statements)(void))
{
    config.dir = dir;
    config.conninfo = conninfo;
    config.routes = routes;
    config.nroutes = nroutes;
    statements_init = register_statements;
}

int published_run(int lane)
{
    return publish_run(&config, lane);
}
