/*
 * The document store's pure parts (core/files.c: identification, the PDF
 * page counter, storing once) and the kinds' table (api/document_kinds.c),
 * kept in step with the schema (sql/migrations/019_documents.sql) and
 * nginx's upload limit (nginx/shailoo.conf.in).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/documents.h"
#include "core/files.h"

static long pages(const char *pdf)
{
    return files_pdf_pages((const unsigned char *)pdf, strlen(pdf));
}

#define PDF_HEAD "%PDF-1.4\n"
#define CATALOG "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
#define PAGES(kids, n) "2 0 obj\n<< /Type /Pages /Kids [" kids "] /Count " n " >>\nendobj\n"
#define PAGE(n) n " 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n"

static void pdf_pages(void **state)
{
    (void)state;
    assert_int_equal(pages(PDF_HEAD CATALOG PAGES("3 0 R", "1") PAGE("3") "%%EOF\n"), 1);
    assert_int_equal(
        pages(PDF_HEAD CATALOG PAGES("3 0 R 4 0 R 5 0 R", "3") PAGE("3") PAGE("4") PAGE("5")), 3);
    /* No space between the name and its value; other white space. */
    assert_int_equal(
        pages(PDF_HEAD "7 0 obj<</Type/Page>>endobj\r\n8 0 obj\r<<\t/Type\r\n/Page\f>>endobj"), 2);
    /* An incremental update rewriting page 3 counts it once. */
    assert_int_equal(
        pages(PDF_HEAD CATALOG PAGES("3 0 R 4 0 R", "2") PAGE("3") PAGE("4") PAGE("3")), 2);
    /* /Pages, /PageLabels, /Type /Pagex are not pages. */
    assert_int_equal(
        pages(PDF_HEAD CATALOG PAGES("", "0") "9 0 obj << /Type /PageLabels >> endobj\n"
                                              "10 0 obj << /Type /Pagex >> endobj\n"),
        0);
    /* "/Type /Page" inside a stream is data, not a page. */
    assert_int_equal(
        pages(PDF_HEAD PAGE("3") "6 0 obj\n<< /Length 30 >>\nstream\n/Type /Page /Type /Page\n"
                                 "endstream\nendobj\n"),
        1);
    /* Outside any object (a comment-like trailer), or with no object header: not counted. */
    assert_int_equal(pages(PDF_HEAD "<< /Type /Page >>"), 0);
    assert_int_equal(pages("/Type /Page"), 0);
    assert_int_equal(pages(""), 0);
    /* A stream that never ends, cut at the end of the data. */
    assert_int_equal(pages(PDF_HEAD PAGE("3") "4 0 obj << >> stream\nxx /Type /Page"), 1);
    assert_int_equal(pages(PDF_HEAD "3 0 obj << /Type /Page"), 1);
}

static void types(void **state)
{
    (void)state;
    assert_string_equal(files_type_mime(FILE_PDF), "application/pdf");
    assert_string_equal(files_type_ext(FILE_JPEG), "jpg");
    assert_string_equal(files_type_ext(FILE_PNG), "png");
    assert_null(files_type_mime(FILE_OTHER));
    assert_int_equal(files_type_of_mime("image/png"), FILE_PNG);
    assert_int_equal(files_type_of_mime("text/html"), FILE_OTHER);
    assert_int_equal(files_type_of_mime(NULL), FILE_OTHER);
}

/* Writes data to a new file in dir; returns its path (static buffer). */
static const char *put(const char *dir, const char *name, const void *data, size_t len)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

static void identify_one(const char *dir, const char *name, const void *data, size_t len,
                         enum file_type want, long want_pages)
{
    struct file_upload u;
    assert_int_equal(files_open(&u, put(dir, name, data, len)), 0);
    assert_int_equal(u.size, len);
    assert_int_equal(files_identify(&u), 0);
    assert_int_equal(u.type, want);
    assert_int_equal(u.pages, want_pages);
    assert_int_equal(strlen(u.sha256), 64);
    files_close(&u);
}

