/* demo-gen: the polling stations of the regions and abroad, and the districts. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ------------------------------------------------------------------ places */

static const char *const bishkek_streets[] = {
    "ул. Киевская",       "ул. Московская",        "пр. Чуй",
    "пр. Манаса",         "ул. Ахунбаева",         "ул. Токтогула",
    "ул. Боконбаева",     "ул. Исанова",           "ул. Раззакова",
    "ул. Абдрахманова",   "ул. Логвиненко",        "пр. Жибек Жолу",
    "ул. Фрунзе",         "ул. Горького",          "ул. Тоголок Молдо",
    "ул. Турусбекова",    "ул. Ибраимова",         "ул. Шопокова",
    "ул. Панфилова",      "пр. Чынгыза Айтматова", "ул. Юнусалиева",
    "ул. Байтик Баатыра", "ул. Льва Толстого",     "ул. Ауэзова",
    "ул. Гагарина",       "ул. Алма-Атинская",     "ул. Жукеева-Пудовкина",
    "ул. Фучика",         "ул. Кулиева",           "ул. Лермонтова",
    "ул. Кольбаева",      "ул. Тыныстанова",       "ул. Уметалиева",
    "ул. Айни",           "ул. Скрябина",          "ул. Курманжан Датки",
    "пр. Мира",           "пр. Дэн Сяопина",       "ул. Ибраимова",
    "ул. Суюмбаева",
};

static const char *const bishkek_microdistricts[] = {
    "мкр. Джал",   "мкр. Асанбай",    "мкр. Восток-5", "мкр. Аламедин-1",
    "мкр. Тунгуч", "мкр. Кок-Жар",    "мкр. Учкун",    "мкр. Магистраль",
    "мкр. Юг-2",   "мкр. Жилгородок", "мкр. 6",        "мкр. 12",
};

static const char *const osh_streets[] = {
    "ул. Ленина",         "ул. Курманжан Датки", "пр. Масалиева",     "ул. Навои",
    "ул. Гапара Айтиева", "ул. Исанова",         "ул. Монуева",       "ул. Заирова",
    "ул. Абдыкадырова",   "ул. Алымбек Датки",   "ул. Ж. Баласагына", "ул. Кыргызстан",
    "ул. Ак-Буура",       "ул. Мамыралиева",     "ул. Ташкентская",   "ул. Жапарова",
    "ул. Токтогула",      "ул. Раззакова",
};

static const char *const town_streets[] = {
    "ул. Ленина",           "ул. Манаса",        "ул. Токтогула",  "ул. Советская",
    "ул. Курманжан Датки",  "ул. Ч. Айтматова",  "ул. Жибек Жолу", "ул. Мира",
    "ул. Гагарина",         "ул. Фрунзе",        "ул. Кирова",     "ул. Пушкина",
    "ул. Школьная",         "ул. Садовая",       "ул. Молодежная", "ул. Т. Сатылганова",
    "ул. Б. Бейшеналиевой", "ул. Ж. Баласагына", "ул. Исанова",    "ул. А. Осмонова",
    "ул. Абдрахманова",     "ул. Алымбек Датки", "ул. Барпы",      "ул. Жусупа Абдрахманова",
    "ул. Масалиева",        "ул. Тоголок Молдо", "ул. Шопокова",   "ул. Панфилова",
    "ул. Молдо Кылыча",     "ул. Бөкөнбаева",
};

static const char *const honorees[] = {
    "Ч. Айтматова",    "Токтогула",       "Ж. Баласагына",    "А. Осмонова",   "К. Тыныстанова",
    "Тоголок Молдо",   "Курманжан Датки", "Б. Бейшеналиевой", "А. С. Пушкина", "М. Горького",
    "Ю. Гагарина",     "Ж. Бөкөнбаева",   "Т. Сыдыкбекова",   "С. Чокморова",  "Манаса",
    "Барпы Алыкулова", "Молдо Кылыча",    "Т. Абдумомунова",  "К. Маликова",   "Т. Сатылганова",
    "Абдыкадыра",      "Н. Крупской",
};

