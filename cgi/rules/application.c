#include "application.h"

#include <stddef.h>
#include <string.h>

static const char *const kinds[APP_KIND__MAX] = {
    [APP_MOVE_HOME] = "move_home",
    [APP_MOVE_ABROAD] = "move_abroad",
    [APP_CORRECTION] = "correction",
};

static const struct {
    const char *code, *message;
} refusals[APP_REFUSAL__MAX] = {
    [APP_ACCEPTED] = {"accepted", "the application is accepted"},
    [APP_ELECTION_NOT_OPEN] = {"election_not_open", "this election takes no applications"},
    [APP_NOT_YET_OPEN] = {"applications_not_yet_open", "applications open 70 days before voting"},
    [APP_DEADLINE_PASSED] = {"deadline_passed", "applications close 15 days before voting"},
    [APP_STATION_REQUIRED] = {"station_required", "a move needs the number of the new station"},
    [APP_STATION_NOT_ALLOWED] = {"station_not_allowed", "a correction names no station"},
    [APP_WRONG_STATION_KIND] = {"wrong_station_kind",
                                "a move at home needs a station in the country, a move abroad "
                                "a station abroad"},
    [APP_SAME_STATION] = {"same_station", "you are already on the list of this station"},
};

int application_kind_parse(const char *s)
{
    for (int k = 0; s != NULL && k < APP_KIND__MAX; k++)
        if (strcmp(s, kinds[k]) == 0)
            return k;
    return -1;
}

const char *application_kind_name(enum application_kind k)
{
    return k < APP_KIND__MAX ? kinds[k] : "unknown";
}

enum application_refusal application_check(const struct application_facts *f)
{
    if (!f->election_accepting || f->days_to_election < 0)
        return APP_ELECTION_NOT_OPEN;
    if (f->days_to_election > APPLICATION_OPENS_DAYS)
        return APP_NOT_YET_OPEN;
    if (f->days_to_election < APPLICATION_DEADLINE_DAYS)
        return APP_DEADLINE_PASSED;
    if (f->kind == APP_CORRECTION)
        return f->has_station ? APP_STATION_NOT_ALLOWED : APP_ACCEPTED;
    if (!f->has_station)
        return APP_STATION_REQUIRED;
    if ((f->kind == APP_MOVE_ABROAD) != f->station_abroad)
        return APP_WRONG_STATION_KIND;
    if (f->station_to == f->station_from)
        return APP_SAME_STATION;
    return APP_ACCEPTED;
}

const char *application_refusal_code(enum application_refusal r)
{
    return r < APP_REFUSAL__MAX ? refusals[r].code : "refused";
}

const char *application_refusal_message(enum application_refusal r)
{
    return r < APP_REFUSAL__MAX ? refusals[r].message : "refused";
}
