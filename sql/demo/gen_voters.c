/* demo-gen: the voters: names, ages, PINs, the demo people. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ------------------------------------------------------------------ names */

static const char *const ky_male[] = {
    "Бакыт",     "Нурлан",   "Азамат",    "Эрмек",    "Айбек",     "Нурбек",   "Талант",
    "Улан",      "Мирлан",   "Алмаз",     "Канат",    "Мирбек",    "Руслан",   "Асан",
    "Жумабек",   "Адилет",   "Эрлан",     "Данияр",   "Бектур",    "Элдияр",   "Нурсултан",
    "Темирлан",  "Чынгыз",   "Кубаныч",   "Алмазбек", "Болот",     "Маратбек", "Медер",
    "Нурдин",    "Самат",    "Санжар",    "Тилек",    "Улукбек",   "Эркин",    "Жаныбек",
    "Жыргалбек", "Кайрат",   "Курманбек", "Назарбек", "Өмүрбек",   "Райымбек", "Сагын",
    "Тынчтык",   "Үсөн",     "Айдар",     "Бактыбек", "Садыр",     "Арген",    "Атай",
    "Бекболот",  "Канатбек", "Эсен",      "Мелис",    "Бакай",     "Жолдош",   "Асылбек",
    "Абдылда",   "Кенжебек", "Осмон",     "Турдубек", "Сыдык",     "Мамыт",    "Орозбек",
    "Токтосун",  "Бекжан",   "Эмил",      "Дүйшөн",   "Шайлообек", "Алтынбек", "Токон",
    "Мукай",     "Жапар",    "Ысмайыл",   "Максат",   "Марат",     "Женишбек", "Акылбек",
    "Исмаил",    "Урмат",    "Эрнис",
};

static const char *const ky_female[] = {
    "Айгерим",  "Жылдыз",    "Гүлнара", "Айпери",   "Айжан",     "Айнура",   "Бермет",
    "Гүлзат",   "Динара",    "Жазгүл",  "Жаркынай", "Замира",    "Мээрим",   "Нургүл",
    "Нуриза",   "Салтанат",  "Чолпон",  "Элмира",   "Асель",     "Аида",     "Айсулуу",
    "Алтынай",  "Бегимай",   "Бурул",   "Гүлмира",  "Жаныл",     "Канышай",  "Керемет",
    "Сезим",    "Толгонай",  "Акылай",  "Айдана",   "Адина",     "Аруузат",  "Назира",
    "Нурайым",  "Рахат",     "Анара",   "Айзада",   "Гүлбарчын", "Мира",     "Кыял",
    "Айсалкын", "Таттыбүбү", "Чынара",  "Эльвира",  "Айтолкун",  "Бактыгүл", "Гүлшайыр",
    "Зуура",    "Кымбат",    "Сайкал",  "Бүбүсара", "Айымкан",   "Калыйман", "Өмүркан",
    "Венера",   "Бактыгуль", "Уулкан",  "Перизат",
};