static const char *const culture_names[] = {
    "Манас", "Ала-Тоо", "Айчүрөк", "Достук", "Ынтымак", "Нур", "Мурас", "Кутман", "Жаштык",
};

/* ------------------------------------------------------------------ stations */


struct station stations[MAX_STATIONS];
int nstations;

struct district_row district_rows[NDISTRICTS + 1];

const struct commission *commission_by_id(int id)
{
    for (int i = 0; i < NCOMMISSIONS; i++)
        if (commissions[i].id == id)
            return &commissions[i];
    abort();
}

/* The labels of an area in the district names. */
static void commission_label(const struct commission *c, char *ru, size_t rus, char *ky, size_t kys)
{
    switch (c->kind) {
    case 'b':
        snprintf(ru, rus, "%sий район г. Бишкек", c->ru);
        snprintf(ky, kys, "Бишкек шаарынын %s району", c->ky);
        break;
    case 'c':
        snprintf(ru, rus, "г. %s", c->ru);
        snprintf(ky, kys, "%s шаары", c->ky);
        break;
    default:
        snprintf(ru, rus, "%sий район", c->ru);
        snprintf(ky, kys, "%s району", c->ky);
    }
}

static void jitter(double *lat, double *lon, double lat0, double lon0, double r)
{
    *lat = lat0 + r * (2 * rng_unit() - 1);
    *lon = lon0 + r * 1.3 * (2 * rng_unit() - 1);
}

static void station_name(struct station *st, int *school_no, char kind, int is_bishkek)
{
    int t = rng_int(100);
    if (kind == 'g') {
        *school_no += 1 + rng_int(is_bishkek ? 3 : 2);
        if (t < 38)
            snprintf(st->name, sizeof st->name, "Средняя школа №%d им. %s", *school_no,
                     PICK(honorees));
        else if (t < 55)
            snprintf(st->name, sizeof st->name, "Средняя общеобразовательная школа №%d",
                     *school_no);
        else if (t < 67)
            snprintf(st->name, sizeof st->name, "Гимназия №%d", *school_no);
        else if (t < 75)
            snprintf(st->name, sizeof st->name, "Лицей №%d", *school_no);
        else if (t < 82)
            snprintf(st->name, sizeof st->name, "Учебно-воспитательный комплекс №%d", *school_no);
        else if (t < 89)
            snprintf(st->name, sizeof st->name, "Дом культуры «%s»", PICK(culture_names));
        else if (t < 94)
            snprintf(st->name, sizeof st->name, "Колледж им. %s", PICK(honorees));
        else if (t < 97)
            snprintf(st->name, sizeof st->name, "Детский сад №%d", 1 + rng_int(150));
        else
            snprintf(st->name, sizeof st->name, "Библиотека им. %s", PICK(honorees));
    } else {
        if (t < 45)
            snprintf(st->name, sizeof st->name, "Средняя школа им. %s", PICK(honorees));
        else if (t < 60)
            snprintf(st->name, sizeof st->name, "Средняя школа №%d", 1 + rng_int(40));
        else if (t < 75)
            snprintf(st->name, sizeof st->name, "Дом культуры");
        else if (t < 83)
            snprintf(st->name, sizeof st->name, "ФАП");
        else if (t < 89)
            snprintf(st->name, sizeof st->name, "Здание айыл өкмөтү");
        else if (t < 95)
            snprintf(st->name, sizeof st->name, "Сельский клуб");
        else
            snprintf(st->name, sizeof st->name, "Основная школа им. %s", PICK(honorees));
    }
}

static const char *street_for(int region)
{
    if (region == 1)
        return PICK_SKEW(bishkek_streets);
    if (region == 2)
        return PICK_SKEW(osh_streets);
    return PICK_SKEW(town_streets);
}