static const unsigned char png[] = {
    0x89, 'P',  'N',  'G',  '\r', '\n', 0x1A, '\n', 0,    0,    0,   13,  'I',  'H',  'D',  'R',  0,
    0,    0,    1,    0,    0,    0,    1,    8,    6,    0,    0,   0,   0x1F, 0x15, 0xC4, 0x89, 0,
    0,    0,    13,   'I',  'D',  'A',  'T',  0x78, 0x9C, 0x63, 0,   1,   0,    0,    5,    0,    1,
    0x0D, 0x0A, 0x2D, 0xB4, 0,    0,    0,    0,    'I',  'E',  'N', 'D', 0xAE, 0x42, 0x60, 0x82,
};
static const unsigned char jpeg[] = {
    0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9,
};

static void identify(void **state)
{
    (void)state;
    char dir[] = "/tmp/shailoo-files-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char pdf[] = PDF_HEAD CATALOG PAGES("3 0 R 4 0 R", "2") PAGE("3")
        PAGE("4") "trailer\n<< /Root 1 0 R >>\n%%EOF\n";
    identify_one(dir, "a.pdf", pdf, sizeof(pdf) - 1, FILE_PDF, 2);
    identify_one(dir, "a.png", png, sizeof(png), FILE_PNG, 0);
    identify_one(dir, "a.jpg", jpeg, sizeof(jpeg), FILE_JPEG, 0);
    /* The name says nothing: a PNG named .pdf is a PNG, HTML named .pdf is neither. */
    identify_one(dir, "png.pdf", png, sizeof(png), FILE_PNG, 0);
    const char html[] = "<!DOCTYPE html>\n<html><body>%PDF-1.4</body></html>\n";
    identify_one(dir, "b.pdf", html, sizeof(html) - 1, FILE_OTHER, 0);
    /* "%PDF-" later in the file is not a PDF. */
    const char late[] = "\n\n%PDF-1.4\n" PAGE("3");
    identify_one(dir, "c.pdf", late, sizeof(late) - 1, FILE_OTHER, 0);

    struct file_upload u;
    assert_int_equal(files_open(&u, put(dir, "hello", "hello\n", 6)), 0);
    assert_int_equal(files_identify(&u), 0);
    assert_string_equal(u.sha256,
                        "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
    files_close(&u);
    /* Empty: nothing to identify. */
    assert_int_equal(files_open(&u, put(dir, "empty", "", 0)), 0);
    assert_int_equal(u.size, 0);
    assert_int_equal(files_identify(&u), -1);
    files_close(&u);
    assert_int_equal(files_open(&u, "/nonexistent/x"), -1);
    assert_int_equal(files_open(&u, dir), -1); /* not a regular file */
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void store_once(void **state)
{
    (void)state;
    char dir[] = "/tmp/shailoo-store-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char root[600], rel[96], path[800];
    snprintf(root, sizeof(root), "%s/files", dir);
    assert_int_equal(mkdir(root, 0750), 0);
    struct file_upload u;
    assert_int_equal(files_open(&u, put(dir, "a.png", png, sizeof(png))), 0);
    assert_int_equal(files_identify(&u), 0);
    bool existed = true;
    assert_int_equal(files_store(&u, root, &existed), 0);
    assert_false(existed);
    files_relative_path(u.sha256, rel, sizeof(rel));
    assert_int_equal(strncmp(rel, u.sha256, 2), 0);
    assert_int_equal(rel[2], '/');
    assert_int_equal(strncmp(rel + 3, u.sha256 + 2, 2), 0);
    assert_string_equal(rel + 6, u.sha256);
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    struct stat st, st2;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, sizeof(png));
    /* Again: found, not written again; no temporary file left. */
    assert_int_equal(files_store(&u, root, &existed), 0);
    assert_true(existed);
    assert_int_equal(stat(path, &st2), 0);
    assert_int_equal(st.st_ino, st2.st_ino);
    snprintf(path, sizeof(path), "%s/%.5s", root, rel);
    DIR *d = opendir(path);
    assert_non_null(d);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0))
            entries++;
    closedir(d);
    assert_int_equal(entries, 1);
    files_close(&u);
    char cmd[700];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* The whole text of a file of the repository (the tests run from its root). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void kinds_table(void **state)
{
    (void)state;
    /* The latest migration that says which owners the schema takes. */
    const char *schema = slurp("sql/migrations/028_protocols.sql");
    char quoted[64];
    for (size_t i = 0; i < document_nowners; i++) {
        const struct document_owner *o = &document_owners[i];
        assert_ptr_equal(documents_owner(o->name), o);
        assert_non_null(o->check);
        assert_true(o->id_min >= 1 && o->id_min <= o->id_max);
        snprintf(quoted, sizeof(quoted), "'%s'", o->name);
        assert_non_null(strstr(schema, quoted)); /* the schema's CHECK names every owner */
    }
    for (size_t i = 0; i < document_nkinds; i++) {
        const struct document_kind *k = &document_kinds[i];
        assert_true(k->owner >= document_owners && k->owner < document_owners + document_nowners);
        assert_ptr_equal(documents_kind(k->owner, k->name), k); /* names unique per owner */
        assert_true(strlen(k->name) <= 48 &&
                    strspn(k->name, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(k->name));
        assert_true(k->name[0] >= 'a' && k->name[0] <= 'z');
        assert_true(k->types != 0 &&
                    (k->types & ~(unsigned)(FILE_PDF | FILE_JPEG | FILE_PNG)) == 0);
        assert_true(k->max_size > 0 && k->max_size <= (size_t)DOCUMENTS_MAX_SIZE);
        assert_true(k->uploaders != 0);
        /* Talapker's kinds are all in the package's table (which needs which), and no other. */
        if (strcmp(k->owner->name, "nominations") == 0 ||
            strcmp(k->owner->name, "candidacies") == 0) {
            static char package[1 << 16];
            snprintf(package, sizeof(package), "%s",
                     slurp("sql/functions/022_talapker_review.sql"));
            char pair[128];
            snprintf(pair, sizeof(pair), "('%s', '%s',", k->owner->name, k->name);
            assert_non_null(strstr(package, pair));
        }
        assert_true(k->visibility == DOC_PUBLIC ? k->readers == 0 : k->readers != 0);
    }
    /* nginx takes the largest kind's file. */
    const char *conf = slurp("nginx/shailoo.conf.in");
    snprintf(quoted, sizeof(quoted), "client_max_body_size %ldm;",
             DOCUMENTS_MAX_SIZE / (1024 * 1024));
    const char *loc = strstr(conf, "location ^~ /api/v1/documents/");
    assert_non_null(loc);
    assert_non_null(strstr(loc, quoted));

    const struct document_owner *stations = documents_owner("counts"); /* a station's count */
    const struct document_owner *applications = documents_owner("applications");
    assert_non_null(stations);
    assert_non_null(applications);
    assert_null(documents_owner("voters"));
    assert_null(documents_owner("stations")); /* scans belong to a station's count in an election */
    assert_null(documents_owner(NULL));
    assert_non_null(documents_kind(stations, "asu_final_report"));
    assert_null(
        documents_kind(applications, "asu_final_report")); /* a kind the owner does not take */
    assert_null(documents_kind(stations, "supporting_document"));
    assert_null(documents_kind(stations, NULL));
    assert_int_equal(documents_kind(stations, "identification_final_report")->types, FILE_PDF);
    assert_false(documents_owner_private(stations));
    assert_true(documents_owner_private(applications));
    assert_true((documents_owner_readers(applications) & ACCESS_OPERATOR) != 0);
    assert_int_equal(documents_owner_readers(stations), 0);
    char text[64];
    documents_types_text(FILE_PDF | FILE_PNG, text, sizeof(text));
    assert_string_equal(text, "PDF, PNG");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pdf_pages),  cmocka_unit_test(types),       cmocka_unit_test(identify),
        cmocka_unit_test(store_once), cmocka_unit_test(kinds_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
