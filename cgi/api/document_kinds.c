/*
 * Who owns documents and which kinds each takes: the const tables of
 * api/documents.h, and each owner's access check.  Today: a station's count
 * in an election (the scans the CEC publishes), the voter cabinet's applications (a
 * supporting document, private), and Talapker's nominations and candidacies
 * (the package; which kinds each nomination needs, and which become public
 * at registration, is sql/functions/022_talapker_review.sql's
 * document_requirements()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "documents.h"

#define MB (1024L * 1024)

enum {
    DOC_COUNT_OWNER,
    DOC_APPLICATION_OWNER,
    DOC_NOMINATION_OWNER,
    DOC_COMPLAINT_OWNER,
    DOCUMENT_KIND__MAX
};

static const struct db_statement statements[DOCUMENT_KIND__MAX] = {
    [DOC_COUNT_OWNER] = {"doc_count_owner", "SELECT role FROM count_access($1::bigint, $2)"},
    [DOC_APPLICATION_OWNER] =
        {"doc_application_owner",
         "SELECT pin, commission_id,"
         "       status IN ('awaiting_identification', 'identified', 'in_register')"
         "  FROM applications WHERE id = $1::bigint"},
    [DOC_NOMINATION_OWNER] =
        {"doc_nomination_owner",
         "SELECT role, status FROM nomination_document_access($1, $2::bigint, $3)"},
    [DOC_COMPLAINT_OWNER] =
        {"doc_complaint_owner",
         "SELECT role, status, acting FROM complaint_document_access($1::bigint, $2)"},
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

/*
 * The access row of an owner: statement which with (owner when not NULL,) the
 * owner's number and the person's PIN.  DOC_ALLOWED with *res (one row; the
 * caller clears it) and its first column, the person's role ("" if none),
 * copied into role; else DOC_NO_OWNER or DOC_DB_FAILED (*st says why).
 */
static enum document_access access_row(int which, const char *owner, long id, const struct user *u,
                                       PGresult **res, char *role, size_t n, enum db_status *st)
{
    char number[24];
    snprintf(number, sizeof(number), "%ld", id);
    const char *params[] = {owner, number, u != NULL ? u->pin : ""};
    int skip = owner == NULL ? 1 : 0;
    if ((*st = db_exec(&statements[which], 3 - skip, params + skip, res)) != DB_OK)
        return DOC_DB_FAILED;
    if (PQntuples(*res) != 1) {
        PQclear(*res);
        *res = NULL;
        return DOC_NO_OWNER;
    }
    snprintf(role, n, "%s", PQgetisnull(*res, 0, 0) ? "" : PQgetvalue(*res, 0, 0));
    return DOC_ALLOWED;
}

/*
 * A station's scans in an election (its count's: station_counts) are
 * public.  They are uploaded by the station's secretary, the administrator
 * of its territorial commission, or the CEC's administrators.
 */
static enum document_access count_check(const struct user *u, unsigned allowed, long id, bool write,
                                        enum db_status *st)
{
    PGresult *res = NULL;
    char role[24];
    enum document_access a = access_row(DOC_COUNT_OWNER, NULL, id, u, &res, role, sizeof(role), st);
    if (a != DOC_ALLOWED)
        return a;
    PQclear(res);
    if (!write && allowed == 0)
        return DOC_ALLOWED;
    if (u == NULL || *role == '\0')
        return DOC_FORBIDDEN;
    unsigned bit = strcmp(role, "station_secretary") == 0 ? ACCESS_SECRETARY
        : strcmp(role, "tec_admin") == 0                  ? ACCESS_TEC_ADMIN
                                                          : ACCESS_CEC_ADMIN;
    return (allowed & bit) != 0 ? DOC_ALLOWED : DOC_FORBIDDEN;
}

/*
 * A nomination's documents and its candidates' are the party's (its head and
 * representatives; a self-nominated candidate's own), each candidate's also
 * theirs, and read by the commission that reviews it; to anyone else they are
 * as absent as none.  They are added while the nomination is a draft or has
 * deficiencies to correct.
 */
