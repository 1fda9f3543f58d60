#include "pin.h"

#include "calendar.h"

#include <string.h>

bool pin_valid(const char *s)
{
    if (s == NULL)
        return false;
    for (int i = 0; i < PIN_LEN; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return s[PIN_LEN] == '\0';
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int pin_decode(const char *s, struct pin_info *info)
{
    memset(info, 0, sizeof(*info));
    if (!pin_valid(s))
        return -1;
    if (s[0] == '1')
        info->sex = 'F';
    else if (s[0] == '2')
        info->sex = 'M';
    else
        info->warnings |= PIN_WARN_SEX;
    int d = digits(s + 1, 2), m = digits(s + 3, 2), y = digits(s + 5, 4);
    if (y >= 1880 && calendar_valid_date(y, m, d)) {
        info->day = d;
        info->month = m;
        info->year = y;
    } else {
        info->warnings |= PIN_WARN_DATE;
    }
    return 0;
}

bool pin_agrees(const struct pin_info *info, char sex, int year, int month, int day)
{
    return info->warnings == 0 && info->sex == sex && info->year == year && info->month == month &&
        info->day == day;
}
