#define _GNU_SOURCE /* memmem */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <magic.h>

#include "jws.h"

/* libmagic looks at no more than this of a file: the signatures are at the start. */
#define SNIFF_BYTES (256 * 1024)

static const struct {
    enum file_type type;
    const char *mime, *ext, *signature;
    size_t signature_len;
} types[] = {
    {FILE_PDF, "application/pdf", "pdf", "%PDF-", 5},
    {FILE_JPEG, "image/jpeg", "jpg", "\xFF\xD8\xFF", 3},
    {FILE_PNG, "image/png", "png", "\x89PNG\r\n\x1A\n", 8},
};

const char *files_type_mime(enum file_type t)
{
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (types[i].type == t)
            return types[i].mime;
    return NULL;
}

const char *files_type_ext(enum file_type t)
{
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (types[i].type == t)
            return types[i].ext;
    return NULL;
}

enum file_type files_type_of_mime(const char *mime)
{
    for (size_t i = 0; mime != NULL && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(types[i].mime, mime) == 0)
            return types[i].type;
    return FILE_OTHER;
}

/* ---- PDF pages ------------------------------------------------------------ */

static bool pdf_space(unsigned char c)
{
    return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static bool pdf_delimiter(unsigned char c)
{
    return strchr("()<>[]{}/%", c) != NULL && c != 0;
}

/* True if a token ends at p (end of data, white space or a delimiter). */
static bool token_end(const unsigned char *p, const unsigned char *end)
{
    return p >= end || pdf_space(*p) || pdf_delimiter(*p);
}

/* The object number N of "N G obj" whose "obj" starts at p, or -1. */
static long object_number(const unsigned char *start, const unsigned char *p)
{
    const unsigned char *q = p;
    if (q == start || !pdf_space(q[-1]))
        return -1;
    while (q > start && pdf_space(q[-1]))
        q--;
    const unsigned char *g = q;
    while (q > start && q[-1] >= '0' && q[-1] <= '9')
        q--;
    if (q == g || q == start || !pdf_space(q[-1]))
        return -1;
    while (q > start && pdf_space(q[-1]))
        q--;
    const unsigned char *n_end = q;
    while (q > start && q[-1] >= '0' && q[-1] <= '9' && n_end - q < 10)
        q--;
    if (q == n_end || (q > start && !pdf_space(q[-1]) && !pdf_delimiter(q[-1])))
        return -1;
    long n = 0;
    for (; q < n_end; q++)
        n = n * 10 + (*q - '0');
    return n;
}

static bool starts(const unsigned char *p, const unsigned char *end, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(end - p) >= n && memcmp(p, word, n) == 0;
}

static int compare_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

long files_pdf_pages(const unsigned char *data, size_t len)
{
    const unsigned char *p = data, *end = data + len;
    long current = -1, *pages = NULL;
    size_t n = 0, cap = 0;
    while (p < end) {
        if (*p != 'o' && *p != 's' && *p != '/') {
            p++;
            continue;
        }
        if (*p == 'o' && starts(p, end, "obj") && token_end(p + 3, end)) {
            long num = object_number(data, p);
            if (num >= 0)
                current = num;
            p += 3;
        } else if (*p == 's' && starts(p, end, "stream") &&
                   (p == data || pdf_space(p[-1]) || pdf_delimiter(p[-1])) && p + 6 < end &&
                   (p[6] == '\r' || p[6] == '\n')) {
            /* A stream's bytes are not PDF syntax: skip to its end. */
            const unsigned char *e = memmem(p + 6, (size_t)(end - p - 6), "endstream", 9);
            if (e == NULL)
                break;
            p = e + 9;
        } else if (*p == '/' && starts(p, end, "/Type") && token_end(p + 5, end)) {
            const unsigned char *q = p + 5;
            while (q < end && pdf_space(*q))
                q++;
            if (current >= 0 && starts(q, end, "/Page") && token_end(q + 5, end)) {
                if (n == cap) {
                    size_t ncap = cap == 0 ? 64 : cap * 2;
                    long *grown = realloc(pages, ncap * sizeof(*pages));
                    if (grown == NULL)
                        break;
                    pages = grown;
                    cap = ncap;
                }
                pages[n++] = current;
            }
            p = q;
        } else {
            p++;
        }
    }
    long count = 0;
    if (n > 0) {
        qsort(pages, n, sizeof(*pages), compare_long);
        count = 1;
        for (size_t i = 1; i < n; i++)
            if (pages[i] != pages[i - 1])
                count++;
    }
    free(pages);
    return count;
}

/* ---- the store ------------------------------------------------------------ */

void files_relative_path(const char *sha256, char *out, size_t size)
{
    snprintf(out, size, "%.2s/%.2s/%s", sha256, sha256 + 2, sha256);
}

int files_open(struct file_upload *u, const char *path)
{
    memset(u, 0, sizeof(*u));
    u->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (u->fd < 0)
        return -1;
    struct stat st;
    if (fstat(u->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        close(u->fd);
        u->fd = -1;
        errno = S_ISREG(st.st_mode) ? e : EINVAL;
        return -1;
    }
    u->size = (size_t)st.st_size;
    return 0;
}

/* This worker's libmagic, opened at first use (its database: MAGIC, or Debian's default). */
static magic_t magic_cookie(void)
{
    static magic_t m;
    if (m != NULL)
        return m;
    m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS);
    if (m != NULL && magic_load(m, NULL) != 0) {
        magic_close(m);
        m = NULL;
    }
    return m;
}

int files_identify(struct file_upload *u)
{
    if (u->fd < 0 || u->size == 0)
        return -1;
    void *map = mmap(NULL, u->size, PROT_READ, MAP_PRIVATE, u->fd, 0);
    if (map == MAP_FAILED)
        return -1;
    u->data = map;
    magic_t m = magic_cookie();
    const char *mime =
        m != NULL ? magic_buffer(m, u->data, u->size < SNIFF_BYTES ? u->size : SNIFF_BYTES) : NULL;
    if (mime == NULL)
        return -1;
    snprintf(u->mime, sizeof(u->mime), "%s", mime);
    u->type = FILE_OTHER;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(types[i].mime, u->mime) == 0 && u->size >= types[i].signature_len &&
            memcmp(u->data, types[i].signature, types[i].signature_len) == 0)
            u->type = types[i].type;

    jws_sha256_hex(u->data, u->size, u->sha256);
    if (u->sha256[0] == '\0')
        return -1;
    u->pages = u->type == FILE_PDF ? files_pdf_pages(u->data, u->size) : 0;
    return 0;
}