static const char *const ky_surnames[] = {
    "Асанов",        "Жумабеков",  "Токтогулов",  "Сыдыков",     "Осмонов",    "Абдыкадыров",
    "Бакиров",       "Мамытов",    "Алымкулов",   "Бекмуратов",  "Исаков",     "Кадыров",
    "Мамбетов",      "Сагынбаев",  "Турдубаев",   "Жээнбеков",   "Атамбаев",   "Ташиев",
    "Жапаров",       "Садыков",    "Иманалиев",   "Абдраимов",   "Орозбеков",  "Султанов",
    "Чотонов",       "Эсенов",     "Абдылдаев",   "Бейшеналиев", "Жолдошев",   "Касымов",
    "Кубанычбеков",  "Мамыров",    "Молдокулов",  "Медетбеков",  "Муканбетов", "Назаралиев",
    "Өмүрбеков",     "Рысбеков",   "Сатыбалдиев", "Тологонов",   "Усенов",     "Үсөнбаев",
    "Шаршеналиев",   "Эргешов",    "Жусупов",     "Абдыкеримов", "Акматов",    "Алиев",
    "Арстанбеков",   "Аширбеков",  "Байтемиров",  "Бообеков",    "Дуйшеев",    "Дүйшөнбиев",
    "Жакыпов",       "Жунусов",    "Калыков",     "Кенжебаев",   "Көчөров",    "Мырзабеков",
    "Нуралиев",      "Оморов",     "Осмоналиев",  "Садыров",     "Сарыбаев",   "Токоев",
    "Урматов",       "Шабданов",   "Абдиев",      "Бекташев",    "Зулпуев",    "Кочкоров",
    "Мурзаканов",    "Сооронбаев", "Темиров",     "Тыныбеков",   "Чыныбаев",   "Эшимбеков",
    "Айтматов",      "Карабеков",  "Кулуев",      "Мадумаров",   "Маматов",    "Нурманбетов",
    "Рахманбердиев", "Таштанов",   "Токтосунов",  "Ыбыкеев",
};

static const char *const uz_male[] = {
    "Азиз",    "Алишер", "Бахтиёр", "Жахонгир",  "Ильхом",    "Рустам", "Фаррух",   "Шухрат",
    "Улугбек", "Ботир",  "Дилшод",  "Зафар",     "Равшан",    "Шерзод", "Абдулла",  "Мухаммад",
    "Анвар",   "Одил",   "Хуршид",  "Акмал",     "Абдурашид", "Турсун", "Рахим",    "Карим",
    "Юсуф",    "Хасан",  "Умар",    "Баходир",   "Нодир",     "Отабек", "Дилмурод", "Фуркат",
    "Икром",   "Мансур", "Шавкат",  "Абдувахид",
};

static const char *const uz_female[] = {
    "Дилноза", "Гулноза", "Зарина",  "Малика",  "Нилуфар",  "Феруза",   "Шахноза",
    "Мохира",  "Севара",  "Дилфуза", "Мунира",  "Камола",   "Гулчехра", "Зульфия",
    "Нодира",  "Хуршида", "Мадина",  "Дилором", "Гулбахор", "Махлиё",   "Нигора",
    "Умида",   "Шахло",   "Барно",   "Гавхар",  "Лола",     "Дильбар",
};

static const char *const uz_surnames[] = {
    "Юсупов",   "Каримов",     "Рахимов",    "Ахмедов",  "Мамажанов",  "Абдуллаев",    "Хасанов",
    "Турсунов", "Эргашев",     "Исламов",    "Умаров",   "Рахманов",   "Абдурахманов", "Мирзаев",
    "Хамидов",  "Холматов",    "Шарипов",    "Назаров",  "Маматкулов", "Ташматов",     "Алимов",
    "Юлдашев",  "Азимов",      "Абдувалиев", "Рашидов",  "Тажибаев",   "Усманов",      "Саидов",
    "Джураев",  "Мамадалиев",  "Рузиев",     "Исмаилов", "Курбанов",   "Содиков",      "Тешабаев",
    "Хайдаров", "Абдукаримов", "Мадаминов",  "Нематов",
};

static const char *const ru_male[] = {
    "Александр", "Сергей", "Андрей", "Дмитрий",    "Алексей", "Владимир",  "Николай",  "Евгений",
    "Игорь",     "Виктор", "Михаил", "Юрий",       "Олег",    "Иван",      "Павел",    "Максим",
    "Денис",     "Роман",  "Артем",  "Константин", "Василий", "Геннадий",  "Анатолий", "Валерий",
    "Вячеслав",  "Петр",   "Илья",   "Никита",     "Кирилл",  "Владислав",
};

