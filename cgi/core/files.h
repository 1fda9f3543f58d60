#ifndef SHAILOO_FILES_H
#define SHAILOO_FILES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The document store, content-agnostic: an uploaded file (a request body
 * nginx wrote to disk) is identified by its content (libmagic, and our own
 * check of the signature), hashed (SHA-256), a PDF's pages counted, and
 * stored once under its hash: ROOT/ab/cd/<sha256>, written through a
 * temporary file and a rename, so a file there is always whole.  Who may
 * upload or read what is the API's business (cgi/api/documents.h).
 */

/* The types we store, as bits (a kind's allowed types are a set). */
enum file_type {
    FILE_OTHER = 0,
    FILE_PDF = 1 << 0,
    FILE_JPEG = 1 << 1,
    FILE_PNG = 1 << 2,
};

/* "application/pdf", "image/jpeg", "image/png"; NULL for FILE_OTHER. */
const char *files_type_mime(enum file_type t);
/* "pdf", "jpg", "png"; NULL for FILE_OTHER. */
const char *files_type_ext(enum file_type t);
/* The type of a MIME type ("application/pdf"...), FILE_OTHER for any other. */
enum file_type files_type_of_mime(const char *mime);

/*
 * The pages of a PDF, counted without a PDF library: the distinct objects
 * ("N G obj") whose dictionary says /Type /Page (not /Pages), outside
 * streams, so an incremental update that rewrites a page counts it once.
 * 0 when none is found (e.g. the pages are inside compressed object
 * streams): the caller records the count as unknown.  Pure.
 */
long files_pdf_pages(const unsigned char *data, size_t len);

/* "ab/cd/<sha256>" of a 64-hex hash into out (at least 71 bytes). */
void files_relative_path(const char *sha256, char *out, size_t size);

/* An upload in hand: the file nginx wrote, mapped read-only. */
struct file_upload {
    int fd;
    size_t size;
    const unsigned char *data; /* mapped (size > 0), or NULL */
    enum file_type type; /* after files_identify */
    char mime[96]; /* what libmagic said, e.g. "text/html" */
    char sha256[65];
    long pages; /* a PDF's pages, 0 if unknown or not a PDF */
};

/* Opens path and reads its size (u->size; nothing mapped yet).  0, or -1 (errno). */
int files_open(struct file_upload *u, const char *path);
/*
 * Maps the file and fills type, mime, sha256 and pages.  0, or -1 if the
 * file cannot be read or libmagic cannot start (logged by the caller).
 * The type is FILE_OTHER unless libmagic and the file's first bytes agree.
 */
int files_identify(struct file_upload *u);
/*
 * Stores the identified upload under root (ROOT/ab/cd/<sha256>) unless a
 * file with that hash is there already (*existed: true).  0, or -1 (errno).
 */
int files_store(const struct file_upload *u, const char *root, bool *existed);
/* Unmaps and closes (the file nginx wrote is nginx's to remove). */
void files_close(struct file_upload *u);

#endif
