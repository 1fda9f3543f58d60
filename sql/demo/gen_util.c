/* demo-gen: output, the fixed-seed PRNG, dates, names' grammar, apportioning (gen.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ------------------------------------------------------------------ output */

static char obuf[1 << 20];
static size_t olen;

void out_flush(void)
{
    if (olen && fwrite(obuf, 1, olen, stdout) != olen) {
        perror("demo-gen: write");
        exit(1);
    }
    olen = 0;
}

void out_raw(const char *s, size_t n)
{
    if (olen + n > sizeof obuf)
        out_flush();
    memcpy(obuf + olen, s, n);
    olen += n;
}

void out_s(const char *s)
{
    out_raw(s, strlen(s));
}

void out_c(char c)
{
    if (olen + 1 > sizeof obuf)
        out_flush();
    obuf[olen++] = c;
}

/* A text field of COPY's text format. */
void out_field(const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\\':
            out_raw("\\\\", 2);
            break;
        case '\t':
            out_raw("\\t", 2);
            break;
        case '\n':
            out_raw("\\n", 2);
            break;
        case '\r':
            out_raw("\\r", 2);
            break;
        default:
            out_c(*s);
        }
    }
}

void out_long(long v)
{
    char tmp[24];
    int n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        out_c('-');
    while (n)
        out_c(tmp[--n]);
}

void out_pad(long v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    while (n)
        out_c(tmp[--n]);
}

void out_coord(double v)
{
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.6f", v);
    out_s(tmp);
}

void out_tab(void)
{
    out_c('\t');
}
void out_null(void)
{
    out_raw("\\N", 2);
}

/* ------------------------------------------------------------------ random */

static uint64_t rng_state = 0x5368616c696f6f31ULL; /* "Shailoo1" */

uint64_t splitmix(uint64_t *st)
{
    uint64_t z = (*st += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t rng_next(void)
{
    return splitmix(&rng_state);
}
double rng_unit(void)
{
    return (double)(rng_next() >> 11) * 0x1.0p-53;
}
int rng_int(int n)
{
    return (int)(rng_unit() * n);
}
int rng_chance(double p)
{
    return rng_unit() < p;
}

/* An index into a list whose first entries are the more common ones. */
int rng_skew(int n)
{
    double u = rng_unit();
    int i = (int)(n * u * (0.3 + 0.7 * u));
    return i < n ? i : n - 1;
}


uint64_t hash64(uint64_t x)
{
    return splitmix(&x);
}

/* ------------------------------------------------------------------ dates */

long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int valid_date(int y, int m, int d)
{
    int y2, m2, d2;
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return 0;
    civil_from_days(days_from_civil(y, m, d), &y2, &m2, &d2);
    return y2 == y && m2 == m && d2 == d;
}
/* ------------------------------------------------------------------ strings */

int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Иванов -> Иванова, Ковальский -> Ковальская, Ким -> Ким. */
void female_surname(const char *m, char *out, size_t size)
{
    size_t n = strlen(m);
    if (ends_with(m, "ов") || ends_with(m, "ев") || ends_with(m, "ин") || ends_with(m, "ын"))
        snprintf(out, size, "%sа", m);
    else if (ends_with(m, "ий") || ends_with(m, "ой"))
        snprintf(out, size, "%.*sая", (int)(n - strlen("ий")), m);
    else
        snprintf(out, size, "%s", m);
}

/* Бакыт -> Бакытович/Бакытовна, Атай -> Атаевич, Абдылда -> Абдылдаевич. */
void patronymic_of(const char *father, int female, char *out, size_t size)
{
    static const char *const soft[] = {"ж", "ш", "ч", "щ", "ц", "а", "о", "е", "ы", "и", "у", "э"};
    const char *stem = "ов";
    size_t n = strlen(father);
    if (ends_with(father, "й")) {
        n -= strlen("й");
        stem = "ев";
    } else {
        for (size_t i = 0; i < NELEM(soft); i++)
            if (ends_with(father, soft[i]))
                stem = "ев";
    }
    snprintf(out, size, "%.*s%s%s", (int)n, father, stem, female ? "на" : "ич");
}

/* Александрович -> Александровна. */
void ru_female_patronymic(const char *m, char *out, size_t size)
{
    snprintf(out, size, "%.*sна", (int)(strlen(m) - strlen("ич")), m);
}

/* ------------------------------------------------------------------ shapes */

/* Splits total in proportion to w (largest remainder, ties to the first). */
void apportion(const double *w, int k, long total, long *out)
{
    double sum = 0;
    for (int i = 0; i < k; i++)
        sum += w[i];
    long given = 0;
    double *rem = malloc(sizeof(double) * (size_t)k);
    if (!rem)
        abort();
    for (int i = 0; i < k; i++) {
        double x = sum > 0 ? total * w[i] / sum : 0;
        out[i] = (long)floor(x);
        rem[i] = x - (double)out[i];
        given += out[i];
    }
    while (given < total) {
        int best = 0;
        for (int i = 1; i < k; i++)
            if (rem[i] > rem[best])
                best = i;
        out[best]++;
        rem[best] = -1;
        given++;
    }
    free(rem);
}

/* Splits total in proportion to w with no part above its cap (water
 * filling).  The caps differ a little from station to station so that the
 * full stations do not all have the same round number of voters. */
int fill_capped(const double *w, int k, long total, const long *cap, long *out)
{
    long room = 0;
    for (int i = 0; i < k; i++)
        room += cap[i];
    if (total > room)
        return -1;
    char *fixed = calloc((size_t)k, 1);
    double *ww = calloc((size_t)k, sizeof(double));
    long *part = calloc((size_t)k, sizeof(long));
    if (!fixed || !ww || !part)
        abort();
    long left = total;
    for (;;) {
        double sum = 0;
        int changed = 0;
        for (int i = 0; i < k; i++)
            if (!fixed[i])
                sum += w[i];
        for (int i = 0; i < k; i++)
            if (!fixed[i] && sum > 0 && left * w[i] / sum > (double)cap[i]) {
                fixed[i] = 1;
                out[i] = cap[i];
                changed = 1;
            }
        if (!changed)
            break;
        left = total;
        for (int i = 0; i < k; i++)
            if (fixed[i])
                left -= out[i];
    }
    for (int i = 0; i < k; i++)
        ww[i] = fixed[i] ? 0 : w[i];
    apportion(ww, k, left, part);
    for (int i = 0; i < k; i++)
        if (!fixed[i])
            out[i] = part[i] < cap[i] ? part[i] : cap[i];
    free(part);
    free(ww);
    free(fixed);
    return 0;
}

/* A station's own cap: 2,300 to 2,500. */
long station_cap(void)
{
    return STATION_CAP - rng_int(201);
}