static int make_dir(const char *path)
{
    return mkdir(path, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int files_store(const struct file_upload *u, const char *root, bool *existed)
{
    char rel[96], dir[4096], final[4096], tmp[4200];
    *existed = false;
    if (u->data == NULL || strlen(u->sha256) != 64)
        return errno = EINVAL, -1;
    files_relative_path(u->sha256, rel, sizeof(rel));
    snprintf(dir, sizeof(dir), "%s/%.2s", root, u->sha256);
    if (make_dir(dir) < 0)
        return -1;
    snprintf(dir, sizeof(dir), "%s/%.5s", root, rel);
    if (make_dir(dir) < 0)
        return -1;
    if ((size_t)snprintf(final, sizeof(final), "%s/%s", root, rel) >= sizeof(final))
        return errno = ENAMETOOLONG, -1;
    struct stat st;
    if (stat(final, &st) == 0) {
        /* Same hash, same bytes: stored once. */
        *existed = true;
        return 0;
    }
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.%ld.tmp", dir, u->sha256, (long)getpid()) >=
        sizeof(tmp))
        return errno = ENAMETOOLONG, -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0)
        return -1;
    if (write_all(fd, u->data, u->size) < 0 || fsync(fd) < 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return errno = e, -1;
    }
    if (close(fd) < 0 || rename(tmp, final) < 0) {
        int e = errno;
        unlink(tmp);
        return errno = e, -1;
    }
    /* The new name made durable with the bytes. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

void files_close(struct file_upload *u)
{
    if (u->data != NULL)
        munmap((void *)u->data, u->size);
    if (u->fd >= 0)
        close(u->fd);
    u->data = NULL;
    u->fd = -1;
}