static const char *const ru_female[] = {
    "Елена",  "Ольга",   "Наталья", "Татьяна",   "Ирина",    "Светлана", "Анна",
    "Марина", "Людмила", "Галина",  "Екатерина", "Юлия",     "Надежда",  "Валентина",
    "Оксана", "Любовь",  "Мария",   "Анастасия", "Виктория", "Нина",     "Лариса",
    "Вера",   "Тамара",  "Алина",   "Дарья",     "Ксения",   "Евгения",  "Полина",
};

/* Male forms; the female form is made by ru_female_patronymic(). */
static const char *const ru_patronymics[] = {
    "Александрович", "Сергеевич",  "Андреевич",  "Дмитриевич",    "Алексеевич",  "Владимирович",
    "Николаевич",    "Евгеньевич", "Игоревич",   "Викторович",    "Михайлович",  "Юрьевич",
    "Олегович",      "Иванович",   "Павлович",   "Петрович",      "Васильевич",  "Геннадьевич",
    "Анатольевич",   "Валерьевич", "Борисович",  "Федорович",     "Григорьевич", "Константинович",
    "Вячеславович",  "Леонидович", "Степанович", "Владиславович",
};

static const char *const ru_surnames[] = {
    "Иванов",    "Смирнов",  "Кузнецов",   "Попов",      "Соколов",   "Лебедев",   "Козлов",
    "Новиков",   "Морозов",  "Петров",     "Волков",     "Соловьев",  "Васильев",  "Зайцев",
    "Павлов",    "Семенов",  "Голубев",    "Виноградов", "Богданов",  "Воробьев",  "Федоров",
    "Михайлов",  "Беляев",   "Тарасов",    "Белов",      "Комаров",   "Орлов",     "Киселев",
    "Макаров",   "Андреев",  "Ковалев",    "Ильин",      "Гусев",     "Титов",     "Кузьмин",
    "Кудрявцев", "Баранов",  "Куликов",    "Алексеев",   "Степанов",  "Яковлев",   "Сорокин",
    "Сергеев",   "Романов",  "Захаров",    "Борисов",    "Королев",   "Герасимов", "Пономарев",
    "Григорьев", "Шевченко", "Бондаренко", "Ткаченко",   "Ким",       "Пак",       "Цой",
    "Ли",        "Шмидт",    "Миллер",     "Ковальский", "Полянский", "Толстой",
};

/* ------------------------------------------------------------------ voters */


const struct demo_person demo_people[] = {
    {"21505199000011", "Асанов", "Бакыт", "Жумабекович", "1990-05-15", "M",
     "г. Бишкек, ул. Ахунбаева, 12, кв. 5", 1001, "active"},
    {"10803198500022", "Иванова", "Елена", "Петровна", "1985-03-08", "F",
     "г. Ош, ул. Курманжан Датки, 210, кв. 14", 2001, "active"},
    {"12207200100033", "Токтогулова", "Айгерим", "Бакытовна", "2001-07-22", "F",
     "Россия, г. Москва, ул. Профсоюзная, 43, кв. 118", 10001, "active"},
    {"20101195000044", "Сыдыков", "Эрмек", "Токтосунович", "1950-01-01", "M",
     "Алайский р-н, с. Гульча, ул. Токтогула, 15", 7001, "active"},
    {"20202196000055", "Осмонов", "Нурлан", "Асанович", "1960-02-02", "M",
     "г. Бишкек, ул. Ахунбаева, 14, кв. 31", 1001, "removed"},
};

const size_t NDEMO_PEOPLE = NELEM(demo_people);

long demo_active_at(int station)
{
    long n = 0;
    for (size_t i = 0; i < NELEM(demo_people); i++)
        if (demo_people[i].station == station && strcmp(demo_people[i].status, "active") == 0)
            n++;
    return n;
}

/* Ages: election day 2027-01-24 is the reference (everybody is 18 by then). */
enum { AGE_MIN = 18, AGE_MAX = 99 };
static double age_cum_home[AGE_MAX + 1], age_cum_abroad[AGE_MAX + 1];
static long election_day, birth_min;

