#ifndef SHAILOO_APPLICATION_H
#define SHAILOO_APPLICATION_H

#include <stdbool.h>

/*
 * A voter's application to change the voter list (DOMAIN.md, voter list):
 * the preliminary list is shown 70 days before voting; applications are
 * taken until 15 days before it; a move inside the country goes to a station
 * in the country, a move abroad to a station abroad; a correction of one's
 * data names no station.
 */
#define APPLICATION_OPENS_DAYS 70
#define APPLICATION_DEADLINE_DAYS 15

enum application_kind {
    APP_MOVE_HOME, /* to the station of one's actual address in the country */
    APP_MOVE_ABROAD, /* to a station abroad */
    APP_CORRECTION, /* correction of one's data */
    APP_KIND__MAX
};

enum application_refusal {
    APP_ACCEPTED = 0,
    APP_ELECTION_NOT_OPEN, /* completed, annulled, or in the past */
    APP_NOT_YET_OPEN, /* more than 70 days before voting */
    APP_DEADLINE_PASSED, /* fewer than 15 days before voting */
    APP_STATION_REQUIRED, /* a move without a station */
    APP_STATION_NOT_ALLOWED, /* a correction naming a station */
    APP_WRONG_STATION_KIND, /* abroad for a home move, or the reverse */
    APP_SAME_STATION, /* a move to where one already is */
    APP_REFUSAL__MAX
};

struct application_facts {
    enum application_kind kind;
    bool election_accepting; /* the election's status is scheduled or open */
    long days_to_election; /* election day minus today */
    bool has_station; /* a station was named (and exists) */
    bool station_abroad;
    long station_to, station_from;
};

/* "move_home" etc.; -1 if unknown. */
int application_kind_parse(const char *s);
const char *application_kind_name(enum application_kind k);
enum application_refusal application_check(const struct application_facts *f);
/* The error code and a human message of each refusal. */
const char *application_refusal_code(enum application_refusal r);
const char *application_refusal_message(enum application_refusal r);

#endif