/* "г. Бишкек" or "Сокулукский р-н, с. Сокулук". */
static void place_prefix(const struct settlement *s, char *out, size_t size)
{
    const struct commission *c = commission_by_id(s->commission);
    if (s->kind == 'g')
        snprintf(out, size, "г. %s", s->name);
    else
        snprintf(out, size, "%sий р-н, с. %s", c->ru, s->name);
}


int make_plan(double scale, struct plan *p)
{
    double w[NREGIONS];
    p->voters_home = lround(scale * (double)(VOTERS_TOTAL - VOTERS_ABROAD));
    p->voters_abroad = lround(scale * (double)VOTERS_ABROAD);
    for (int r = 0; r < NREGIONS; r++)
        w[r] = regions[r].share;
    apportion(w, NREGIONS, p->voters_home, p->region_voters);
    for (int r = 0; r < NREGIONS; r++)
        w[r] = regions[r].stations;
    apportion(w, NREGIONS, lround(scale * (double)STATIONS_HOME), p->region_stations);
    for (int r = 0; r < NREGIONS; r++) {
        long need = (p->region_voters[r] + 2299) / 2300; /* leave room below the cap */
        if (p->region_stations[r] < need)
            p->region_stations[r] = need;
        if (p->region_stations[r] < 2L * regions[r].districts)
            p->region_stations[r] = 2L * regions[r].districts;
        if (p->region_stations[r] > 999) {
            fprintf(stderr, "demo-gen: scale %g needs %ld stations in %s, more than 999\n", scale,
                    p->region_stations[r], regions[r].code);
            return -1;
        }
    }
    p->abroad_stations = lround(scale * (double)STATIONS_ABROAD);
    if (p->abroad_stations < 3)
        p->abroad_stations = 3;
    if (p->abroad_stations < (p->voters_abroad + 2299) / 2300)
        p->abroad_stations = (p->voters_abroad + 2299) / 2300;
    if (p->abroad_stations > 999) {
        fprintf(stderr, "demo-gen: scale %g needs more than 999 stations abroad\n", scale);
        return -1;
    }
    return 0;
}

/* Demo people: stations and how many active voters they take there. */
long demo_active_at(int station);

/* The region's settlements (sidx) and their weights for stations (sw); the count. */
static int region_settlements(const struct region *reg, int *sidx, double *sw)
{
    int ns = 0;
    double comm_sum = 0;
    for (int c = 0; c < NCOMMISSIONS; c++)
        if (commissions[c].id / 100 == reg->id)
            comm_sum += commissions[c].w;
    for (int c = 0; c < NCOMMISSIONS; c++) {
        if (commissions[c].id / 100 != reg->id)
            continue;
        double s_sum = 0;
        for (int s = 0; s < NSETTLEMENTS; s++)
            if (settlements[s].commission == commissions[c].id)
                s_sum += settlements[s].w;
        for (int s = 0; s < NSETTLEMENTS; s++)
            if (settlements[s].commission == commissions[c].id) {
                sidx[ns] = s;
                /* villages have smaller stations, so more of them per voter */
                sw[ns] = commissions[c].w / comm_sum * settlements[s].w / s_sum /
                    (settlements[s].kind == 'g' ? 1.3 : 0.8);
                ns++;
            }
    }
    return ns;
}

/* The region's stations, settlement by settlement: numbers, names, addresses, places. */
static void place_stations(const struct region *reg, const int *sidx, int ns,
                           const long *per_settlement)
{
    int seq = 0;
    for (int i = 0; i < ns; i++) {
        const struct settlement *s = &settlements[sidx[i]];
        int school_no = rng_int(5);
        char prefix[160];
        place_prefix(s, prefix, sizeof prefix);
        for (long k = 0; k < per_settlement[i]; k++) {
            struct station *st = &stations[nstations++];
            st->number = reg->id * 1000 + ++seq;
            st->region = reg->id;
            st->commission = s->commission;
            st->settlement = sidx[i];
            st->city = -1;
            station_name(st, &school_no, s->kind, reg->id == 1);
            snprintf(st->address, sizeof st->address, "%s, %s, %d", prefix, street_for(reg->id),
                     1 + rng_skew(180));
            jitter(&st->lat, &st->lon, s->lat, s->lon,
                   s->kind == 'g' ? (reg->id <= 2 ? 0.03 : 0.015) : 0.006);
        }
    }
}

