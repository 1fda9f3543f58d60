/*
 * Documents: upload (the request body, which nginx wrote to a file), an
 * owner's list, a document's record, its file (through nginx's
 * X-Accel-Redirect, after the owner's check for a private one), and a
 * replacement (a new version; the old one stays).  The owners and kinds are
 * in api/document_kinds.c; the store in core/files.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/log.h"
#include "documents.h"

/* One document version's JSON (d: a row of documents). */
#define DOCUMENT_JSON_SQL                                                                               \
    "json_build_object('id', d.id, 'owner', json_build_object('type', d.owner_type, 'id', d.owner_id)," \
    "  'kind', d.kind, 'visibility', d.visibility, 'content_type', d.content_type, 'size', d.size,"     \
    "  'pages', d.pages, 'sha256', d.sha256, 'version', d.version, 'replaces', d.replaces,"             \
    "  'replaced_by', (SELECT n.id FROM documents n WHERE n.replaces = d.id),"                          \
    "  'uploaded_at', d.uploaded_at, 'file', '/api/v1/documents/' || d.id || '/file')"

enum { DOC_ROW, DOC_JSON, DOC_LIST, DOC_LOCK, DOC_INSERT, DOCUMENTS__MAX };

static const struct db_statement statements[DOCUMENTS__MAX] = {
    [DOC_ROW] = {"doc_row",
                 "SELECT owner_type, owner_id, kind, visibility, sha256, content_type, version"
                 "  FROM documents WHERE id = $1::bigint"},
    [DOC_JSON] = {"doc_json",
                  "SELECT json_build_object('document', " DOCUMENT_JSON_SQL
                  ")::text FROM documents d"
                  " WHERE d.id = $1::bigint"},
    [DOC_LIST] =
        {"doc_list",
         "SELECT json_build_object('owner', json_build_object('type', $1::text, 'id', $2::bigint),"
         "  'items', coalesce(json_agg(" DOCUMENT_JSON_SQL " ORDER BY d.kind, d.id), '[]'))::text"
         "  FROM documents d"
         " WHERE d.owner_type = $1 AND d.owner_id = $2::bigint"
         "   AND NOT EXISTS (SELECT 1 FROM documents n WHERE n.replaces = d.id)"
         "   AND (d.visibility = 'public' OR $3::boolean)"},
    /* The version replaced, locked: is it still the latest? */
    [DOC_LOCK] = {"doc_lock",
                  "SELECT d.version, (SELECT n.id FROM documents n WHERE n.replaces = d.id)"
                  "  FROM documents d WHERE d.id = $1::bigint FOR UPDATE"},
    [DOC_INSERT] =
        {"doc_insert",
         "SELECT document_add($1, $2::bigint, $3, $4, $5, $6::bigint, $7, $8::integer, $9,"
         "                    $10::bigint, $11::integer)"},
};

/* Where the files are: SHAILOO_FILES_DIR (var/files); nginx serves it as /.files/. */
static const char *files_root(void)
{
    static const char *root;
    if (root == NULL) {
        root = getenv("SHAILOO_FILES_DIR");
        if (root == NULL || *root == '\0')
            root = "var/files";
    }
    return root;
}

/* ---- answers ---------------------------------------------------------------- */

/* The answer to an owner's refusal (enum document_access), in one place. */
static const struct {
    int status;
    const char *code, *message, *field;
} refusals[] = {
    [DOC_NO_OWNER] = {404, "owner_not_found",
                      "there is no such owner of documents (or it is not yours)", "owner_id"},
    [DOC_FORBIDDEN] = {403, "outside_scope", "your role does not allow this for this owner", NULL},
    [DOC_CLOSED] = {409, "owner_closed", "this owner takes no more documents (it has been decided)",
                    NULL},
};

/* 0 if allowed; else answered (refusal, or the database's failure) and -1. */
static int answer_access(struct http_request *req, enum document_access a, enum db_status st)
{
    if (a == DOC_ALLOWED)
        return 0;
    if (a == DOC_DB_FAILED)
        api_db_failure(req, st);
    else
        http_error(req, refusals[a].status, refusals[a].code, refusals[a].message,
                   refusals[a].field);
    return -1;
}

/* ---- input ------------------------------------------------------------------- */

struct owner_ref {
    const struct document_owner *owner;
    char id[24];
    long id_value;
};

