#ifndef SHAILOO_SERVER_H
#define SHAILOO_SERVER_H

#include "route.h"

/*
 * The process model of kfcgi and nginx: a master opens the FastCGI socket,
 * forks the workers, restarts one that dies and, on SIGTERM or SIGINT,
 * lets each finish the request in hand.  Workers share nothing.  The
 * publishers are children of the master too, restarted like the workers.
 */
struct server_config {
    const char *socket_path; /* unix socket nginx connects to */
    int socket_mode; /* its permission bits */
    int workers;
    const char *conninfo; /* libpq connection string */
    const struct route_table *routes;
    size_t nroutes;
    void (*worker_init)(void); /* registers statements etc., after fork */
    int publishers; /* processes beside the workers (core/publish.h) */
    int (*publisher)(int lane); /* the main of publisher lane 0..publishers-1 */
};

/* Runs until SIGTERM/SIGINT; returns the process exit code. */
int server_run(const struct server_config *cfg);

/*
 * The signals of a process the master forks beside its workers (the
 * publisher, the registries' reader): on_term for SIGTERM and SIGINT, without
 * SA_RESTART so a select() or sleep returns at once; SIGPIPE ignored, SIGCHLD
 * as by default, nothing blocked.
 */
void server_child_signals(void (*on_term)(int));

#endif
