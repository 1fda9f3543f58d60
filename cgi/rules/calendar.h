#ifndef SHAILOO_CALENDAR_H
#define SHAILOO_CALENDAR_H

#include <stdbool.h>

/* True if day d of month m (1-12) of year y exists in the Gregorian calendar. */
bool calendar_valid_date(int y, int m, int d);

/* Days from 1970-01-01 to y-m-d (negative before), proleptic Gregorian. */
long long calendar_days_from_civil(int y, int m, int d);

/* Kyrgyzstan's local time: UTC+6 all year (no daylight saving since 2005). */
#define CALENDAR_LOCAL_OFFSET (6 * 3600)

/*
 * A moment as people type it: "2027-01-17T14:30" or "2027-01-17T14:30:05"
 * (local time, UTC+6), or followed by "Z" or an offset "+06:00"/"-03:30";
 * a space may stand for the T.  Into *t (seconds since the epoch, UTC): 0,
 * or -1 if it is not one (a day that does not exist, 24:00, a second past
 * 59, anything after it).  Years 1900-2199.
 */
int calendar_parse_moment(const char *s, long long *t);

#endif
