/* bin/shailoo-asu keys: the demo devices' key pairs (asu_night.h). */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "asu_night.h"
#include "core/jws.h"

/* ---- keys --------------------------------------------------------------- */

/* The PEM text of key (private: PKCS#8; else SubjectPublicKeyInfo), malloc'd. */
static char *key_pem(EVP_PKEY *key, bool private_key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *out = NULL, *data;
    if (bio == NULL)
        return NULL;
    int ok = private_key ? PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)
                         : PEM_write_bio_PUBKEY(bio, key);
    long n = ok == 1 ? BIO_get_mem_data(bio, &data) : 0;
    if (n > 0 && (out = malloc((size_t)n + 1)) != NULL) {
        memcpy(out, data, (size_t)n);
        out[n] = '\0';
    }
    BIO_free(bio);
    return out;
}

/* The body of a PEM text on one line: the lines between the armour, joined. */
static void pem_body(const char *pem, char *out, size_t size)
{
    size_t o = 0;
    const char *p = strchr(pem, '\n');
    while (p != NULL && p[1] != '\0' && strncmp(p + 1, "-----END", 8) != 0) {
        p++;
        const char *eol = strchr(p, '\n');
        size_t n = eol != NULL ? (size_t)(eol - p) : strlen(p);
        if (o + n + 1 > size)
            break;
        memcpy(out + o, p, n);
        o += n;
        p = eol;
    }
    out[o] = '\0';
}

static bool number_listed(const long *numbers, size_t n, long x)
{
    for (size_t i = 0; i < n; i++)
        if (numbers[i] == x)
            return true;
    return false;
}

/* Station numbers, one a line, from f: a new array (*n of them), or NULL on a bad line. */
static long *read_numbers(FILE *f, size_t *n)
{
    long *numbers = NULL;
    size_t cap = 0;
    char line[4200];
    *n = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        long x;
        if (line[0] == '\0')
            continue;
        if (!parse_long(line, 1, 99999999999999L, &x)) {
            fprintf(stderr, "shailoo-asu keys: not a station number: %.40s\n", line);
            free(numbers);
            return NULL;
        }
        if (*n == cap) {
            cap = cap == 0 ? 1024 : 2 * cap;
            long *p = realloc(numbers, cap * sizeof(*p));
            if (p == NULL) {
                free(numbers);
                return NULL;
            }
            numbers = p;
        }
        numbers[(*n)++] = x;
    }
    if (numbers == NULL)
        numbers = malloc(sizeof(*numbers)); /* none listed: an empty list, not a failure */
    return numbers;
}

/* A new key pair for station's device: its private key's line into f, its device's COPY row to stdout. */
static bool new_device(FILE *f, long election, long station)
{
    char dev[21], body[4096];
    asu_device_id(election, (int)station, dev);
    EVP_PKEY *key = EVP_EC_gen("P-256");
    char *priv = key != NULL ? key_pem(key, true) : NULL;
    char *pub = key != NULL ? key_pem(key, false) : NULL;
    bool ok = priv != NULL && pub != NULL;
    if (ok) {
        pem_body(priv, body, sizeof(body));
        fprintf(f, "%s %ld %s\n", dev, station, body);
        /* COPY text: the PEM's line breaks as \n. */
        printf("%s\t%ld\t%ld\t", dev, election, station);
        for (const char *p = pub; *p != '\0'; p++)
            if (*p == '\n')
                fputs("\\n", stdout);
            else
                putchar(*p);
        printf("\tdemo\n");
    }
    OPENSSL_cleanse(body, sizeof(body));
    if (priv != NULL)
        OPENSSL_cleanse(priv, strlen(priv));
    free(priv);
    free(pub);
    EVP_PKEY_free(key);
    return ok;
}

/* The lines of the old keys file keep (if any) whose stations are not listed again, into f. */
static void keep_old(FILE *f, const char *keep, const long *numbers, size_t n)
{
    char line[4200];
    FILE *old = keep != NULL ? fopen(keep, "r") : NULL;
    while (old != NULL && fgets(line, sizeof(line), old) != NULL) {
        char dev[32];
        long station;
        if (line[0] != '#' && sscanf(line, "%31s %ld", dev, &station) == 2 &&
            !number_listed(numbers, n, station))
            fputs(line, f);
    }
    if (old != NULL)
        fclose(old);
}

int cmd_keys(int argc, char **argv)
{
    long election = 0;
    const char *keys = NULL, *keep = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--election") == 0 && v != NULL && parse_long(v, 1, 999999, &election))
            i++;
        else if (strcmp(a, "--keys") == 0 && v != NULL)
            keys = argv[++i];
        else if (strcmp(a, "--keep") == 0 && v != NULL)
            keep = argv[++i];
        else {
            usage();
            return EXIT_USAGE;
        }
    }
    if (election == 0 || keys == NULL) {
        usage();
        return EXIT_USAGE;
    }
    size_t n;
    long *numbers = read_numbers(stdin, &n);
    if (numbers == NULL)
        return EXIT_USAGE;
    int rc = EXIT_USAGE;
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.new", keys);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL) {
        fprintf(stderr, "shailoo-asu keys: %s: %s\n", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        goto out;
    }
    rc = EXIT_NIGHT_FAILED;
    fprintf(f,
            "# device_id station private key (PKCS#8 PEM body): the demo devices of election %ld\n",
            election);
    keep_old(f, keep, numbers, n);
    bool failed = false;
    for (size_t i = 0; i < n && !failed; i++)
        failed = !new_device(f, election, numbers[i]);
    if (fclose(f) != 0 || failed || fflush(stdout) != 0 || rename(tmp, keys) != 0) {
        fprintf(stderr, "shailoo-asu keys: could not write %s\n", keys);
        unlink(tmp);
        goto out;
    }
    rc = EXIT_OK;
out:
    free(numbers);
    return rc;
}
