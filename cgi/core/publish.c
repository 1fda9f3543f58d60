#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "db.h"
#include "log.h"
#include "pool.h"
#include "server.h"

/* A published URL: when it is due (0: not queued), when last written. */
struct item {
    char *uri;
    long long due;
    long long written;
    size_t heap_at;
};

static struct item **table; /* open addressing by uri */
static size_t table_cap, table_n;
static struct item **heap; /* queued items, earliest due first */
static size_t heap_n, heap_cap;
static int this_lane = -1;
static const struct publish_config *config;
static char root[PATH_MAX]; /* dir/current */
static volatile sig_atomic_t stopping;

static long long now_ms(void)
{
    return cache_now_ms();
}

static void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size);
    if (q == NULL) {
        log_error(NULL, "publisher: out of memory");
        _exit(1);
    }
    return q;
}

/* ---- the queue --------------------------------------------------------------- */

static unsigned long hash(const char *s)
{
    unsigned long h = 5381;
    while (*s != '\0')
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static struct item *lookup(const char *uri, bool create)
{
    if (table_cap == 0 || (create && (table_n + 1) * 2 > table_cap)) {
        size_t cap = table_cap == 0 ? 4096 : table_cap * 2;
        struct item **t = xrealloc(NULL, cap * sizeof(*t));
        memset(t, 0, cap * sizeof(*t));
        for (size_t i = 0; i < table_cap; i++) {
            if (table[i] == NULL)
                continue;
            size_t j = hash(table[i]->uri) & (cap - 1);
            while (t[j] != NULL)
                j = (j + 1) & (cap - 1);
            t[j] = table[i];
        }
        free(table);
        table = t;
        table_cap = cap;
    }
    size_t j = hash(uri) & (table_cap - 1);
    while (table[j] != NULL) {
        if (strcmp(table[j]->uri, uri) == 0)
            return table[j];
        j = (j + 1) & (table_cap - 1);
    }
    if (!create)
        return NULL;
    struct item *it = xrealloc(NULL, sizeof(*it));
    memset(it, 0, sizeof(*it));
    size_t len = strlen(uri) + 1;
    it->uri = memcpy(xrealloc(NULL, len), uri, len);
    table[j] = it;
    table_n++;
    return it;
}

static void heap_swap(size_t a, size_t b)
{
    struct item *t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
    heap[a]->heap_at = a;
    heap[b]->heap_at = b;
}

static void heap_up(size_t i)
{
    while (i > 0 && heap[(i - 1) / 2]->due > heap[i]->due) {
        heap_swap(i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_down(size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < heap_n && heap[l]->due < heap[m]->due)
            m = l;
        if (r < heap_n && heap[r]->due < heap[m]->due)
            m = r;
        if (m == i)
            return;
        heap_swap(i, m);
        i = m;
    }
}

static struct item *heap_pop(void)
{
    struct item *top = heap[0];
    heap_n--;
    if (heap_n > 0) {
        heap[0] = heap[heap_n];
        heap[0]->heap_at = 0;
        heap_down(0);
    }
    top->due = 0;
    return top;
}

void publish_add(int lane, const char *uri, long lag_ms, long interval_ms)
{
    if (lane != this_lane || strlen(uri) >= PUBLISH_MAX_URI)
        return;
    struct item *it = lookup(uri, true);
    /* The lag shifts the time the interval allows: a negative one ranks the
     * uri ahead, however recently it was written. */
    long long due = now_ms();
    if (it->written != 0 && it->written + interval_ms > due)
        due = it->written + interval_ms;
    due += lag_ms;
    if (due <= 0)
        due = 1;
    if (it->due != 0) {
        if (due < it->due) {
            it->due = due;
            heap_up(it->heap_at);
        }
        return;
    }
    if (heap_n == heap_cap) {
        heap_cap = heap_cap == 0 ? 1024 : heap_cap * 2;
        heap = xrealloc(heap, heap_cap * sizeof(*heap));
    }
    it->due = due;
    it->heap_at = heap_n;
    heap[heap_n++] = it;
    heap_up(it->heap_at);
}

/* ---- files ------------------------------------------------------------------- */

static int file_path(const char *uri, char *path, size_t size)
{
    char name[PUBLISH_MAX_URI + 8];
    if (publish_file_name(uri, name, sizeof(name)) < 0)
        return -1;
    return (size_t)snprintf(path, size, "%s/%s", root, name) < size ? 0 : -1;
}

void publish_withdraw(int lane, const char *uri)
{
    char path[PATH_MAX];
    if (lane == this_lane && file_path(uri, path, sizeof(path)) == 0 && unlink(path) < 0 &&
        errno != ENOENT)
        log_error(NULL, "publisher: cannot remove %s: %s", path, strerror(errno));
}

int publish_file_name(const char *uri, char *out, size_t size)
{
    if (uri[0] != '/' || strstr(uri, "..") != NULL || strstr(uri, "//") != NULL)
        return -1;
    size_t o = 0;
    bool query = false;
    for (const char *p = uri + 1; *p != '\0'; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '_' || c == '-' || c == '=' || (c == '/' && !query) ||
            (c == '&' && query) || (c == '?' && !query);
        if (!ok || o + 2 >= size)
            return -1;
        if (c == '?') {
            query = true;
            c = '@';
        }
        out[o++] = c;
    }
    if (!query)
        out[o++] = '@';
    out[o] = '\0';
    return 0;
}

/* Creates the folders of path (a file's) under root, as needed. */
static int make_parents(char *path)
{
    for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        int rc = mkdir(path, 0755);
        *p = '/';
        if (rc < 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

/* Writes data as path, whole or not at all: a temporary file renamed into place. */
static int write_atomic(char *path, const char *data, size_t len)
{
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 && errno == ENOENT && make_parents(path) == 0)
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            unlink(tmp);
            return -1;
        }
        done += (size_t)n;
    }
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Removes path and, if it is a folder, everything in it (symlinks are not followed). */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[PATH_MAX];
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            remove_tree(sub);
        }
        if (d != NULL)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

int publish_prepare(const char *dir)
{
    char gen[PATH_MAX], link[PATH_MAX], tmp[PATH_MAX];
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return -1;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char name[64];
    snprintf(name, sizeof(name), "gen-%lld-%d", (long long)ts.tv_sec, (int)getpid());
    snprintf(gen, sizeof(gen), "%s/%s", dir, name);
    snprintf(link, sizeof(link), "%s/current", dir);
    snprintf(tmp, sizeof(tmp), "%s/current.tmp", dir);
    unlink(tmp);
    if (mkdir(gen, 0755) < 0 || symlink(name, tmp) < 0 || rename(tmp, link) < 0)
        return -1;
    /* Older generations (nginx keeps a file it is sending open; removing it is safe). */
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "gen-", 4) != 0 || strcmp(e->d_name, name) == 0)
            continue;
        char old[PATH_MAX];
        snprintf(old, sizeof(old), "%s/%s", dir, e->d_name);
        remove_tree(old);
    }
    closedir(d);
    return 0;
}

