#include "server.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "log.h"

#define MAX_WORKERS 256

static volatile sig_atomic_t stopping;
static volatile sig_atomic_t child_died;

/* ---- worker ------------------------------------------------------------ */

static int fcgi_write(void *ctx, const char *data, size_t len)
{
    return FCGX_PutStr(data, (int)len, ((FCGX_Request *)ctx)->out) == (int)len ? 0 : -1;
}

static const char *fcgi_getenv(void *ctx, const char *name)
{
    return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Fills the request from the FastCGI parameters; answers 4xx itself on bad input. */
static int request_read(struct http_request *req, FCGX_Request *fr)
{
    const char *method = fcgi_getenv(fr, "REQUEST_METHOD");
    const char *uri = fcgi_getenv(fr, "REQUEST_URI");
    const char *rid = fcgi_getenv(fr, "REQUEST_ID");
    static unsigned long counter;
    char gen[40];

    if (rid == NULL || *rid == '\0' || strlen(rid) > 64) {
        snprintf(gen, sizeof(gen), "%d-%lu", (int)getpid(), ++counter);
        rid = gen;
    }
    req->request_id = pool_strdup(req->pool, rid);
    req->method = pool_strdup(req->pool, method != NULL ? method : "GET");
    req->head = strcmp(req->method, "HEAD") == 0;
    req->path = "/";
    if (uri == NULL)
        uri = "/";

    size_t plen = strcspn(uri, "?");
    if (plen > HTTP_MAX_PATH) {
        req->path = pool_strndup(req->pool, uri, 64);
        http_error(req, 414, "path_too_long", "the path is too long", NULL);
        return -1;
    }
    char *path = pool_strndup(req->pool, uri, plen);
    if (http_url_decode(path, false) < 0 || !http_utf8_valid(path, strlen(path))) {
        http_error(req, 400, "invalid_path", "the path has a malformed %-escape or is not UTF-8",
                   NULL);
        return -1;
    }
    req->path = path;

    const char *err = NULL;
    if (uri[plen] == '?' && http_parse_query(req, uri + plen + 1, &err) < 0) {
        http_error(req, 400, "invalid_query", err, NULL);
        return -1;
    }

    const char *cl = fcgi_getenv(fr, "CONTENT_LENGTH");
    long len = cl != NULL && *cl != '\0' ? strtol(cl, NULL, 10) : 0;
    /* An upload nginx wrote to disk (nginx/shailoo.conf.in): the body is that file, not stdin. */
    const char *body_file = fcgi_getenv(fr, "SHAILOO_BODY_FILE");
    if (body_file != NULL && *body_file != '\0') {
        req->body_file = pool_strdup(req->pool, body_file);
        return 0;
    }
    if (len < 0 || len > HTTP_MAX_BODY) {
        http_error(req, 413, "body_too_large", "the request body is too large", NULL);
        return -1;
    }
    if (len > 0) {
        char *body = pool_alloc(req->pool, (size_t)len + 1);
        int got = 0;
        while (got < len) {
            int n = FCGX_GetStr(body + got, (int)(len - got), fr->in);
            if (n <= 0)
                break;
            got += n;
        }
        if (got != len) {
            http_error(req, 400, "short_body", "the request body ended early", NULL);
            return -1;
        }
        body[len] = '\0';
        req->body = body;
        req->body_len = (size_t)len;
    }
    return 0;
}

static void worker_term(int sig)
{
    (void)sig;
    /* Delivered only while waiting in accept: nothing is in hand. */
    _exit(0);
}

void server_child_signals(void (*on_term)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static void worker_run(const struct server_config *cfg, int fd)
{
    FCGX_Request fr;
    sigset_t term;
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = worker_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigaddset(&term, SIGINT);

    if (cfg->worker_init != NULL)
        cfg->worker_init();
    if (db_connect(cfg->conninfo) != DB_OK)
        log_error(NULL, "database not ready at start (%s); will retry per request", db_error());

    struct pool *pool = pool_create();
    FCGX_InitRequest(&fr, fd, 0);
    for (;;) {
        sigprocmask(SIG_UNBLOCK, &term, NULL);
        int rc = FCGX_Accept_r(&fr);
        sigprocmask(SIG_BLOCK, &term, NULL);
        if (rc < 0)
            break;

        double start = now_ms();
        struct http_request req;
        memset(&req, 0, sizeof(req));
        req.pool = pool;
        req.getenv = fcgi_getenv;
        req.getenv_ctx = &fr;
        req.write = fcgi_write;
        req.write_ctx = &fr;
        if (request_read(&req, &fr) == 0)
            route_dispatch(cfg->routes, cfg->nroutes, &req);
        db_rollback(); /* a handler that failed mid-transaction leaves nothing behind */
        FCGX_Finish_r(&fr);
        log_request(&req, now_ms() - start);
        pool_reset(pool);

        sigset_t pending;
        sigpending(&pending);
        if (sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT))
            break;
    }
    pool_destroy(pool);
    db_disconnect();
    _exit(0);
}

/* ---- master ------------------------------------------------------------ */

static void master_signal(int sig)
{
    if (sig == SIGCHLD)
        child_died = 1;
    else
        stopping = 1;
}

/* Slots 0..workers-1 are workers, the rest publishers. */
static pid_t spawn(const struct server_config *cfg, int fd, int slot, int workers)
{
    pid_t pid = fork();
    if (pid == 0 && slot < workers)
        worker_run(cfg, fd);
    if (pid == 0) {
        close(fd);
        _exit(cfg->publisher(slot - workers));
    }
    if (pid < 0)
        log_error(NULL, "fork: %s", strerror(errno));
    return pid;
}

int server_run(const struct server_config *cfg)
{
    pid_t pids[MAX_WORKERS] = {0};
    time_t started[MAX_WORKERS] = {0};
    int w = cfg->workers < 1 ? 1 : cfg->workers > MAX_WORKERS - 8 ? MAX_WORKERS - 8 : cfg->workers;
    int n = w + (cfg->publisher != NULL && cfg->publishers > 0 ? cfg->publishers : 0);
    if (n > MAX_WORKERS)
        n = MAX_WORKERS;

    if (FCGX_Init() != 0) {
        log_error(NULL, "FCGX_Init failed");
        return 1;
    }
    unlink(cfg->socket_path);
    mode_t old = umask(0177);
    int fd = FCGX_OpenSocket(cfg->socket_path, 1024);
    umask(old);
    if (fd < 0) {
        log_error(NULL, "cannot open socket %s: %s", cfg->socket_path, strerror(errno));
        return 1;
    }
    chmod(cfg->socket_path, (mode_t)cfg->socket_mode);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = master_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    sigset_t block, orig;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &orig);

    for (int i = 0; i < n; i++) {
        pids[i] = spawn(cfg, fd, i, w);
        started[i] = time(NULL);
    }
    fprintf(stderr, "shailoo: %d workers and %d publishers on %s\n", w, n - w, cfg->socket_path);

    while (!stopping) {
        sigsuspend(&orig);
        if (!child_died)
            continue;
        child_died = 0;
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            for (int i = 0; i < n; i++) {
                if (pids[i] != pid)
                    continue;
                pids[i] = 0;
                if (stopping)
                    break;
                log_error(NULL, "%s %d ended (%s %d); starting another",
                          i < w ? "worker" : "publisher", (int)pid,
                          WIFSIGNALED(status) ? "signal" : "exit",
                          WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
                /* A worker that dies at once again and again must not spin the CPU. */
                if (time(NULL) - started[i] < 1)
                    sleep(1);
                pids[i] = spawn(cfg, fd, i, w);
                started[i] = time(NULL);
            }
        }
    }

    for (int i = 0; i < n; i++)
        if (pids[i] > 0)
            kill(pids[i], SIGTERM);
    for (int i = 0; i < n; i++)
        if (pids[i] > 0)
            waitpid(pids[i], NULL, 0);
    unlink(cfg->socket_path);
    fprintf(stderr, "shailoo: stopped\n");
    return 0;
}
