/*
 * demo-gen: the synthetic demo country of Shailoo.
 *
 *   demo-gen [--scale S]        (S defaults to $DEMO_SCALE, then to 1.0)
 *
 * Writes to stdout a SQL script for
 *   psql -v ON_ERROR_STOP=1 --single-transaction -f -
 * into a schema with the migrations applied and no data: regions, districts,
 * territorial commissions, polling stations and voters as COPY blocks, with
 * the voters_count trigger disabled during the load (run finish.sql after it
 * to recount the statistics).
 *
 * The output depends only on the scale: our own PRNG with a fixed seed, no
 * clock, no locale.  At scale 1 the country has the 2021 figures: 3,703,420
 * active voters (84,128 abroad) at 2,494 stations (2,435 + 59 abroad); at a
 * scale S about S times as many, but at least two stations per district and
 * three abroad, and never more than 2,500 active voters at a station.
 * A handful of fixed demo people exist at every scale (see demo_people).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ------------------------------------------------------------------ main */

static double parse_scale(int argc, char **argv)
{
    const char *s = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc)
            s = argv[++i];
        else if (strncmp(argv[i], "--scale=", 8) == 0)
            s = argv[i] + 8;
        else {
            fprintf(stderr, "usage: demo-gen [--scale S]   (default $DEMO_SCALE or 1.0)\n");
            exit(2);
        }
    }
    if (!s)
        s = getenv("DEMO_SCALE");
    if (!s || !*s)
        return 1.0;
    char *end;
    double v = strtod(s, &end);
    if (*end || !(v >= 0.0001 && v <= 2.0)) {
        fprintf(stderr, "demo-gen: scale must be a number from 0.0001 to 2, not '%s'\n", s);
        exit(2);
    }
    return v;
}

/* COPY regions. */
static void write_regions(void)
{
    out_s("COPY regions (id, code, name_ru, name_ky, station_prefix, lat, lon) FROM stdin;\n");
    for (int r = 0; r < NREGIONS; r++) {
        out_long(regions[r].id);
        out_tab();
        out_field(regions[r].code);
        out_tab();
        out_field(regions[r].name_ru);
        out_tab();
        out_field(regions[r].name_ky);
        out_tab();
        out_long(regions[r].id);
        out_tab();
        out_coord(regions[r].lat);
        out_tab();
        out_coord(regions[r].lon);
        out_c('\n');
    }
    out_s("\\.\n");
}

/* COPY districts. */
static void write_districts(void)
{
    out_s("COPY districts (number, region_id, name_ru, name_ky) FROM stdin;\n");
    for (int d = 1; d <= NDISTRICTS; d++) {
        out_long(d);
        out_tab();
        out_long(district_rows[d].region);
        out_tab();
        out_field(district_rows[d].name_ru);
        out_tab();
        out_field(district_rows[d].name_ky);
        out_c('\n');
    }
    out_s("\\.\n");
}

/* COPY commissions. */
static void write_commissions(void)
{
    out_s("COPY commissions (id, region_id, name_ru, name_ky) FROM stdin;\n");
    for (int i = 0; i < NCOMMISSIONS; i++) {
        const struct commission *c = &commissions[i];
        char ru[200], ky[200];
        switch (c->kind) {
        case 'b':
            snprintf(ru, sizeof ru, "ТИК %sого района г. Бишкек", c->ru);
            snprintf(ky, sizeof ky, "Бишкек шаарынын %s районунун ТШК", c->ky);
            break;
        case 'c':
            snprintf(ru, sizeof ru, "ТИК г. %s", c->ru);
            snprintf(ky, sizeof ky, "%s шаарынын ТШК", c->ky);
            break;
        default:
            snprintf(ru, sizeof ru, "ТИК %sого района", c->ru);
            snprintf(ky, sizeof ky, "%s районунун ТШК", c->ky);
        }
        out_long(c->id);
        out_tab();
        out_long(c->id / 100);
        out_tab();
        out_field(ru);
        out_tab();
        out_field(ky);
        out_c('\n');
    }
    out_long(ABROAD_COMMISSION);
    out_s(
        "\t\\N\tТИК по зарубежным избирательным участкам\tЧет өлкөлөрдөгү шайлоо участкалары боюнча ТШК\n");
    out_s("\\.\n");
}