/* ---- rendering an answer ----------------------------------------------------- */

struct buffer {
    char *data;
    size_t len, cap;
};

static int buffer_write(void *ctx, const char *data, size_t len)
{
    struct buffer *b = ctx;
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap == 0 ? 65536 : b->cap;
        while (cap < b->len + len + 1)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

static const char *no_env(void *ctx, const char *name)
{
    (void)ctx;
    (void)name;
    return NULL;
}

/* Answers GET uri through the routes into b; the status (0 if the request itself is malformed). */
static int render(const char *uri, struct pool *pool, struct buffer *b)
{
    struct http_request req;
    memset(&req, 0, sizeof(req));
    req.pool = pool;
    req.method = "GET";
    req.request_id = "publisher";
    req.getenv = no_env;
    req.write = buffer_write;
    req.write_ctx = b;
    size_t plen = strcspn(uri, "?");
    req.path = pool_strndup(pool, uri, plen);
    const char *err = NULL;
    if (uri[plen] == '?' && http_parse_query(&req, uri + plen + 1, &err) < 0)
        return 0;
    b->len = 0;
    route_dispatch(config->routes, config->nroutes, &req);
    db_rollback();
    return req.status;
}

/* Writes (or, for any answer but 200, removes) the file of it. */
static void publish_one(struct item *it, struct pool *pool, struct buffer *b)
{
    char path[PATH_MAX];
    if (file_path(it->uri, path, sizeof(path)) < 0) {
        log_error(NULL, "publisher: not a publishable URL: %.200s", it->uri);
        return;
    }
    it->written = now_ms();
    int status = render(it->uri, pool, b);
    const char *body = b->data != NULL ? strstr(b->data, "\r\n\r\n") : NULL;
    if (status == 200 && body != NULL) {
        body += 4;
        if (write_atomic(path, body, b->len - (size_t)(body - b->data)) < 0)
            log_error(NULL, "publisher: cannot write %s: %s", path, strerror(errno));
    } else if (unlink(path) < 0 && errno != ENOENT) {
        log_error(NULL, "publisher: cannot remove %s: %s", path, strerror(errno));
    }
    pool_reset(pool);
}

/* ---- the loop ---------------------------------------------------------------- */

static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
}