/* {owner}/{owner_id} of the path. */
static int parse_owner(struct http_request *req, struct owner_ref *o)
{
    o->owner = documents_owner(http_arg_text(req, "owner"));
    if (o->owner == NULL) {
        http_error(req, 404, "unknown_owner", "documents belong to stations or applications",
                   "owner");
        return -1;
    }
    /* Each owner's own numbers (the schema's CHECK), within the route's declared bounds. */
    long v = http_arg(req, "owner_id")->i;
    if (v < o->owner->id_min || v > o->owner->id_max) {
        http_error(req, 400, "invalid_parameter", "\"owner_id\" is out of range", "owner_id");
        return -1;
    }
    o->id_value = v;
    snprintf(o->id, sizeof(o->id), "%ld", v);
    return 0;
}

/* {kind} of the path: one the owner takes. */
static int parse_kind(struct http_request *req, const struct owner_ref *o,
                      const struct document_kind **k)
{
    *k = documents_kind(o->owner, http_arg_text(req, "kind"));
    if (*k == NULL) {
        http_error(req, 404, "kind_not_accepted", "this owner takes no documents of this kind",
                   "kind");
        return -1;
    }
    return 0;
}

/* {id} of the path: a document (version) number, checked at the door. */
static const char *parse_document_id(struct http_request *req)
{
    return http_arg_text(req, "id");
}

/*
 * The upload's body: not empty, within the kind's size, identified by its
 * content as a type the kind takes (the name and Content-Type are never
 * asked).  0 with u open; else answered, u closed, and -1.
 */
static int parse_upload(struct http_request *req, const struct document_kind *k,
                        struct file_upload *u)
{
    char types[64], msg[256];
    memset(u, 0, sizeof(*u));
    u->fd = -1;
    if (req->body_file == NULL) {
        http_error(req, 400, "empty_file", "the file is empty: send it as the request body", NULL);
        return -1;
    }
    if (files_open(u, req->body_file) < 0) {
        log_error(req->request_id, "cannot open the uploaded body: %s", strerror(errno));
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
        return -1;
    }
    documents_types_text(k->types, types, sizeof(types));
    if (u->size == 0) {
        files_close(u);
        http_error(req, 400, "empty_file", "the file is empty: send it as the request body", NULL);
        return -1;
    }
    if (u->size > k->max_size) {
        files_close(u);
        snprintf(msg, sizeof(msg), "a %s is at most %zu bytes", k->name, k->max_size);
        http_error(req, 413, "file_too_large", msg, NULL);
        return -1;
    }
    if (files_identify(u) < 0) {
        files_close(u);
        log_error(req->request_id, "cannot identify the uploaded file (libmagic or mmap)");
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
        return -1;
    }
    if (u->type == FILE_OTHER || (u->type & k->types) == 0) {
        snprintf(msg, sizeof(msg), "by its content the file is %s; a %s is %s", u->mime, k->name,
                 types);
        files_close(u);
        http_error(req, 415, u->type == FILE_OTHER ? "unsupported_type" : "type_not_allowed", msg,
                   NULL);
        return -1;
    }
    return 0;
}

/* ---- reading ----------------------------------------------------------------- */

struct document_row {
    const struct document_owner *owner;
    const struct document_kind *kind;
    long owner_id;
    bool public_;
    char sha256[65];
    enum file_type type;
    long version;
};

/*
 * Document id, readable by this request: a public one by anyone, a private
 * one by whom its owner allows (then signed in).  0 with *d; else answered
 * (404 for a document the person may not know of) and -1.
 */
static int readable_document(struct http_request *req, const char *id, struct document_row *d)
{
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[DOC_ROW], 1, (const char *const[]){id}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return -1;
    }
    if (PQntuples(res) == 1) {
        d->owner = documents_owner(PQgetvalue(res, 0, 0));
        d->owner_id = strtol(PQgetvalue(res, 0, 1), NULL, 10);
        d->kind = d->owner != NULL ? documents_kind(d->owner, PQgetvalue(res, 0, 2)) : NULL;
        d->public_ = strcmp(PQgetvalue(res, 0, 3), "public") == 0;
        snprintf(d->sha256, sizeof(d->sha256), "%s", PQgetvalue(res, 0, 4));
        d->type = files_type_of_mime(PQgetvalue(res, 0, 5));
        d->version = strtol(PQgetvalue(res, 0, 6), NULL, 10);
    }
    bool found = PQntuples(res) == 1 && d->kind != NULL && d->type != FILE_OTHER;
    PQclear(res);
    if (found && d->public_)
        return 0;
    if (found) {
        if (req->user == NULL && auth_guard(req, ACCESS_SIGNED_IN) < 0)
            return -1;
        enum document_access a =
            d->owner->check(req->user, d->kind->readers, d->owner_id, false, &st);
        if (a == DOC_DB_FAILED) {
            api_db_failure(req, st);
            return -1;
        }
        if (a == DOC_ALLOWED)
            return 0;
    }
    http_error(req, 404, "document_not_found", "there is no such document (or it is not yours)",
               NULL);
    return -1;
}

