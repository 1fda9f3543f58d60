#ifndef SHAILOO_LIMITS_H
#define SHAILOO_LIMITS_H

/*
 * The domain's bounds, once, for every part: the same as the schema's
 * CHECKs (sql/migrations), so that what the door lets in the database
 * takes, and a number out of range is a 400 naming the field, never a
 * failed query.
 */
#define REGION_MIN 1 /* regions.id: the nine regions and cities */
#define REGION_MAX 9
#define AREA_ABROAD 10 /* the voters and stations abroad, as an area (0: the country) */
#define DISTRICT_MIN 1 /* districts.number: single-member districts */
#define DISTRICT_MAX 36
#define STATION_MIN 1001 /* stations.number */
#define STATION_MAX 10999
#define STATION_ABROAD_MIN 10001 /* stations.abroad = (number > 10000) */
#define ID_MAX 2147483647L /* an integer key (elections.id, logs' sequences) */
#define BIG_ID_MAX 999999999999L /* a bigint key as we take it (applications, registers) */
#define DEVICE_ID_DIGITS 20 /* ASU and identification devices */
#define PIN_DIGITS 14

#endif