static void on_notification(const char *payload, void *ctx)
{
    (void)ctx;
    config->notified(payload);
}

int publish_run(const struct publish_config *cfg, int lane)
{
    server_child_signals(on_term); /* no SA_RESTART: select() returns at once */

    config = cfg;
    this_lane = lane;
    snprintf(root, sizeof(root), "%s/current", cfg->dir);
    cache_disable();
    if (cfg->nice[lane] > 0)
        setpriority(PRIO_PROCESS, 0, cfg->nice[lane]);
    if (cfg->init != NULL)
        cfg->init();
    db_connect(cfg->conninfo);

    struct pool *pool = pool_create();
    struct buffer b = {0};
    unsigned long listening = 0; /* the db_generation() that LISTENs */
    long written = 0;
    long long busy_since = 0, last_report = 0, last_poll = 0;
    while (!stopping) {
        if (listening == 0 || db_generation() != listening || db_socket() < 0) {
            if (db_listen(cfg->channel) != DB_OK) {
                sleep(1);
                continue;
            }
            listening = db_generation();
            /* Reading for the public gives way to accepting reports: this
             * process and its server process run at a lower priority. */
            if (cfg->nice[lane] > 0 &&
                setpriority(PRIO_PROCESS, (id_t)db_backend_pid(), cfg->nice[lane]) < 0)
                log_error(NULL, "publisher %d: cannot lower the priority of the server process: %s",
                          lane, strerror(errno));
            cfg->everything(); /* whatever was sent meanwhile is lost */
        }
        if (db_notifications(on_notification, NULL) < 0) {
            listening = 0;
            continue;
        }
        long long now = now_ms();
        if (cfg->poll != NULL && now - last_poll >= cfg->poll_ms) {
            last_poll = now;
            cfg->poll();
            continue;
        }
        if (heap_n > 0 && heap[0]->due <= now) {
            if (busy_since == 0)
                busy_since = now;
            publish_one(heap_pop(), pool, &b);
            written++;
            continue;
        }
        if (busy_since != 0 && now - last_report >= 10000) {
            log_info("publisher %d: %ld files written (the last burst took %lld ms)", lane, written,
                     now - busy_since);
            last_report = now;
            written = 0;
        }
        busy_since = 0;
        /* Nothing due: wait for a notification or the next due time. */
        long long wait = heap_n > 0 ? heap[0]->due - now : 1000;
        if (wait > 1000)
            wait = 1000;
        if (cfg->poll != NULL && last_poll + cfg->poll_ms - now < wait)
            wait = last_poll + cfg->poll_ms - now;
        if (wait < 0)
            wait = 0;
        fd_set rd;
        FD_ZERO(&rd);
        int fd = db_socket();
        if (fd < 0)
            continue;
        FD_SET(fd, &rd);
        struct timeval tv = {(time_t)(wait / 1000), (suseconds_t)(wait % 1000) * 1000};
        select(fd + 1, &rd, NULL, NULL, &tv);
    }
    free(b.data);
    pool_destroy(pool);
    db_disconnect();
    return 0;
}