static void document_get(struct http_request *req)
{
    struct document_row d;
    const char *id = parse_document_id(req);
    if (id == NULL || readable_document(req, id, &d) < 0)
        return;
    api_send_query(req, &statements[DOC_JSON], 1, (const char *const[]){id}, CACHE_NONE,
                   "document_not_found", "there is no such document");
}

/*
 * The file, sent by nginx from the store (X-Accel-Redirect to the internal
 * /.files/ of nginx/shailoo.conf.in, which sets the type by the name's
 * extension and the ETag; this answer's Cache-Control and
 * Content-Disposition pass through).
 */
static void file_get(struct http_request *req)
{
    struct document_row d;
    const char *id = parse_document_id(req);
    if (id == NULL || readable_document(req, id, &d) < 0)
        return;
    const char *cache = d.public_ ? "public, max-age=31536000, immutable" : "private, no-store";
    char etag[72], rel[96];
    snprintf(etag, sizeof(etag), "\"%s\"", d.sha256);
    http_add_header(req, "ETag: %s", etag);
    const char *inm = http_header(req, "If-None-Match");
    if (inm != NULL && strstr(inm, etag) != NULL) {
        http_send(req, 304, files_type_mime(d.type), cache, "", 0);
        return;
    }
    /* A name of our own making, ASCII: the kind, the owner, the version. */
    char name[160];
    snprintf(name, sizeof(name), "%s-%s-%ld-v%ld.%s", d.kind->name, d.owner->name, d.owner_id,
             d.version, files_type_ext(d.type));
    files_relative_path(d.sha256, rel, sizeof(rel));
    http_add_header(req, "X-Accel-Redirect: /.files/%s/%s", rel, name);
    http_add_header(req, "Content-Disposition: inline; filename=\"%s\"", name);
    http_send(req, 200, files_type_mime(d.type), cache, "", 0);
}

static void list_get(struct http_request *req)
{
    struct owner_ref o;
    if (parse_owner(req, &o) < 0)
        return;
    enum db_status st = DB_OK;
    bool private_ = documents_owner_private(o.owner);
    if (private_ && auth_guard(req, ACCESS_SIGNED_IN) < 0)
        return;
    enum document_access a = private_
        ? o.owner->check(req->user, documents_owner_readers(o.owner), o.id_value, false, &st)
        : o.owner->check(NULL, 0, o.id_value, false, &st);
    if (answer_access(req, a, st) < 0)
        return;
    const char *params[] = {o.owner->name, o.id, private_ ? "true" : "false"};
    api_send_query(req, &statements[DOC_LIST], 3, params, CACHE_NONE, "owner_not_found",
                   "no such owner");
}

/* ---- writing ----------------------------------------------------------------- */

/*
 * Stores the upload and records it (as a new version of replaces, when
 * not NULL), in one transaction; answers 201 with the record.
 */
