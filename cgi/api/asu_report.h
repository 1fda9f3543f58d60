#ifndef SHAILOO_ASU_REPORT_H
#define SHAILOO_ASU_REPORT_H

#include <stdbool.h>

#include "../core/json.h"
#include "../core/jws.h"
#include "../rules/protocol.h"

/*
 * An ASU report's parts, without I/O (so the fuzz harness links them): the
 * signed payload's JSON into the rules' struct, the protected header, and
 * the answer to each of asu_accept()'s verdicts.  Used by api/asu.c.
 */

/*
 * The array o.key of a final count's contests (the ASU's final, the manual
 * protocol) into r->contests: 0, or -1 with *f naming the member at fault.
 */
int asu_report_read_contests(struct json_object *o, const char *key, struct protocol_report *r,
                             struct json_fault *f);

/* The payload o into *r: 0, or -1 with *f naming the member at fault. */
int asu_report_parse(struct json_object *o, struct protocol_report *r, struct json_fault *f);

/*
 * The protected header {"alg":"ES256","kid":"<20 digits>"} (and optionally
 * "typ"): the kid copied into kid (at least 21 bytes) and true, or false
 * when the header is not of that shape; *alg_ok says whether alg is ES256.
 */
bool asu_report_header(const struct jws *j, char *kid, bool *alg_ok);

/* What an asu_accept() verdict ({"status": ...}) is answered with. */
struct asu_verdict {
    const char *status; /* asu_accept's word */
    int http; /* 200/201: the verdict itself is the body */
    const char *code, *message, *field;
};

/* The verdict of status, or NULL for a word asu_accept never says (our bug). */
const struct asu_verdict *asu_verdict_find(const char *status);

#endif
