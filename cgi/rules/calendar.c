/* Calendar days and moments (calendar.h): pure, no I/O, no time zone database. */
#include "calendar.h"

#include <stddef.h>

bool calendar_valid_date(int y, int m, int d)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

/* Howard Hinnant's days_from_civil: years counted from March, so the leap day ends a year. */
long long calendar_days_from_civil(int y, int m, int d)
{
    long long yy = (long long)y - (m <= 2);
    long long era = (yy >= 0 ? yy : yy - 399) / 400;
    long long yoe = yy - era * 400;
    long long doy = (153LL * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* n decimal digits at *s into *out; advances *s. */
static bool digits(const char **s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*s)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *s += n;
    *out = v;
    return true;
}

static bool expect(const char **s, char c)
{
    if (**s != c)
        return false;
    (*s)++;
    return true;
}

int calendar_parse_moment(const char *s, long long *t)
{
    int y, mo, d, h, mi, sec = 0;
    if (s == NULL || !digits(&s, 4, &y) || !expect(&s, '-') || !digits(&s, 2, &mo) ||
        !expect(&s, '-') || !digits(&s, 2, &d) || (*s != 'T' && *s != ' '))
        return -1;
    s++;
    if (!digits(&s, 2, &h) || !expect(&s, ':') || !digits(&s, 2, &mi))
        return -1;
    if (*s == ':' && (s++, !digits(&s, 2, &sec)))
        return -1;
    if (y < 1900 || y > 2199 || !calendar_valid_date(y, mo, d) || h > 23 || mi > 59 || sec > 59)
        return -1;
    long long offset = CALENDAR_LOCAL_OFFSET;
    if (*s == 'Z') {
        offset = 0;
        s++;
    } else if (*s == '+' || *s == '-') {
        int sign = *s == '-' ? -1 : 1, oh, om;
        s++;
        if (!digits(&s, 2, &oh) || !expect(&s, ':') || !digits(&s, 2, &om) || oh > 14 || om > 59)
            return -1;
        offset = sign * (oh * 3600LL + om * 60LL);
    }
    if (*s != '\0')
        return -1;
    *t = calendar_days_from_civil(y, mo, d) * 86400 + h * 3600LL + mi * 60LL + sec - offset;
    return 0;
}