static enum document_access nomination_check(const char *owner, const struct user *u,
                                             unsigned allowed, long id, bool write,
                                             enum db_status *st)
{
    PGresult *res = NULL;
    char role[16];
    enum document_access a =
        access_row(DOC_NOMINATION_OWNER, owner, id, u, &res, role, sizeof(role), st);
    if (a != DOC_ALLOWED)
        return a;
    bool open = strcmp(PQgetvalue(res, 0, 1), "draft") == 0 ||
        strcmp(PQgetvalue(res, 0, 1), "deficiencies") == 0;
    bool reviewer = strcmp(role, "reviewer") == 0;
    PQclear(res);
    if (!write && allowed == 0)
        return DOC_ALLOWED; /* it exists: its public documents are anyone's */
    if (*role == '\0')
        return DOC_NO_OWNER;
    if (!write)
        return (allowed & (reviewer ? (ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN) : ACCESS_VOTER)) != 0
            ? DOC_ALLOWED
            : DOC_NO_OWNER;
    if (reviewer || (allowed & ACCESS_VOTER) == 0)
        return DOC_FORBIDDEN;
    return open ? DOC_ALLOWED : DOC_CLOSED;
}

static enum document_access nominations_check(const struct user *u, unsigned allowed, long id,
                                              bool write, enum db_status *st)
{
    return nomination_check("nominations", u, allowed, id, write, st);
}

static enum document_access candidacies_check(const struct user *u, unsigned allowed, long id,
                                              bool write, enum db_status *st)
{
    return nomination_check("candidacies", u, allowed, id, write, st);
}

/*
 * A complaint's attachments are the complainant's, added until it is decided
 * and read by them and by the reviewers of the commissions it has been
 * before; its decision and a court's ruling are public, added by a reviewer
 * acting on it now (its commission's, or the CEC's for a ruling).  To
 * anyone else the private ones are as absent as none.
 */
static enum document_access complaint_check(const struct user *u, unsigned allowed, long id,
                                            bool write, enum db_status *st)
{
    PGresult *res = NULL;
    char role[16];
    enum document_access a =
        access_row(DOC_COMPLAINT_OWNER, NULL, id, u, &res, role, sizeof(role), st);
    if (a != DOC_ALLOWED)
        return a;
    bool decided = strcmp(PQgetvalue(res, 0, 1), "decided") == 0;
    bool acting = PQgetvalue(res, 0, 2)[0] == 't';
    PQclear(res);
    unsigned have = u != NULL ? u->access & allowed : 0;
    if (!write) {
        if (allowed == 0)
            return DOC_ALLOWED; /* it exists: its public documents are anyone's */
        if (strcmp(role, "complainant") == 0)
            return (have & ACCESS_VOTER) != 0 ? DOC_ALLOWED : DOC_NO_OWNER;
        return strcmp(role, "reviewer") == 0 && (have & ACCESS_COMPLAINTS) != 0 ? DOC_ALLOWED
                                                                                : DOC_NO_OWNER;
    }
    if ((allowed & ACCESS_COMPLAINTS) != 0)
        return acting && (have & ACCESS_COMPLAINTS) != 0 ? DOC_ALLOWED
            : *role != '\0'                              ? DOC_FORBIDDEN
                                                         : DOC_NO_OWNER;
    if (strcmp(role, "complainant") != 0)
        return *role != '\0' ? DOC_FORBIDDEN : DOC_NO_OWNER;
    return decided ? DOC_CLOSED : DOC_ALLOWED;
}

enum {
    OWNER_COUNTS,
    OWNER_APPLICATIONS,
    OWNER_NOMINATIONS,
    OWNER_CANDIDACIES,
    OWNER_COMPLAINTS,
    OWNER__MAX
};

const struct document_owner document_owners[OWNER__MAX] = {
    [OWNER_COUNTS] = {"counts", 1, 999999999999L, count_check},
    [OWNER_APPLICATIONS] = {"applications", 1, 999999999999L, application_check},
    [OWNER_NOMINATIONS] = {"nominations", 1, 999999999999L, nominations_check},
    [OWNER_CANDIDACIES] = {"candidacies", 1, 999999999999L, candidacies_check},
    [OWNER_COMPLAINTS] = {"complaints", 1, 999999999999L, complaint_check},
};
const size_t document_nowners = OWNER__MAX;

