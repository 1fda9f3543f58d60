#ifndef SHAILOO_PUBLISH_H
#define SHAILOO_PUBLISH_H

#include "route.h"

/*
 * Publish, don't serve: what everyone reads is written as files that nginx
 * serves at the same URLs, and the application answers only what is not
 * (yet) a file.  A publisher process answers GET requests through the
 * application's own routes (so a file holds the very bytes the application
 * would send) and writes each answer atomically, a temporary file renamed
 * into place; an answer that is not 200 removes the file, so nginx falls
 * back to the application.  It is woken by PostgreSQL notifications on one
 * channel; the application turns each into the URLs it changed
 * (publish_add), and bursts coalesce: a URL is queued once, and written at
 * most once per its interval.
 *
 * Files live under DIR/current/, a symlink to a generation made at start
 * (publish_prepare): a restarted application never serves an older
 * database's answers.  The file of "/a/b?x=1" is DIR/current/a/b@x=1, so
 * "/a/b" (a/b@) and "/a/b/c" (a/b/c@) can both exist; nginx's map of the
 * published URLs must agree (nginx/shailoo.conf.in).
 *
 * Lanes are publisher processes of their own, so a slow answer (a
 * country's export) never holds up a quick one (a station's results).
 */

#define PUBLISH_MAX_LANES 4
#define PUBLISH_MAX_URI 256

struct publish_config {
    const char *dir; /* nginx's root for the files is dir/current */
    const char *conninfo;
    const char *channel; /* LISTEN channel */
    int nice[PUBLISH_MAX_LANES]; /* > 0: the niceness of a lane's process and its server process */
    const struct route_table *routes;
    size_t nroutes;
    void (*init)(void); /* after fork: registers statements */
    /* publish_add()s every published URL: at start and after a reconnect (notifications lost). */
    void (*everything)(void);
    /* publish_add()s the URLs a notification's payload says have changed. */
    void (*notified)(const char *payload);
    /*
     * Called every poll_ms: publish_add()s what changed, found by asking
     * (for changes too frequent to NOTIFY: a transaction that notifies
     * takes a database-wide lock until its commit is flushed, so notifying
     * writers commit one at a time).  NULL: notifications only.
     */
    void (*poll)(void);
    long poll_ms;
};

/*
 * Makes a new, empty generation dir/gen-N and points dir/current at it,
 * removing older generations.  Once, before the publishers start.  0 or -1.
 */
int publish_prepare(const char *dir);

/*
 * Queues uri (a path, optionally with "?query") for lane: due lag_ms after
 * now, or after interval_ms since its last writing if that is later.  A uri
 * already queued keeps the earlier of the two times.  The queue is taken
 * earliest due first, so a negative lag ranks a uri ahead of those queued in
 * the last -lag_ms.  Other lanes' uris are ignored by this process.
 */
void publish_add(int lane, const char *uri, long lag_ms, long interval_ms);

/*
 * Removes uri's file at once (if it is lane's), so that the application
 * answers it until it is written again: for a change that must show within
 * the second even when the lane is behind.  Queue it with publish_add too.
 */
void publish_withdraw(int lane, const char *uri);

/* The publisher of lane: runs until SIGTERM; the process's exit code. */
int publish_run(const struct publish_config *cfg, int lane);

/* The file name of uri under a generation ("/a/b?x=1" -> "a/b@x=1"): 0, or -1 if unsafe. */
int publish_file_name(const char *uri, char *out, size_t size);

#endif
