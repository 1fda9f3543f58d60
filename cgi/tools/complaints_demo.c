/*
 * shailoo-complaints-demo ELECTION VOTING-DAY [COUNT]: the demo's registry of
 * complaints for an election, as a psql script on stdout, made through the
 * same code paths as the application's: each complaint filed, heard,
 * forwarded, decided, appealed and ruled on by the functions of
 * sql/functions/026_complaints.sql, with the routing and the clock of
 * cgi/rules/complaints.c, on the campaign's own dates (shailoo.now).
 * Deterministic (a fixed seed): the same country gets the same registry.
 * The people and places are picked in SQL from the loaded country (voters,
 * stations); each commission without a complaint reviewer gets one.  Does
 * nothing when the election has complaints already.
 *
 *   bin/shailoo-complaints-demo 202104 2021-11-28 300 | psql -1 -v ON_ERROR_STOP=1
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/calendar.h"
#include "rules/complaints.h"

static unsigned long long seed = 0x5ea1f00dULL;

/* xorshift64*: the same sequence on every machine. */
static unsigned next(unsigned n)
{
    seed ^= seed >> 12;
    seed ^= seed << 25;
    seed ^= seed >> 27;
    return (unsigned)((seed * 2685821657736338717ULL) >> 33) % n;
}

static const char *const station_texts[] = {
    "Члены УИК № %s не допустили наблюдателя к подсчёту голосов",
    "Председатель УИК № %s отказался выдать заверенную копию протокола",
    "Избирателя нет в списке участка № %s, хотя он живёт по адресу участка",
    "Агитационные материалы висели ближе 50 метров от входа на участок № %s",
    "АСУ на участке № %s около часа не принимала бюллетени",
    "На участке № %s не работало устройство биометрической идентификации",
    "Возле участка № %s раздавали продуктовые наборы избирателям",
    "На участок № %s избирателей подвозили организованно на автобусах",
    "Член УИК № %s подсказывал избирателям, за кого голосовать",
    "Урну для голосования вне помещения участка № %s унесли без наблюдателей",
};
static const char *const commission_texts[] = {
    "Комиссия не рассмотрела обращение о нарушениях на участке № %s в срок",
    "Комиссия отказала в аккредитации наблюдателей без объяснения причин (участок № %s)",
    "Комиссия не опубликовала сведения об итогах по участку № %s",
};
static const char *const official_texts[] = {
    "Глава айыл окмоту агитировал за кандидата на рабочем совещании (участок № %s)",
    "Директор школы требовал от учителей фотографировать бюллетени (участок № %s)",
    "Сотрудника предприятия принуждали голосовать по списку работодателя (участок № %s)",
};
static const char *const outcome_names[] = {"upheld", "partly_upheld", "rejected",
                                            "not_considered"};
static const char *const decision_texts[] = {
    "Доводы подтвердились; комиссии указано на нарушение, виновные предупреждены",
    "Доводы подтвердились частично; в остальной части отказано",
    "Доводы не подтвердились материалами проверки",
    "Оставлена без рассмотрения: подана лицом, права которого не затронуты",
};

static char *at(long long t)
{
    static char buf[4][40];
    static int i;
    i = (i + 1) % 4;
    return complaints_format(t, buf[i], sizeof(buf[i]));
}

/* The organisation an observer or an NGO names (SQL), NULL for a voter. */
static const char *organisation(const char *kind)
{
    return strcmp(kind, "voter") == 0 ? "NULL"
        : strcmp(kind, "observer") == 0 ? "'Коалиция за демократию и гражданское общество'"
                                        : "'ОО «Таза шайлоо»'";
}

/* The clock of the next writes. */
static void now(long long t)
{
    printf("SELECT set_config('shailoo.now', '%s', true) \\gset x_\n", at(t));
}

/* The reviewer of the commission the complaint is before now, into psql's :rev. */
static void reviewer(void)
{
    printf("SELECT pin AS rev FROM staff_roles WHERE role = 'complaints_reviewer'"
           " AND commission_id = (SELECT commission_id FROM complaints WHERE id = :cid) \\gset\n");
}

