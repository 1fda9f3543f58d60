/*
 * Who owns documents and which kinds each takes: the const tables of
 * api/documents.h, and each owner's access check.  Today: polling stations
 * (the scans the CEC publishes) and the voter cabinet's applications (a
 * supporting document, private).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "documents.h"

#define MB (1024L * 1024)

enum { DOC_STATION_OWNER, DOC_APPLICATION_OWNER, DOCUMENT_KIND__MAX };

static const struct db_statement statements[DOCUMENT_KIND__MAX] = {
    [DOC_STATION_OWNER] = {"doc_station_owner",
                           "SELECT commission_id FROM stations WHERE number = $1::integer"},
    [DOC_APPLICATION_OWNER] =
        {"doc_application_owner",
         "SELECT pin, commission_id,"
         "       status IN ('awaiting_identification', 'identified', 'in_register')"
         "  FROM applications WHERE id = $1::bigint"},
};

/* True if u holds role for commission (a grant tied to it). */
static bool has_commission_role(const struct user *u, unsigned role, long commission)
{
    for (size_t i = 0; i < u->nroles; i++)
        if ((u->roles[i].access & role) != 0 && u->roles[i].commission_id == commission)
            return true;
    return false;
}

/*
 * A station's documents are public.  They are uploaded by the CEC's
 * administrators, or by the administrator of the station's own territorial
 * commission.
 */
static enum document_access station_check(const struct user *u, unsigned allowed, long id,
                                          bool write, enum db_status *st)
{
    char number[24];
    snprintf(number, sizeof(number), "%ld", id);
    PGresult *res = NULL;
    if ((*st = db_exec(&statements[DOC_STATION_OWNER], 1, (const char *const[]){number}, &res)) !=
        DB_OK)
        return DOC_DB_FAILED;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return DOC_NO_OWNER;
    }
    long commission = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    if (!write && allowed == 0)
        return DOC_ALLOWED;
    if (u == NULL)
        return DOC_FORBIDDEN;
    if ((allowed & ACCESS_CEC_ADMIN) != 0 && (u->access & ACCESS_CEC_ADMIN) != 0)
        return DOC_ALLOWED;
    if ((allowed & ACCESS_TEC_ADMIN) != 0 && has_commission_role(u, ACCESS_TEC_ADMIN, commission))
        return DOC_ALLOWED;
    return DOC_FORBIDDEN;
}

/*
 * An application's documents are the applicant's (ACCESS_VOTER: the person
 * who applied) and are read by the operators and territorial commission
 * administrators of the commission that processes it.  Someone else's
 * application is as absent as a nonexistent one (as in the cabinet).  It
 * takes documents while it is being processed.
 */
static enum document_access application_check(const struct user *u, unsigned allowed, long id,
                                              bool write, enum db_status *st)
{
    char number[24];
    snprintf(number, sizeof(number), "%ld", id);
    PGresult *res = NULL;
    if ((*st = db_exec(&statements[DOC_APPLICATION_OWNER], 1, (const char *const[]){number},
                       &res)) != DB_OK)
        return DOC_DB_FAILED;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return DOC_NO_OWNER;
    }
    bool applicant = u != NULL && strcmp(PQgetvalue(res, 0, 0), u->pin) == 0;
    long commission = strtol(PQgetvalue(res, 0, 1), NULL, 10);
    bool pending = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
    PQclear(res);
    if (u == NULL)
        return DOC_NO_OWNER;
    bool may = ((allowed & ACCESS_VOTER) != 0 && applicant) ||
        ((allowed & ACCESS_OPERATOR) != 0 && has_commission_role(u, ACCESS_OPERATOR, commission)) ||
        ((allowed & ACCESS_TEC_ADMIN) != 0 && has_commission_role(u, ACCESS_TEC_ADMIN, commission));
    if (!may)
        return DOC_NO_OWNER;
    return write && !pending ? DOC_CLOSED : DOC_ALLOWED;
}

enum { OWNER_STATIONS, OWNER_APPLICATIONS, OWNER__MAX };

const struct document_owner document_owners[OWNER__MAX] = {
    [OWNER_STATIONS] = {"stations", 1001, 10999, station_check},
    [OWNER_APPLICATIONS] = {"applications", 1, 999999999999L, application_check},
};
const size_t document_nowners = OWNER__MAX;

#define STATION_SCAN(kind_name, kind_types)                                                        \
    {                                                                                              \
        .name = kind_name, .owner = &document_owners[OWNER_STATIONS], .types = kind_types,         \
        .max_size = 20 * MB, .visibility = DOC_PUBLIC,                                             \
        .uploaders = ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN, .readers = 0,                            \
    }

const struct document_kind document_kinds[] = {
    /* The scans of a station the CEC publishes (DOMAIN.md): the ASU's printed reports... */
    STATION_SCAN("asu_initial_report", FILE_PDF | FILE_JPEG | FILE_PNG),
    STATION_SCAN("asu_final_report", FILE_PDF | FILE_JPEG | FILE_PNG),
    /* ...the day's identification register, a multi-page document: PDF only... */
    STATION_SCAN("identification_report", FILE_PDF),
    /* ...and the protocol of the manual count. */
    STATION_SCAN("manual_count_protocol", FILE_PDF | FILE_JPEG | FILE_PNG),
    /* A document the applicant attaches to an application (a certificate of residence...). */
    {.name = "supporting_document",
     .owner = &document_owners[OWNER_APPLICATIONS],
     .types = FILE_PDF | FILE_JPEG | FILE_PNG,
     .max_size = 5 * MB,
     .visibility = DOC_PRIVATE,
     .uploaders = ACCESS_VOTER,
     .readers = ACCESS_VOTER | ACCESS_OPERATOR | ACCESS_TEC_ADMIN},
};
const size_t document_nkinds = NELEM(document_kinds);

const struct document_owner *documents_owner(const char *name)
{
    for (size_t i = 0; name != NULL && i < document_nowners; i++)
        if (strcmp(document_owners[i].name, name) == 0)
            return &document_owners[i];
    return NULL;
}

const struct document_kind *documents_kind(const struct document_owner *owner, const char *name)
{
    for (size_t i = 0; name != NULL && i < document_nkinds; i++)
        if (document_kinds[i].owner == owner && strcmp(document_kinds[i].name, name) == 0)
            return &document_kinds[i];
    return NULL;
}

bool documents_owner_private(const struct document_owner *owner)
{
    for (size_t i = 0; i < document_nkinds; i++)
        if (document_kinds[i].owner == owner && document_kinds[i].visibility == DOC_PRIVATE)
            return true;
    return false;
}

unsigned documents_owner_readers(const struct document_owner *owner)
{
    unsigned bits = 0;
    for (size_t i = 0; i < document_nkinds; i++)
        if (document_kinds[i].owner == owner && document_kinds[i].visibility == DOC_PRIVATE)
            bits |= document_kinds[i].readers;
    return bits;
}

void documents_types_text(unsigned types, char *out, size_t size)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{FILE_PDF, "PDF"}, {FILE_JPEG, "JPEG"}, {FILE_PNG, "PNG"}};
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < NELEM(names) && n < size; i++)
        if ((types & names[i].bit) != 0)
            n += (size_t)snprintf(out + n, size - n, "%s%s", n > 0 ? ", " : "", names[i].name);
}

/* The owners' checks' statements (no routes of its own). */
const struct api_module document_kinds_module = {"document_kinds",   NULL, 0, statements,
                                                 DOCUMENT_KIND__MAX, NULL};
