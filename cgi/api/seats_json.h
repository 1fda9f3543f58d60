#ifndef SHAILOO_SEATS_JSON_H
#define SHAILOO_SEATS_JSON_H

#include <stdbool.h>

#include <json-c/json.h>

/*
 * Seat allocation in JSON: a contest's votes in the format of
 * tests/seats/README.md become the plain structs of rules/seats.h, and the
 * rules' result becomes JSON.  Shared by bin/shailoo-seats and the results
 * API, so that the official allocation and anyone's check run the same code.
 */

/* What is wrong with the input. */
struct seats_json_error {
    const char *code; /* snake_case */
    char field[384]; /* "parties[1].votes", or "" */
    char message[256];
    bool ours; /* out of memory: our failure, not the input's */
};

/* Fills *err (code, field, message) and returns -1. */
__attribute__((format(printf, 4, 5))) int seats_json_refuse(struct seats_json_error *err,
                                                            const char *code, const char *field,
                                                            const char *fmt, ...);

/*
 * Allocates the contest input describes (borrowed for the call): a list
 * contest, or a district when it has a "district" member.  Returns a new
 * result object the caller puts, or NULL with *err filled.
 */
struct json_object *seats_json_allocate(struct json_object *input, struct seats_json_error *err);

/*
 * The answer of /seats for one contest (the API's and the verifier's):
 * {"outcome":"awaiting_results"} when no station has reported (stations:
 * its {"reported":n}, NULL: some), the allocation, or {"error":{code,
 * message}} when the input cannot be allocated yet.  A new object the
 * caller puts.
 */
struct json_object *seats_json_answer(struct json_object *input, struct json_object *stations);

#endif