/* One complaint's life; its id in psql's :cid. */
static void complaint(int election, struct complaints_day vote, long long campaign_start, int k)
{
    long long vote_t =
        (calendar_days_from_civil(vote.y, vote.m, vote.d) * 86400) - COMPLAINTS_UTC_OFFSET;
    /* Most complaints come near voting day: the last week, the eve, the day, the days after. */
    unsigned when = next(100);
    long long day = when < 40
        ? campaign_start + next((unsigned)((vote_t - campaign_start) / 86400 - 7)) * 86400LL
        : when < 60 ? vote_t - (1 + next(6)) * 86400LL
        : when < 70 ? vote_t - 86400
        : when < 88 ? vote_t
                    : vote_t + (1 + next(5)) * 86400LL;
    long long received = day + (9 + next(12)) * 3600LL + next(60) * 60LL;
    long long happened = received - next(30) * 3600LL;
    if (happened < campaign_start)
        happened = campaign_start;
    unsigned what = next(100), who = next(100);
    enum complaints_subject subject = what < 60 ? SUBJECT_STATION
        : what < 80                             ? SUBJECT_TERRITORIAL
        : what < 90                             ? SUBJECT_DISTRICT
                                                : SUBJECT_OFFICIAL;
    bool district_contest = subject == SUBJECT_STATION && next(4) == 0;
    const char *kind = who < 70 ? "voter" : who < 85 ? "observer" : "ngo";
    int station_pick = (int)next(100000);
    const char *tmpl = subject == SUBJECT_STATION ? station_texts[next(10)]
        : subject == SUBJECT_OFFICIAL             ? official_texts[next(3)]
                                                  : commission_texts[next(3)];
    enum complaints_level level = complaints_route(subject, district_contest, true);
    printf(
        "SELECT number AS st, district_number AS dist, commission_id AS tec FROM stations"
        " WHERE NOT abroad ORDER BY number OFFSET %d %% (SELECT count(*) FROM stations WHERE NOT abroad)"
        " LIMIT 1 \\gset\n",
        station_pick);
    /* A voter of that station complains (the station's own list: an index, not the country's). */
    printf(
        "SELECT pin AS who FROM voters WHERE station_number = :st AND status = 'active' ORDER BY pin"
        " OFFSET %d LIMIT 1 \\gset\n",
        (int)next(20));
    now(received);
    printf("\\set text '%s'\n", tmpl);
    printf(
        "SELECT complaint_file(%d, :'who', 'Демо Заявитель %d', '%s', NULL, %s, '%s', %s, NULL, NULL,"
        " %s, :st, NULL, %s, NULL, NULL, '%s', format(:'text', :st), '%s', '%s', '%s', NULL) AS cid \\gset\n",
        election, k, kind, organisation(kind), complaints_subject_name(subject),
        subject == SUBJECT_TERRITORIAL    ? ":tec"
            : subject == SUBJECT_DISTRICT ? "3000 + :dist"
                                          : "NULL",
        subject == SUBJECT_OFFICIAL ? "'должностное лицо местного самоуправления'" : "NULL",
        district_contest ? "true" : "false", at(happened), complaints_level_name(level),
        at(received), at(complaints_review_due(received, vote)));
    unsigned fate = next(100);
    if (fate < 5)
        return; /* never decided: overdue, and shown so */
    long long due = complaints_review_due(received, vote);
    long long moment = received + 3600;
    reviewer();
    if (fate < 15) { /* forwarded once: a station's to the district's commission or back */
        long long fwd = received + (long long)next(20) * 3600;
        now(fwd);
        printf(
            "SELECT complaint_forward(:cid, :'rev', CASE WHEN (SELECT commission_id FROM complaints"
            " WHERE id = :cid) = 3000 + :dist THEN :tec ELSE 3000 + :dist END,"
            " 'по подведомственности', '%s', '%s') \\gset x_\n",
            at(fwd), at(complaints_review_due(fwd, vote)));
        reviewer();
        received = fwd;
        due = complaints_review_due(fwd, vote);
        moment = fwd + 3600;
    }
    if (due - moment > 6 * 3600 || fate < 10) { /* a hearing, with time for it */
        /* At 10:00 local the next day when the clock allows; else within the hour. */
        long long hearing = ((moment + COMPLAINTS_UTC_OFFSET) / 86400 + 1) * 86400 + 10 * 3600 -
            COMPLAINTS_UTC_OFFSET;
        if (hearing > due - 3600)
            hearing = moment + 3600;
        now(moment);
        printf("SELECT complaint_hearing(:cid, :'rev', '%s', 'зал заседаний комиссии') \\gset x_\n",
               at(hearing));
        moment = hearing;
    }
    if (fate < 10)
        return; /* the hearing is set; no decision (overdue now) */
    bool late = next(100) < 12;
    long long decided = late ? due + (1 + next(3)) * 86400LL - next(8) * 3600LL
                             : moment + (due - moment) * (long long)(1 + next(8)) / 10;
    unsigned outcome = next(100) < 15 ? 0 : next(100) < 20 ? 1 : next(100) < 85 ? 2 : 3;
    now(decided);
    /* An upheld complaint about a station orders a recount now and then, naming the protocol it changes. */
    bool recount = outcome == 0 && subject == SUBJECT_STATION && next(3) == 0;
    printf("SELECT complaint_decide(:cid, :'rev', '%s', '%s', %s, NULL, '%s', '%s'%s) \\gset x_\n",
           outcome_names[outcome], decision_texts[outcome], recount ? "'recount'" : "NULL",
           at(decided), at(complaints_appeal_due(decided)), recount ? ", 'protocol', :st" : "");
    if (outcome < 2 || next(100) >= 25 || level == LEVEL_CENTRAL)
        return;
    /* Appealed to the CEC within its 3 days. */
    long long appealed = decided + 3600 + next(40) * 3600LL;
    if (appealed > complaints_appeal_due(decided))
        appealed = complaints_appeal_due(decided) - 600;
    enum complaints_level up =
        complaints_appeal_level(level == LEVEL_DISTRICT ? LEVEL_DISTRICT : LEVEL_TERRITORIAL);
    now(appealed);
    printf(
        "SELECT complaint_file(%d, :'who', 'Демо Заявитель %d', '%s', NULL, %s, "
        "(SELECT kind FROM commissions WHERE id = (SELECT commission_id FROM complaints WHERE id = :cid)),"
        " (SELECT commission_id FROM complaints WHERE id = :cid), NULL, NULL, NULL, :st, NULL, %s, NULL, NULL,"
        " '%s', 'Не согласен с решением комиссии по жалобе ' || (SELECT number FROM complaints WHERE id = :cid),"
        " '%s', '%s', '%s', :cid) AS aid \\gset\n",
        election, k, kind, organisation(kind), district_contest ? "true" : "false", at(decided),
        complaints_level_name(up), at(appealed), at(complaints_review_due(appealed, vote)));
    long long cec = appealed + (1 + next(40)) * 3600LL;
    now(cec);
    printf(
        "SELECT complaint_decide(:aid, (SELECT pin FROM staff_roles WHERE role = 'complaints_reviewer'"
        " AND commission_id = 9000), 'rejected', 'Решение нижестоящей комиссии оставлено в силе', NULL,"
        " NULL, '%s', '%s') \\gset x_\n",
        at(cec), at(complaints_appeal_due(cec)));
    if (next(3) == 0) { /* then to court */
        long long ruled = cec + (3 + next(10)) * 86400LL;
        struct complaints_day d = complaints_local_day(ruled);
        now(ruled + 3600);
        printf("SELECT complaint_court_ruling(:aid, (SELECT pin FROM staff_roles WHERE role ="
               " 'complaints_reviewer' AND commission_id = 9000), 'Административный суд г. Бишкек',"
               " 'first', '%04d-%02d-%02d', '%s', 'Заявление рассмотрено по существу') \\gset x_\n",
               d.y, d.m, d.d, next(4) == 0 ? "overturned" : "upheld");
    }
}

