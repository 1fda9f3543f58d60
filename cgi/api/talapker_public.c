/*
 * Talapker in public: the candidates of an election (filtered, paged, and as
 * CSV), the parties taking part, a candidate's card, the summary reports.
 * Table entries over sql/functions/023_talapker_public.sql; no PIN and no
 * private document is in any of them.
 */
#include "api.h"

enum {
    PUBLIC_CANDIDATES,
    PUBLIC_CSV,
    PUBLIC_PARTIES,
    PUBLIC_CANDIDATE,
    PUBLIC_SUMMARY,
    PUBLIC__MAX
};

static const struct db_statement statements[PUBLIC__MAX] = {
    [PUBLIC_CANDIDATES] =
        {"public_candidates",
         "SELECT public_candidates_json($1::integer, $2::integer, $3::integer, $4,"
         " $5, $6::integer, $7::integer)::text"},
    [PUBLIC_CSV] = {"public_candidates_csv",
                    "SELECT public_candidates_csv(id) FROM elections WHERE id = $1::integer"},
    [PUBLIC_PARTIES] = {"public_parties", "SELECT public_parties_json($1::integer)::text"},
    [PUBLIC_CANDIDATE] = {"public_candidate", "SELECT public_candidate_json($1::integer)::text"},
    [PUBLIC_SUMMARY] = {"public_summary",
                        "SELECT public_candidates_summary_json($1::integer)::text"},
};

#define NO_ELECTION "election_not_found", "there is no such election"

static const struct route routes[] = {
    {"GET", "/api/v1/elections/{id}/candidates",
     API_READ(&statements[PUBLIC_CANDIDATES], CACHE_SHORT, false, NO_ELECTION),
     .path = {FIELD_ELECTION("id")},
     .query = {{"party", FIELD_INT, 1, ID_MAX, .about = "only this party's"},
               {"district", FIELD_INT, DISTRICT_MIN, DISTRICT_MAX, .about = "only this district's"},
               {"status", FIELD_TEXT, 0, 16,
                .about = "submitted, under_review, deficiencies, registered, refused or withdrawn"},
               {"q", FIELD_TEXT, 0, 100, .about = "a part of the name"},
               FIELD_AFTER("after"),
               {"limit", FIELD_INT, 1, 500, .def = "100", .about = "at most this many"}},
     .summary = "The candidates of an election with their status (filtered, paged)"},
    {"GET", "/api/v1/elections/{id}/candidates.csv",
     API_READ(&statements[PUBLIC_CSV], CACHE_SHORT, false, NO_ELECTION, .csv = true),
     .path = {FIELD_ELECTION("id")}, .answer = "text/csv",
     .summary = "Every candidate of an election (CSV)"},
    {"GET", "/api/v1/elections/{id}/candidates/summary",
     API_READ(&statements[PUBLIC_SUMMARY], CACHE_SHORT, false, NO_ELECTION),
     .path = {FIELD_ELECTION("id")},
     .summary = "Candidates by status, sex, age group, ethnicity, education, disability, party and "
                "district; the refusals with their reasons"},
    {"GET", "/api/v1/elections/{id}/parties",
     API_READ(&statements[PUBLIC_PARTIES], CACHE_SHORT, false, NO_ELECTION),
     .path = {FIELD_ELECTION("id")},
     .summary = "The parties taking part in an election, with their lists"},
    {"GET", "/api/v1/candidates/{id}",
     API_READ(&statements[PUBLIC_CANDIDATE], CACHE_SHORT, false, "candidate_not_found",
              "there is no such candidate"),
     .path = {{"id", FIELD_INT, 1, ID_MAX, .about = "a candidate's id"}},
     .summary = "A candidate's card: every submitted nomination naming them"},
};

const struct api_module talapker_public_module = {"talapker_public", routes,      NELEM(routes),
                                                  statements,        PUBLIC__MAX, NULL};
