/* Complaints' routing and clock (complaints.h): pure, no I/O, no allocation. */
#include "complaints.h"

#include <stdio.h>
#include <string.h>

#include "calendar.h"

static const char *const level_names[LEVEL__MAX] = {
    [LEVEL_STATION] = "station",   [LEVEL_TERRITORIAL] = "territorial",
    [LEVEL_DISTRICT] = "district", [LEVEL_CENTRAL] = "central",
    [LEVEL_COURT] = "court",
};

static const char *const subject_names[SUBJECT__MAX] = {
    [SUBJECT_STATION] = "station",     [SUBJECT_TERRITORIAL] = "territorial",
    [SUBJECT_DISTRICT] = "district",   [SUBJECT_CENTRAL] = "central",
    [SUBJECT_CANDIDATE] = "candidate", [SUBJECT_PARTY] = "party",
    [SUBJECT_OFFICIAL] = "official",
};

/*
 * Who the law gives a complaint to (DOMAIN.md: PEC -> TEC or district
 * commission -> CEC -> court): per subject, where it goes when it concerns
 * the district's contest, and where it goes otherwise (with and without a
 * station named).
 */
static const struct {
    enum complaints_level district, at_station, elsewhere;
} route[SUBJECT__MAX] = {
    [SUBJECT_STATION] = {LEVEL_DISTRICT, LEVEL_TERRITORIAL, LEVEL_TERRITORIAL},
    [SUBJECT_TERRITORIAL] = {LEVEL_CENTRAL, LEVEL_CENTRAL, LEVEL_CENTRAL},
    [SUBJECT_DISTRICT] = {LEVEL_CENTRAL, LEVEL_CENTRAL, LEVEL_CENTRAL},
    [SUBJECT_CENTRAL] = {LEVEL_COURT, LEVEL_COURT, LEVEL_COURT},
    [SUBJECT_CANDIDATE] = {LEVEL_DISTRICT, LEVEL_CENTRAL, LEVEL_CENTRAL},
    [SUBJECT_PARTY] = {LEVEL_CENTRAL, LEVEL_CENTRAL, LEVEL_CENTRAL},
    [SUBJECT_OFFICIAL] = {LEVEL_DISTRICT, LEVEL_TERRITORIAL, LEVEL_CENTRAL},
};

static const enum complaints_level appeal[LEVEL__MAX] = {
    [LEVEL_STATION] = LEVEL_TERRITORIAL, [LEVEL_TERRITORIAL] = LEVEL_CENTRAL,
    [LEVEL_DISTRICT] = LEVEL_CENTRAL,    [LEVEL_CENTRAL] = LEVEL_COURT,
    [LEVEL_COURT] = LEVEL_COURT, /* the Supreme Court is still a court */
};

const char *complaints_level_name(enum complaints_level l)
{
    return (unsigned)l < LEVEL__MAX ? level_names[l] : NULL;
}

const char *complaints_subject_name(enum complaints_subject s)
{
    return (unsigned)s < SUBJECT__MAX ? subject_names[s] : NULL;
}

int complaints_subject_parse(const char *name)
{
    for (int i = 0; name != NULL && i < SUBJECT__MAX; i++)
        if (strcmp(name, subject_names[i]) == 0)
            return i;
    return -1;
}

enum complaints_level complaints_route(enum complaints_subject s, bool district_contest,
                                       bool at_station)
{
    if ((unsigned)s >= SUBJECT__MAX)
        return LEVEL_CENTRAL;
    return district_contest ? route[s].district
        : at_station        ? route[s].at_station
                            : route[s].elsewhere;
}

enum complaints_level complaints_appeal_level(enum complaints_level decided_by)
{
    return (unsigned)decided_by < LEVEL__MAX ? appeal[decided_by] : LEVEL_COURT;
}

/* Floor division: local days before 1970 count down, not towards zero. */
static long long floor_div(long long a, long long b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Howard Hinnant's civil_from_days. */
static struct complaints_day civil(long long days)
{
    long long z = days + 719468;
    long long era = floor_div(z, 146097);
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    return (struct complaints_day){(int)(yoe + era * 400 + (m <= 2)), m, d};
}

static long long local_days(long long t)
{
    return floor_div(t + COMPLAINTS_UTC_OFFSET, 86400);
}

struct complaints_day complaints_local_day(long long t)
{
    return civil(local_days(t));
}

bool complaints_at_once(long long t, struct complaints_day voting_day)
{
    long long vote = calendar_days_from_civil(voting_day.y, voting_day.m, voting_day.d);
    long long day = local_days(t);
    return day == vote || day == vote - 1;
}

/* The last second (23:59:59 local) of the n-th local day after t's. */
static long long end_of_day_after(long long t, int n)
{
    return (local_days(t) + n + 1) * 86400 - 1 - COMPLAINTS_UTC_OFFSET;
}

long long complaints_review_due(long long received, struct complaints_day voting_day)
{
    if (complaints_at_once(received, voting_day))
        return received + COMPLAINTS_AT_ONCE_SECONDS;
    return end_of_day_after(received, COMPLAINTS_REVIEW_DAYS);
}

long long complaints_appeal_due(long long decided)
{
    return end_of_day_after(decided, COMPLAINTS_APPEAL_DAYS);
}

char *complaints_format(long long t, char *buf, size_t n)
{
    long long local = t + COMPLAINTS_UTC_OFFSET;
    long long days = floor_div(local, 86400), secs = local - days * 86400;
    struct complaints_day d = civil(days);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d+06:00", d.y, d.m, d.d, (int)(secs / 3600),
             (int)(secs / 60 % 60), (int)(secs % 60));
    return buf;
}