/* Voters of the k stations from first: towns have bigger stations; under the cap. */
static void size_stations(int first, int k, long voters)
{
    double *w = calloc((size_t)k, sizeof(double));
    long *v = calloc((size_t)k, sizeof(long)), *cap = calloc((size_t)k, sizeof(long));
    if (!w || !v || !cap)
        abort();
    double avg = (double)voters / k;
    double amp = 0.8 * ((double)STATION_CAP / avg - 1);
    if (amp > 0.4)
        amp = 0.4;
    if (amp < 0)
        amp = 0;
    for (int i = 0; i < k; i++) {
        char kind = settlements[stations[first + i].settlement].kind;
        w[i] = (kind == 'g' ? 1.3 : 0.8) * (1 + amp * (2 * rng_unit() - 1));
        cap[i] = station_cap();
    }
    if (fill_capped(w, k, voters, cap, v) < 0)
        abort();
    for (int i = 0; i < k; i++)
        stations[first + i].voters = v[i];
    free(w);
    free(v);
    free(cap);
}

/* Districts nd from number first_district: consecutive runs of stations with about equal voters. */
static void draw_districts(int first, int k, int nd, int first_district, long total)
{
    long cum = 0;
    int d = 0, in_d = 0;
    for (int i = 0; i < k; i++) {
        struct station *st = &stations[first + i];
        int left_after = k - i - 1;
        int need_after = 2 * (nd - d - 1);
        st->district = first_district + d;
        cum += st->voters;
        in_d++;
        if (d < nd - 1 && in_d >= 2 &&
            (left_after <= need_after ||
             (double)cum >= (double)total * (d + 1) / nd - 0.5 * st->voters)) {
            d++;
            in_d = 0;
        }
    }
}

/* District num's name from the areas its stations (k from first) cover. */
static void name_district(const struct region *reg, int num, int first, int k)
{
    struct district_row *row = &district_rows[num];
    char ru_areas[500] = "", ky_areas[500] = "";
    int last_comm = -1;
    for (int i = 0; i < k; i++) {
        const struct station *st = &stations[first + i];
        if (st->district != num || st->commission == last_comm)
            continue;
        char ru[120], ky[120];
        commission_label(commission_by_id(st->commission), ru, sizeof ru, ky, sizeof ky);
        size_t lr = strlen(ru_areas), lk = strlen(ky_areas);
        snprintf(ru_areas + lr, sizeof ru_areas - lr, "%s%s", lr ? ", " : "", ru);
        snprintf(ky_areas + lk, sizeof ky_areas - lk, "%s%s", lk ? ", " : "", ky);
        last_comm = st->commission;
    }
    row->region = reg->id;
    snprintf(row->name_ru, sizeof row->name_ru, "Одномандатный избирательный округ №%d (%s)", num,
             ru_areas);
    snprintf(row->name_ky, sizeof row->name_ky, "№%d бир мандаттуу шайлоо округу (%s)", num,
             ky_areas);
}

void build_region(int r, const struct plan *p, int *district_no)
{
    const struct region *reg = &regions[r];
    int sidx[NSETTLEMENTS];
    double sw[NSETTLEMENTS];
    int ns = region_settlements(reg, sidx, sw);

    long per_settlement[NSETTLEMENTS];
    apportion(sw, ns, p->region_stations[r], per_settlement);
    if (per_settlement[0] == 0) { /* the first station of a region is always in its first place */
        int big = 0;
        for (int i = 1; i < ns; i++)
            if (per_settlement[i] > per_settlement[big])
                big = i;
        per_settlement[big]--;
        per_settlement[0]++;
    }
    int first = nstations;
    place_stations(reg, sidx, ns, per_settlement);
    int k = nstations - first;
    size_stations(first, k, p->region_voters[r]);
    draw_districts(first, k, reg->districts, *district_no, p->region_voters[r]);
    for (int dd = 0; dd < reg->districts; dd++)
        name_district(reg, *district_no + dd, first, k);
    *district_no += reg->districts;

    for (int i = 0; i < k; i++) { /* the demo people are part of the station's count */
        struct station *st = &stations[first + i];
        long demo = demo_active_at(st->number);
        if (st->voters < demo)
            st->voters = demo;
        st->voters -= demo;
    }
}

