#ifndef SHAILOO_DEMO_GEN_H
#define SHAILOO_DEMO_GEN_H

/*
 * demo-gen, the synthetic demo country (gen.c has the program's story):
 *   gen_util.c      output (COPY fields), the fixed-seed PRNG, dates, names' grammar, apportioning
 *   gen_country.c   the country as data: regions, commissions, settlements, cities abroad
 *   gen_stations.c  the stations of the regions and abroad, and the districts
 *   gen_voters.c    the voters: names, ages, PINs, the demo people
 *   gen.c           main: the plan, then the COPY blocks in order
 * The output depends only on the scale: every random draw is made in one
 * fixed order, so moving code between these files must never reorder them.
 */
#include <stddef.h>
#include <stdint.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum {
    STATION_CAP = 2500, /* active voters per station, at most */
    NREGIONS = 9,
    NDISTRICTS = 36,
    MAX_STATIONS = 999 * NREGIONS + 999,
    ABROAD_COMMISSION = 1000,
    NCOMMISSIONS = 57, /* the tables' sizes (gen_country.c checks them) */
    NSETTLEMENTS = 125,
    NCITIES = 33,
};

static const long VOTERS_TOTAL = 3703420, VOTERS_ABROAD = 84128;
static const long STATIONS_HOME = 2435, STATIONS_ABROAD = 59;
static const char UPDATED_AT[] = "2026-10-01 00:00:00+06";

struct region {
    int id;
    const char *code, *name_ru, *name_ky;
    double lat, lon;
    double share; /* of the voters in the country, % */
    int districts;
    int stations; /* at scale 1 */
    double kyrgyz, uzbek, russian; /* names, by origin */
};

/*
 * Territorial commissions: 'b' a district of Bishkek, 'c' a city, 'r' a
 * raion.  ru is the adjective stem for raions ("Сокулукск" -> Сокулукский
 * район, ТИК Сокулукского района) and the city name for cities; ky the
 * Kyrgyz name.  w is the share of the region's voters.
 */
struct commission {
    int id;
    char kind;
    const char *ru, *ky;
    double w;
};

/* Settlements: 'g' a town (г.), 'v' a village (с.); w the share of the
 * commission's voters. */
struct settlement {
    int commission;
    char kind;
    const char *name;
    double lat, lon, w;
};

/* Stations abroad. */
struct city {
    const char *country, *name;
    double lat, lon, w; /* w: relative size of its stations */
    const char *embassy; /* where the embassy is: "в ..." */
    const char *streets[3];
};

struct station {
    int number, region, district, commission, settlement, city; /* city: abroad, else -1 */
    long voters; /* active, to generate */
    double lat, lon;
    char name[200], address[240];
};

struct plan {
    long voters_home, voters_abroad;
    long region_voters[NREGIONS];
    long region_stations[NREGIONS];
    long abroad_stations;
};

struct demo_person {
    const char *pin, *last, *first, *patronymic, *birth, *sex, *address;
    int station;
    const char *status;
};

struct district_row {
    int region;
    char name_ru[600], name_ky[600];
};

/* gen_country.c */
extern const struct region regions[NREGIONS];
extern const struct commission commissions[NCOMMISSIONS];
extern const struct settlement settlements[NSETTLEMENTS];
extern const struct city cities[NCITIES];
extern const unsigned char abroad_order[59];

/* gen_util.c: output to stdout through one buffer */
void out_flush(void);
void out_raw(const char *s, size_t n);
void out_s(const char *s);
void out_c(char c);
void out_field(const char *s); /* COPY text format, escaped */
void out_long(long v);
void out_pad(long v, int width);
void out_coord(double v);
void out_tab(void);
void out_null(void);
/* the PRNG (one stream, fixed seed) */
uint64_t splitmix(uint64_t *st);
double rng_unit(void);
int rng_int(int n);
int rng_chance(double p);
int rng_skew(int n);
uint64_t hash64(uint64_t x);
#define PICK(list) ((list)[rng_int((int)NELEM(list))])
#define PICK_SKEW(list) ((list)[rng_skew((int)NELEM(list))])
/* dates as days since 1970-01-01 */
long days_from_civil(int y, int m, int d);
void civil_from_days(long z, int *y, int *m, int *d);
int valid_date(int y, int m, int d);
/* names' grammar */
int ends_with(const char *s, const char *suffix);
void female_surname(const char *m, char *out, size_t size);
void patronymic_of(const char *father, int female, char *out, size_t size);
void ru_female_patronymic(const char *m, char *out, size_t size);
/* shares into whole numbers */
void apportion(const double *w, int k, long total, long *out);
int fill_capped(const double *w, int k, long total, const long *cap, long *out);
long station_cap(void);

/* gen_stations.c */
extern struct station stations[MAX_STATIONS];
extern int nstations;
extern struct district_row district_rows[NDISTRICTS + 1];
const struct commission *commission_by_id(int id);
int make_plan(double scale, struct plan *p);
void build_region(int r, const struct plan *p, int *district_no);
void build_abroad(const struct plan *p);
/* A voter's home address near station st (draws from the PRNG). */
void address_near(const struct station *st, char *out, size_t size);

/* gen_voters.c */
extern const struct demo_person demo_people[];
extern const size_t NDEMO_PEOPLE;
extern uint16_t *pin_counter; /* per birth day and sex; main allocates it */
long demo_active_at(int station);
void init_ages(void);
void gen_voter(const struct station *st, int removed);

#endif