int main(int argc, char **argv)
{
    struct complaints_day vote;
    if (argc < 3 || sscanf(argv[2], "%4d-%2d-%2d", &vote.y, &vote.m, &vote.d) != 3 ||
        !calendar_valid_date(vote.y, vote.m, vote.d)) {
        fprintf(stderr, "usage: shailoo-complaints-demo ELECTION YYYY-MM-DD [COUNT]\n");
        return 2;
    }
    int election = atoi(argv[1]);
    int count = argc > 3 ? atoi(argv[3]) : 300;
    long long vote_t =
        calendar_days_from_civil(vote.y, vote.m, vote.d) * 86400 - COMPLAINTS_UTC_OFFSET;
    long long start = vote_t - 60 * 86400LL; /* the campaign's two months */
    printf("-- The demo's complaints of election %d (cgi/tools/complaints_demo.c).\n", election);
    printf("SELECT NOT EXISTS (SELECT 1 FROM complaints WHERE election_id = %d)"
           " AND EXISTS (SELECT 1 FROM elections WHERE id = %d) AS go \\gset\n",
           election, election);
    printf("\\if :go\n");
    /* A reviewer for every commission without one (the demo's staff, not people who sign in). */
    printf(
        "INSERT INTO staff_roles (pin, role, commission_id)"
        " SELECT '29' || lpad(k.id::text, 12, '0'), 'complaints_reviewer', k.id FROM commissions k"
        " WHERE NOT EXISTS (SELECT 1 FROM staff_roles r WHERE r.role = 'complaints_reviewer'"
        " AND r.commission_id = k.id) ON CONFLICT DO NOTHING;\n");
    for (int k = 1; k <= count; k++)
        complaint(election, vote, start, k);
    printf("SELECT set_config('shailoo.now', '', true) \\gset x_\n");
    printf("\\endif\n");
    return 0;
}
