#ifndef SHAILOO_DOCUMENTS_H
#define SHAILOO_DOCUMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/db.h"
#include "../core/files.h"
#include "api.h"

/*
 * The owners of documents and the kinds each takes (api/document_kinds.c),
 * served by api/documents.c through the store of core/files.h.  A part
 * that takes documents (Talapker's candidates, complaints, protocols) adds
 * an owner row with its access check and a row per kind; nothing else.
 */

enum document_visibility { DOC_PUBLIC, DOC_PRIVATE };

/* An owner's answer to "may this person do this to this owner?". */
enum document_access {
    DOC_ALLOWED,
    DOC_NO_OWNER, /* no such owner, or one the person may not know of: 404 */
    DOC_FORBIDDEN, /* another commission's, or a role that may not: 403 */
    DOC_CLOSED, /* the owner takes no more documents (a decided application): 409 */
    DOC_DB_FAILED, /* *st says why */
};

struct document_kind;

struct document_owner {
    const char *name; /* in URLs and the database: "stations" */
    long id_min, id_max; /* the owner's numbers (the schema's CHECK) */
    /*
     * May u (NULL: nobody signed in) act on owner id, holding one of the
     * roles in allowed (a kind's uploaders, or readers of its private
     * documents)?  write: an upload or replacement.  Reading public
     * documents asks with u NULL and allowed 0: does the owner exist?
     */
    enum document_access (*check)(const struct user *u, unsigned allowed, long id, bool write,
                                  enum db_status *st);
};

struct document_kind {
    const char *name; /* "asu_final_report" */
    const struct document_owner *owner;
    unsigned types; /* enum file_type bits */
    size_t max_size; /* bytes; nginx's limit is DOCUMENTS_MAX_SIZE */
    enum document_visibility visibility;
    unsigned uploaders; /* ACCESS_* bits, then the owner's check */
    unsigned readers; /* of a private kind: ACCESS_* bits, then the owner's check */
};

/* The largest kind's size: nginx's client_max_body_size of the upload location (20m). */
#define DOCUMENTS_MAX_SIZE (20L * 1024 * 1024)

extern const struct document_owner document_owners[];
extern const size_t document_nowners;
extern const struct document_kind document_kinds[];
extern const size_t document_nkinds;

/* The owner named name, or NULL. */
const struct document_owner *documents_owner(const char *name);
/* Kind name of owner, or NULL (an unknown kind, or one this owner does not take). */
const struct document_kind *documents_kind(const struct document_owner *owner, const char *name);
/* True if any kind of the owner is private. */
bool documents_owner_private(const struct document_owner *owner);
/* The ACCESS_* bits that may read any private kind of the owner. */
unsigned documents_owner_readers(const struct document_owner *owner);
/* "pdf, jpeg, png": the types a kind takes, for a refusal's message. */
void documents_types_text(unsigned types, char *out, size_t size);

#endif