/* Voters per year of age (population times the share on the list). */
static double age_weight(int a)
{
    static const double anchor[][2] = {
        {18, 61},  {22, 67},  {27, 69},  {32, 84},  {37, 83},  {42, 72},
        {47, 62},  {52, 56},  {57, 54},  {62, 47},  {67, 33},  {72, 19},
        {77, 8.6}, {82, 5.2}, {87, 2.1}, {92, 0.6}, {97, 0.1}, {100, 0.02},
    };
    for (size_t i = 1; i < NELEM(anchor); i++)
        if (a <= anchor[i][0]) {
            double t = (a - anchor[i - 1][0]) / (anchor[i][0] - anchor[i - 1][0]);
            return anchor[i - 1][1] + t * (anchor[i][1] - anchor[i - 1][1]);
        }
    return 0.02;
}

/* Voters abroad are mostly of working age. */
static double abroad_factor(int a)
{
    return a < 25 ? 0.8 : a < 45 ? 1.7 : a < 55 ? 1.0 : a < 65 ? 0.45 : 0.12;
}

void init_ages(void)
{
    double h = 0, ab = 0;
    for (int a = AGE_MIN; a <= AGE_MAX; a++) {
        h += age_weight(a);
        ab += age_weight(a) * abroad_factor(a);
        age_cum_home[a] = h;
        age_cum_abroad[a] = ab;
    }
    election_day = days_from_civil(2027, 1, 24);
    birth_min = election_day - 36600; /* safely before anybody we make */
}

