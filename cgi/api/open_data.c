/*
 * Open data: an election's counts in bulk, public.  Every station's ASU
 * figures beside its manual count's, every version of its protocol, its
 * identification figures and its scans' hashes (JSON and CSV), and the
 * results in NIST's Election Results Reporting Common Data Format v2
 * (JSON).  The shapes, and how ours map to NIST's types: 029_open_data.sql.
 * The publisher writes them as files (published.c); asked directly, each is
 * one statement.
 */
#include "api.h"

enum {
    OPEN_DATA_COUNTS,
    OPEN_DATA_COUNTS_CSV,
    OPEN_DATA_VERSIONS_CSV,
    OPEN_DATA_SCANS_CSV,
    OPEN_DATA_NIST,
    OPEN_DATA__MAX
};

static const struct db_statement statements[OPEN_DATA__MAX] = {
    [OPEN_DATA_COUNTS] = {"open_data_counts", "SELECT open_data_counts_json($1::integer)::text"},
    [OPEN_DATA_COUNTS_CSV] = {"open_data_counts_csv", "SELECT open_data_counts_csv($1::integer)"},
    [OPEN_DATA_VERSIONS_CSV] = {"open_data_versions_csv",
                                "SELECT open_data_versions_csv($1::integer)"},
    [OPEN_DATA_SCANS_CSV] = {"open_data_scans_csv", "SELECT open_data_scans_csv($1::integer)"},
    [OPEN_DATA_NIST] = {"open_data_nist", "SELECT open_data_nist_json($1::integer)::text"},
};

static const char no_election[] = "there is no such election";

#define EXPORT_PATH "/api/v1/results/elections/{id}/export"
/* Megabytes each, asked rarely but whole: never kept in a worker's cache. */
#define OPEN_DATA_JSON(stmt)                                                                       \
    API_READ(&statements[stmt], CACHE_LIVE, false, "election_not_found", no_election)
#define OPEN_DATA_CSV(stmt)                                                                        \
    API_READ(&statements[stmt], CACHE_LIVE, false, "election_not_found", no_election, .csv = true)

static const struct route routes[] = {
    {"GET", EXPORT_PATH "/counts.json", OPEN_DATA_JSON(OPEN_DATA_COUNTS),
     .path = {FIELD_ELECTION("id")},
     .summary = "Every station's ASU count beside its manual count, every version of its "
                "protocol, its identification figures and its scans' SHA-256 (JSON)"},
    {"GET", EXPORT_PATH "/counts.csv", OPEN_DATA_CSV(OPEN_DATA_COUNTS_CSV),
     .path = {FIELD_ELECTION("id")}, .answer = "text/csv",
     .summary = "A row per station and contest: asu_* and manual_* columns for every protocol "
                "line, entry and list place; the identification figures (CSV)"},
    {"GET", EXPORT_PATH "/versions.csv", OPEN_DATA_CSV(OPEN_DATA_VERSIONS_CSV),
     .path = {FIELD_ELECTION("id")}, .answer = "text/csv",
     .summary = "A row per protocol version and contest: who, when, why, its SHA-256 and "
                "figures (CSV)"},
    {"GET", EXPORT_PATH "/scans.csv", OPEN_DATA_CSV(OPEN_DATA_SCANS_CSV),
     .path = {FIELD_ELECTION("id")}, .answer = "text/csv",
     .summary = "A row per version of each station's scanned documents: kind, SHA-256 (CSV)"},
    {"GET", EXPORT_PATH "/nist.json", OPEN_DATA_JSON(OPEN_DATA_NIST),
     .path = {FIELD_ELECTION("id")},
     .summary = "The results as a NIST SP 1500-100 v2 ElectionReport (Election Results "
                "Reporting Common Data Format, JSON): the ASU's preliminary and the manual "
                "count's official votes of every selection in every area and station"},
};

const struct api_module open_data_module = {"open_data", routes,         NELEM(routes),
                                            statements,  OPEN_DATA__MAX, NULL};