/* COPY stations. */
static void write_stations(void)
{
    out_s(
        "COPY stations (number, name, address, settlement, abroad, country, region_id, district_number, "
        "commission_id, lat, lon, voters) FROM stdin;\n");
    for (int i = 0; i < nstations; i++) {
        const struct station *st = &stations[i];
        int abroad = st->city >= 0;
        out_long(st->number);
        out_tab();
        out_field(st->name);
        out_tab();
        out_field(st->address);
        out_tab();
        out_field(abroad ? cities[st->city].name : settlements[st->settlement].name);
        out_tab();
        out_c(abroad ? 't' : 'f');
        out_tab();
        if (abroad)
            out_field(cities[st->city].country);
        else
            out_null();
        out_tab();
        if (abroad) {
            out_null();
            out_tab();
            out_null();
        } else {
            out_long(st->region);
            out_tab();
            out_long(st->district);
        }
        out_tab();
        out_long(st->commission);
        out_tab();
        out_coord(st->lat);
        out_tab();
        out_coord(st->lon);
        out_s("\t0\n");
    }
    out_s("\\.\n");
}

/* COPY voters. */
static void write_voters(void)
{
    out_s(
        "COPY voters (pin, last_name, first_name, patronymic, birth_date, sex, address, station_number, "
        "status, updated_at) FROM stdin;\n");
    for (size_t i = 0; i < NDEMO_PEOPLE; i++) {
        const struct demo_person *dp = &demo_people[i];
        out_s(dp->pin);
        out_tab();
        out_field(dp->last);
        out_tab();
        out_field(dp->first);
        out_tab();
        out_field(dp->patronymic);
        out_tab();
        out_s(dp->birth);
        out_tab();
        out_s(dp->sex);
        out_tab();
        out_field(dp->address);
        out_tab();
        out_long(dp->station);
        out_tab();
        out_s(dp->status);
        out_tab();
        out_s(UPDATED_AT);
        out_c('\n');
    }
    for (int i = 0; i < nstations; i++) {
        const struct station *st = &stations[i];
        for (long k = 0; k < st->voters; k++) {
            while (rng_chance(0.005)) /* struck off: died, lost citizenship, duplicate */
                gen_voter(st, 1);
            gen_voter(st, 0);
        }
    }
    out_s("\\.\n");
}

int main(int argc, char **argv)
{
    double scale = parse_scale(argc, argv);
    static char stdout_buf[1 << 16];
    setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);

    struct plan plan;
    if (make_plan(scale, &plan) < 0)
        return 1;
    init_ages();
    pin_counter = calloc((size_t)(36700 * 2), sizeof *pin_counter);
    if (!pin_counter)
        abort();

    int district_no = 1;
    for (int r = 0; r < NREGIONS; r++)
        build_region(r, &plan, &district_no);
    build_abroad(&plan);

    out_s("-- Shailoo demo country, generated by sql/demo/gen.c; do not edit.\n");
    {
        char tmp[120];
        snprintf(tmp, sizeof tmp,
                 "-- scale %g: %ld voters in the country, %ld abroad, %d stations\n", scale,
                 plan.voters_home, plan.voters_abroad, nstations);
        out_s(tmp);
    }
    out_s("SET client_encoding = 'UTF8';\n");
    out_s("ALTER TABLE voters DISABLE TRIGGER voters_count;\n");

    write_regions();
    write_districts();
    write_commissions();
    write_stations();
    write_voters();
    out_s("ALTER TABLE voters ENABLE TRIGGER voters_count;\n");
    out_flush();
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("demo-gen: write");
        return 1;
    }
    free(pin_counter);
    return 0;
}
