#ifndef SHAILOO_CALENDAR_H
#define SHAILOO_CALENDAR_H

#include <stdbool.h>

/* True if day d of month m (1-12) of year y exists in the Gregorian calendar. */
bool calendar_valid_date(int y, int m, int d);

#endif