void build_abroad(const struct plan *p)
{
    int first = nstations;
    int per_city[NCITIES] = {0};
    long n = p->abroad_stations;
    double *w = calloc((size_t)n, sizeof(double));
    long *v = calloc((size_t)n, sizeof(long)), *cap = calloc((size_t)n, sizeof(long));
    if (!w || !v || !cap)
        abort();
    for (long i = 0; i < n; i++) {
        int c = abroad_order[i % NELEM(abroad_order)];
        const struct city *city = &cities[c];
        struct station *st = &stations[nstations++];
        int nth = per_city[c]++;
        st->number = 10001 + (int)i;
        st->region = 0;
        st->district = 0;
        st->commission = ABROAD_COMMISSION;
        st->settlement = -1;
        st->city = c;
        if (nth == 0 && city->embassy)
            snprintf(st->name, sizeof st->name, "Посольство Кыргызской Республики %s",
                     city->embassy);
        else if (nth == 0)
            snprintf(st->name, sizeof st->name,
                     "Генеральное консульство Кыргызской Республики в г. %s", city->name);
        else if (nth % 3 == 1)
            snprintf(st->name, sizeof st->name, "Культурный центр «%s»", PICK(culture_names));
        else if (nth % 3 == 2)
            snprintf(st->name, sizeof st->name, "Конференц-зал «%s»", PICK(culture_names));
        else
            snprintf(st->name, sizeof st->name, "Кыргызская община г. %s, зал №%d", city->name,
                     nth);
        snprintf(st->address, sizeof st->address, "г. %s, %s, %d", city->name,
                 city->streets[nth == 0 ? 0 : rng_int(3)], 1 + rng_skew(120));
        jitter(&st->lat, &st->lon, city->lat, city->lon, nth == 0 ? 0.01 : 0.06);
        w[i] = city->w * (0.75 + 0.5 * rng_unit());
        cap[i] = station_cap();
    }
    if (fill_capped(w, (int)n, p->voters_abroad, cap, v) < 0)
        abort();
    for (long i = 0; i < n; i++) {
        struct station *st = &stations[first + i];
        long demo = demo_active_at(st->number);
        st->voters = v[i] < demo ? 0 : v[i] - demo;
    }
    free(w);
    free(v);
    free(cap);
}


void address_near(const struct station *st, char *out, size_t size)
{
    if (st->city >= 0) {
        const struct city *c = &cities[st->city];
        snprintf(out, size, "%s, г. %s, %s, %d, кв. %d", c->country, c->name,
                 c->streets[rng_int(3)], 1 + rng_skew(200), 1 + rng_int(300));
    } else {
        const struct settlement *s = &settlements[st->settlement];
        char prefix[160];
        place_prefix(s, prefix, sizeof prefix);
        if (st->region == 1 && rng_chance(0.25))
            snprintf(out, size, "%s, %s, д. %d, кв. %d", prefix, PICK(bishkek_microdistricts),
                     1 + rng_int(60), 1 + rng_int(120));
        else if (s->kind == 'g' && rng_chance(st->region <= 2 ? 0.6 : 0.35))
            snprintf(out, size, "%s, %s, %d, кв. %d", prefix, street_for(st->region),
                     1 + rng_skew(250), 1 + rng_int(90));
        else
            snprintf(out, size, "%s, %s, %d", prefix, street_for(st->region), 1 + rng_skew(250));
    }
}