#define STATION_SCAN(kind_name, kind_types)                                                        \
    {                                                                                              \
        .name = kind_name, .owner = &document_owners[OWNER_COUNTS], .types = kind_types,           \
        .max_size = 20 * MB, .visibility = DOC_PUBLIC,                                             \
        .uploaders = ACCESS_SECRETARY | ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN, .readers = 0,         \
    }

#define PACKAGE(owner_index, kind_name, kind_types, megabytes)                                     \
    {                                                                                              \
        .name = kind_name, .owner = &document_owners[owner_index], .types = kind_types,            \
        .max_size = (megabytes)*MB, .visibility = DOC_PRIVATE, .uploaders = ACCESS_VOTER,          \
        .readers = ACCESS_VOTER | ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN,                             \
    }

const struct document_kind document_kinds[] = {
    /* The scans of a station's count the CEC publishes (DOMAIN.md): the ASU's printed reports... */
    STATION_SCAN("asu_initial_report", FILE_PDF | FILE_JPEG | FILE_PNG),
    STATION_SCAN("asu_final_report", FILE_PDF | FILE_JPEG | FILE_PNG),
    /* ...the identification device's first and final reports, multi-page documents: PDF only... */
    STATION_SCAN("identification_first_report", FILE_PDF),
    STATION_SCAN("identification_final_report", FILE_PDF),
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
    /* A nomination's package: the party's documents (stored private; the program is published at registration)... */
    PACKAGE(OWNER_NOMINATIONS, "congress_decision", FILE_PDF, 20),
    PACKAGE(OWNER_NOMINATIONS, "party_program", FILE_PDF, 20),
    PACKAGE(OWNER_NOMINATIONS, "deposit_proof", FILE_PDF | FILE_JPEG | FILE_PNG, 5),
    /* ...and each candidate's (biography, photo and program published at registration). */
    PACKAGE(OWNER_CANDIDACIES, "nomination_decision", FILE_PDF, 10),
    PACKAGE(OWNER_CANDIDACIES, "self_nomination_statement", FILE_PDF | FILE_JPEG | FILE_PNG, 5),
    PACKAGE(OWNER_CANDIDACIES, "biography", FILE_PDF, 10),
    PACKAGE(OWNER_CANDIDACIES, "photo", FILE_JPEG | FILE_PNG, 5),
    PACKAGE(OWNER_CANDIDACIES, "program", FILE_PDF, 20),
    PACKAGE(OWNER_CANDIDACIES, "passport_copy", FILE_PDF | FILE_JPEG | FILE_PNG, 5),
    PACKAGE(OWNER_CANDIDACIES, "work_certificate", FILE_PDF | FILE_JPEG | FILE_PNG, 5),
    PACKAGE(OWNER_CANDIDACIES, "citizenship_statement", FILE_PDF | FILE_JPEG | FILE_PNG, 5),
    PACKAGE(OWNER_CANDIDACIES, "criminal_record_info", FILE_PDF | FILE_JPEG | FILE_PNG, 5),
    PACKAGE(OWNER_CANDIDACIES, "personal_data_consent", FILE_PDF | FILE_JPEG | FILE_PNG, 5),
    PACKAGE(OWNER_CANDIDACIES, "diploma", FILE_PDF | FILE_JPEG | FILE_PNG, 10),
    /* A complaint's attachment (private: it may name the complainant)... */
    {.name = "attachment",
     .owner = &document_owners[OWNER_COMPLAINTS],
     .types = FILE_PDF | FILE_JPEG | FILE_PNG,
     .max_size = 10 * MB,
     .visibility = DOC_PRIVATE,
     .uploaders = ACCESS_VOTER,
     .readers = ACCESS_VOTER | ACCESS_COMPLAINTS},
    /* ...the commission's decision, scanned, and a court's ruling: public. */
    {.name = "decision",
     .owner = &document_owners[OWNER_COMPLAINTS],
     .types = FILE_PDF | FILE_JPEG | FILE_PNG,
     .max_size = 20 * MB,
     .visibility = DOC_PUBLIC,
     .uploaders = ACCESS_COMPLAINTS},
    {.name = "court_ruling",
     .owner = &document_owners[OWNER_COMPLAINTS],
     .types = FILE_PDF | FILE_JPEG | FILE_PNG,
     .max_size = 20 * MB,
     .visibility = DOC_PUBLIC,
     .uploaders = ACCESS_COMPLAINTS},
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