static void record_upload(struct http_request *req, const struct document_kind *k,
                          const struct owner_ref *o, const char *replaces)
{
    struct file_upload u;
    if (parse_upload(req, k, &u) < 0)
        return;
    const struct user *user = req->user;
    bool existed;
    PGresult *res = NULL;
    enum db_status st = DB_OK;
    char size[24], pages[24], version[24] = "1", id[24];
    if (files_store(&u, files_root(), &existed) < 0) {
        log_error(req->request_id, "cannot store a file in %s: %s", files_root(), strerror(errno));
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
        goto out;
    }
    snprintf(size, sizeof(size), "%zu", u.size);
    snprintf(pages, sizeof(pages), "%ld", u.pages);
    if ((st = db_begin()) != DB_OK)
        goto failed;
    if (replaces != NULL) {
        if ((st = db_exec(&statements[DOC_LOCK], 1, (const char *const[]){replaces}, &res)) !=
            DB_OK)
            goto failed;
        if (PQntuples(res) != 1 || !PQgetisnull(res, 0, 1)) {
            db_rollback();
            http_error(req, 409, "not_current",
                       "this version has been replaced: replace the latest version", NULL);
            goto out;
        }
        snprintf(version, sizeof(version), "%ld", strtol(PQgetvalue(res, 0, 0), NULL, 10) + 1);
        PQclear(res);
        res = NULL;
    }
    const char *ip[] = {o->owner->name,
                        o->id,
                        k->name,
                        k->visibility == DOC_PUBLIC ? "public" : "private",
                        u.sha256,
                        size,
                        files_type_mime(u.type),
                        u.pages > 0 ? pages : NULL,
                        user->pin,
                        replaces,
                        version};
    st = db_exec(&statements[DOC_INSERT], 11, ip, &res);
    if (st == DB_FAILED && strcmp(db_sqlstate(), "23505") == 0) {
        /* Two replacements of one version at once: the unique key keeps one. */
        db_rollback();
        http_error(req, 409, "not_current",
                   "this version has been replaced: replace the latest version", NULL);
        goto out;
    }
    if (st != DB_OK)
        goto failed;
    snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    res = NULL;
    char location[64];
    snprintf(location, sizeof(location), "/api/v1/documents/%s", id);
    if ((st = api_created(req, &statements[DOC_JSON], 1, (const char *const[]){id}, location)) !=
        DB_OK)
        goto failed;
    goto out;
failed:
    PQclear(res);
    res = NULL;
    db_rollback();
    api_db_failure(req, st);
out:
    PQclear(res);
    files_close(&u);
}

/* POST /api/v1/documents/{owner}/{owner_id}/{kind}: the body is the file. */
static void upload_post(struct http_request *req)
{
    struct owner_ref o;
    const struct document_kind *k;
    enum db_status st = DB_OK;
    if (parse_owner(req, &o) < 0 || parse_kind(req, &o, &k) < 0)
        return;
    if (answer_access(req, o.owner->check(req->user, k->uploaders, o.id_value, true, &st), st) < 0)
        return;
    record_upload(req, k, &o, NULL);
}

/* POST /api/v1/documents/{id}/versions: the body is the new version's file. */
static void replace_post(struct http_request *req)
{
    struct document_row d;
    const char *id = parse_document_id(req);
    if (id == NULL || readable_document(req, id, &d) < 0)
        return;
    enum db_status st = DB_OK;
    enum document_access a = d.owner->check(req->user, d.kind->uploaders, d.owner_id, true, &st);
    if (answer_access(req, a, st) < 0)
        return;
    struct owner_ref o = {.owner = d.owner, .id_value = d.owner_id};
    snprintf(o.id, sizeof(o.id), "%ld", d.owner_id);
    record_upload(req, d.kind, &o, id);
}

#define DOCUMENT_ID                                                                                \
    {                                                                                              \
        "id", FIELD_INT, 1, BIG_ID_MAX, .about = "a document (version) number"                     \
    }
#define OWNER_FIELDS                                                                               \
    {"owner", FIELD_TEXT, 0, 32, .about = "stations, applications, nominations or candidacies"},   \
    {                                                                                              \
        "owner_id", FIELD_INT, 1, BIG_ID_MAX, .about = "the owner's number"                        \
    }

/* The document (version) routes first: /{id}/file is not an owner's list. */
static const struct route routes[] = {
    {"GET", "/api/v1/documents/{id}", document_get, .path = {DOCUMENT_ID},
     .summary = "A document version's record (a private one only to those its owner allows)"},
    {"GET", "/api/v1/documents/{id}/file", file_get, .path = {DOCUMENT_ID},
     .answer = "application/octet-stream",
     .summary = "The file itself, through nginx (X-Accel-Redirect; ETag = its SHA-256)"},
    {"POST", "/api/v1/documents/{id}/versions", replace_post, ACCESS_SIGNED_IN,
     .path = {DOCUMENT_ID}, .body = "application/octet-stream",
     .summary = "Replace a document: a new version, the old one stays"},
    {"GET", "/api/v1/documents/{owner}/{owner_id}", list_get, .path = {OWNER_FIELDS},
     .summary =
         "An owner's documents, latest versions (private ones only to those the owner allows)"},
    {"POST", "/api/v1/documents/{owner}/{owner_id}/{kind}", upload_post, ACCESS_SIGNED_IN,
     .path = {OWNER_FIELDS, {"kind", FIELD_TEXT, 0, 64, .about = "a kind the owner takes"}},
     .body = "application/octet-stream",
     .summary =
         "Upload a document: the request body is the file (PDF, JPEG or PNG by its content)"},
};

const struct api_module documents_module = {"documents", routes,         NELEM(routes),
                                            statements,  DOCUMENTS__MAX, NULL};