static int pick_age(const double *cum)
{
    double x = rng_unit() * cum[AGE_MAX];
    int lo = AGE_MIN, hi = AGE_MAX;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static double female_share(int a)
{
    return a < 30 ? 0.492 : a < 45 ? 0.503 : a < 55 ? 0.525 : a < 65 ? 0.555 : a < 75 ? 0.61 : 0.67;
}

uint16_t *pin_counter; /* per birth day and sex */
static long irregular_count;

static void make_pin(char pin[15], long birth, int female, int y, int m, int d)
{
    int sexd = female ? 1 : 2;
    long serial;
    if (rng_chance(0.001)) {
        /* an irregular PIN from the old registers: date or sex digits that
         * disagree with the person; its serial is in a range of its own */
        if (irregular_count >= 10000) {
            fprintf(stderr, "demo-gen: too many irregular PINs\n");
            exit(1);
        }
        serial = 90000 + irregular_count++;
        switch (rng_int(4)) {
        case 0:
            d = 1, m = 1;
            break;
        case 1:
            if (d <= 12 && d != m) {
                int t = d;
                d = m, m = t;
            } else {
                sexd = 3 - sexd;
            }
            break;
        case 2:
            if (valid_date(y + 1, m, d))
                y += 1;
            else
                sexd = 3 - sexd;
            break;
        default:
            sexd = 3 - sexd;
        }
    } else {
        long slot = (birth - birth_min) * 2 + female;
        serial = 100 + (long)(hash64((uint64_t)slot) % 40000) + pin_counter[slot]++;
        if (pin_counter[slot] >= 49000) {
            fprintf(stderr, "demo-gen: too many people born on one day\n");
            exit(1);
        }
    }
    const long parts[][2] = {{sexd, 1}, {d, 2}, {m, 2}, {y, 4}, {serial, 5}};
    char *q = pin;
    for (size_t i = 0; i < NELEM(parts); i++) {
        long v = parts[i][0];
        for (long w = parts[i][1]; w > 0; w--, v /= 10)
            q[w - 1] = (char)('0' + v % 10);
        q += parts[i][1];
    }
    *q = '\0';
}

enum { ORIGIN_KY, ORIGIN_UZ, ORIGIN_RU };

/* A person's names by origin, sex and age (a the age): last, first, patronymic (NULL if none). */
struct names {
    char last[120], first[120], patr[120];
    const char *patronymic;
};

static void pick_names(int origin, int female, int a, struct names *n)
{
    char *last = n->last, *first = n->first, *patr = n->patr;
    n->patronymic = patr;
    const char *surname;
    switch (origin) {
    case ORIGIN_KY: {
        surname = PICK_SKEW(ky_surnames);
        const char *father = PICK_SKEW(ky_male);
        snprintf(first, sizeof n->first, "%s", female ? PICK_SKEW(ky_female) : PICK_SKEW(ky_male));
        double trad = rng_unit();
        double p_trad = a < 30 ? 0.16 : a < 45 ? 0.09 : 0.04;
        if (trad < p_trad) { /* Бакыт уулу Нурлан: no surname, no patronymic */
            snprintf(last, sizeof n->last, "%s %s", father, female ? "кызы" : "уулу");
            n->patronymic = NULL;
        } else {
            if (female)
                female_surname(surname, last, sizeof n->last);
            else
                snprintf(last, sizeof n->last, "%s", surname);
            if (trad < p_trad + 0.04)
                snprintf(patr, sizeof n->patr, "%s %s", father, female ? "кызы" : "уулу");
            else
                patronymic_of(father, female, patr, sizeof n->patr);
        }
        break;
    }
    case ORIGIN_UZ:
        surname = PICK_SKEW(uz_surnames);
        if (female)
            female_surname(surname, last, sizeof n->last);
        else
            snprintf(last, sizeof n->last, "%s", surname);
        snprintf(first, sizeof n->first, "%s", female ? PICK_SKEW(uz_female) : PICK_SKEW(uz_male));
        patronymic_of(PICK_SKEW(uz_male), female, patr, sizeof n->patr);
        break;
    default: {
        surname = PICK_SKEW(ru_surnames);
        if (female)
            female_surname(surname, last, sizeof n->last);
        else
            snprintf(last, sizeof n->last, "%s", surname);
        snprintf(first, sizeof n->first, "%s", female ? PICK_SKEW(ru_female) : PICK_SKEW(ru_male));
        const char *p = PICK_SKEW(ru_patronymics);
        if (female)
            ru_female_patronymic(p, patr, sizeof n->patr);
        else
            snprintf(patr, sizeof n->patr, "%s", p);
    }
    }
}

void gen_voter(const struct station *st, int removed)
{
    int origin;
    double u = rng_unit();
    if (st->city >= 0)
        origin = u < 0.89 ? ORIGIN_KY : u < 0.98 ? ORIGIN_UZ : ORIGIN_RU;
    else {
        const struct region *reg = &regions[st->region - 1];
        origin = u < reg->kyrgyz ? ORIGIN_KY : u < reg->kyrgyz + reg->uzbek ? ORIGIN_UZ : ORIGIN_RU;
    }

    int a = pick_age(st->city >= 0 ? age_cum_abroad : age_cum_home);
    long birth = election_day - 6575 - (long)floor(((a - AGE_MIN) + rng_unit()) * 365.2425);
    int female = rng_chance(female_share(a) - (st->city >= 0 ? 0.07 : 0));
    int y, m, d;
    civil_from_days(birth, &y, &m, &d);

    struct names nm;
    pick_names(origin, female, a, &nm);
    const char *last = nm.last, *first = nm.first, *patronymic = nm.patronymic;

    char pin[15];
    make_pin(pin, birth, female, y, m, d);

    char address[300];
    address_near(st, address, sizeof address);

    out_raw(pin, 14);
    out_tab();
    out_field(last);
    out_tab();
    out_field(first);
    out_tab();
    if (patronymic)
        out_field(patronymic);
    else
        out_null();
    out_tab();
    out_pad(y, 4);
    out_c('-');
    out_pad(m, 2);
    out_c('-');
    out_pad(d, 2);
    out_tab();
    out_c(female ? 'F' : 'M');
    out_tab();
    out_field(address);
    out_tab();
    out_long(st->number);
    out_tab();
    out_s(removed ? "removed" : "active");
    out_tab();
    out_s(UPDATED_AT);
    out_c('\n');
}
