#ifndef SHAILOO_TALAPKER_H
#define SHAILOO_TALAPKER_H

#include "api.h"

/*
 * The checks of a nomination's candidates through Tunduk (api/talapker_review.c):
 * for each candidate not withdrawn, the population register (identity, age,
 * address), the registers of convictions and of citizenship, and the
 * disability register where a disability is claimed; every answer recorded
 * as a check with its call as evidence (candidacy_checks, tunduk_calls), the
 * run in the nomination's history by role ("rep", "commission"...).  A
 * register that does not answer gives "unavailable" checks, to be run again.
 * Outside any transaction.  0, or a database failure (not answered).
 */
enum db_status talapker_run_checks(struct http_request *req, const char *nomination,
                                   const char *role);

#endif
