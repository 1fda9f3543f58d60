#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "core/route.h"
#include "fake_request.h"

static int called;
static void h_list(struct http_request *req)
{
    (void)req;
    called = 1;
}
static void h_one(struct http_request *req)
{
    (void)req;
    called = 2;
}
static void h_post(struct http_request *req)
{
    (void)req;
    called = 3;
}
static long seen_id, seen_n, seen_page;
static const char *seen_q;
static void h_typed(struct http_request *req)
{
    called = 4;
    seen_id = http_arg(req, "id")->i;
    seen_n = http_arg(req, "n")->i;
    seen_page = http_arg(req, "page")->i;
    seen_q = http_arg_text(req, "q");
}
static void h_silent(struct http_request *req)
{
    (void)req;
    called = 5;
}
static void h_private(struct http_request *req)
{
    called = 6;
    http_json(req, 200, "{}", 2, CACHE_NONE);
}

static unsigned guard_saw;
static int guard(struct http_request *req, unsigned access)
{
    guard_saw = access;
    if (http_header(req, "Authorization") == NULL) {
        http_error(req, 401, "unauthenticated", "sign in", NULL);
        return -1;
    }
    return 0;
}

static const struct route routes[] = {
    {"GET", "/api/v1/stations", h_list, 0},
    {"GET", "/api/v1/stations/{number}", h_one, 0, .path = {{"number", FIELD_TEXT, 0, 10}}},
    {"POST", "/api/v1/stations", h_post, 0},
    {"GET", "/api/v1/elections/{id}/districts/{n}", h_typed, 0,
     .path = {{"id", FIELD_INT, 1, 999999}, {"n", FIELD_INT, 1, 36, .code = "bad_district"}},
     .query = {{"q", FIELD_TEXT, 0, 20},
               {"page", FIELD_INT, 1, 100, .def = "1"},
               {"must", FIELD_INT, 0, 9}}},
    {"GET", "/api/v1/needs", h_list, 0, .query = {{"x", FIELD_INT, 0, 9, .required = true}}},
    {"GET", "/silent", h_silent, 0},
    {"GET", "/private", h_private, 4},
};
static const struct route_table table = {routes, sizeof(routes) / sizeof(routes[0])};

static struct pool *pool;

static int run(const char *method, const char *path, struct http_request *req, struct fake *f)
{
    called = 0;
    fake_init(req, f, pool, method, path);
    route_dispatch(&table, 1, req);
    return called;
}

static void matches(void **state)
{
    (void)state;
    struct http_request req;
    struct fake f;
    pool = pool_create();
    assert_int_equal(run("GET", "/api/v1/stations", &req, &f), 1);
    assert_int_equal(run("HEAD", "/api/v1/stations", &req, &f), 1);
    assert_int_equal(run("POST", "/api/v1/stations", &req, &f), 3);
    assert_int_equal(run("GET", "/api/v1/stations/1001", &req, &f), 2);
    assert_string_equal(http_path_param(&req, "number"), "1001");
    assert_null(http_path_param(&req, "other"));
    assert_int_equal(run("GET", "/api/v1/elections/7/districts/12", &req, &f), 4);
    assert_string_equal(http_path_param(&req, "id"), "7");
    assert_string_equal(http_path_param(&req, "n"), "12");
    /* The handler reads checked values; an absent field with a default has it. */
    assert_int_equal(seen_id, 7);
    assert_int_equal(seen_n, 12);
    assert_int_equal(seen_page, 1);
    assert_null(seen_q);
    pool_destroy(pool);
}

/* Every declared field is checked before the handler runs. */
static void validated_at_the_door(void **state)
{
    (void)state;
    struct http_request req;
    struct fake f;
    pool = pool_create();
    static const char qs[] = "q=abc&page=3";
    fake_init(&req, &f, pool, "GET", "/api/v1/elections/7/districts/12");
    char *q = pool_strdup(pool, qs);
    const char *err;
    assert_int_equal(http_parse_query(&req, q, &err), 0);
    called = 0;
    route_dispatch(&table, 1, &req);
    assert_int_equal(called, 4);
    assert_int_equal(seen_page, 3);
    assert_string_equal(seen_q, "abc");

    assert_int_equal(run("GET", "/api/v1/elections/x/districts/1", &req, &f), 0);
    assert_int_equal(req.status, 400);
    assert_non_null(strstr(fake_body(&f), "\"invalid_parameter\""));
    assert_non_null(strstr(fake_body(&f), "\"field\":\"id\""));
    assert_int_equal(run("GET", "/api/v1/elections/1/districts/37", &req, &f), 0);
    assert_int_equal(req.status, 400);
    assert_non_null(strstr(fake_body(&f), "\"bad_district\"")); /* the field's own code */

    /* Unknown or bad query fields, and a required one missing. */
    static const char *const bad[] = {"other=1", "page=0", "page=1&page=2",
                                      "q="
                                      "123456789012345678901"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fake_init(&req, &f, pool, "GET", "/api/v1/elections/7/districts/12");
        assert_int_equal(http_parse_query(&req, pool_strdup(pool, bad[i]), &err), 0);
        called = 0;
        route_dispatch(&table, 1, &req);
        assert_int_equal(called, 0);
        assert_int_equal(req.status, 400);
    }
    assert_int_equal(run("GET", "/api/v1/needs", &req, &f), 0);
    assert_int_equal(req.status, 400);
    assert_non_null(strstr(fake_body(&f), "\"missing_parameter\""));
    pool_destroy(pool);
}

static void tables_checked(void **state)
{
    (void)state;
    char why[200];
    assert_int_equal(route_check(&table, 1, why, sizeof(why)), 0);
    static const struct route undeclared[] = {{"GET", "/a/{x}", h_list, 0}};
    static const struct route renamed[] = {
        {"GET", "/a/{x}", h_list, 0, .path = {{"y", FIELD_INT, 0, 1}}}};
    static const struct route extra[] = {
        {"GET", "/a", h_list, 0, .path = {{"y", FIELD_INT, 0, 1}}}};
    static const struct route bad_default[] = {
        {"GET", "/a", h_list, 0, .query = {{"p", FIELD_INT, 1, 9, .def = "10"}}}};
    static const struct route twice[] = {{"GET", "/a", h_list, 0}, {"GET", "/a", h_one, 0}};
    static const struct route no_handler[] = {{"GET", "/a", NULL, 0}};
    const struct route_table bad[] = {{undeclared, 1},  {renamed, 1}, {extra, 1},
                                      {bad_default, 1}, {twice, 2},   {no_handler, 1}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why[0] = '\0';
        assert_int_equal(route_check(&bad[i], 1, why, sizeof(why)), -1);
        assert_non_null(strstr(why, "/a"));
    }
}

static void not_found_and_not_allowed(void **state)
{
    (void)state;
    struct http_request req;
    struct fake f;
    pool = pool_create();
    assert_int_equal(run("GET", "/api/v1/stations/", &req, &f), 0); /* empty segment */
    assert_int_equal(req.status, 404);
    assert_non_null(strstr(fake_body(&f), "\"not_found\""));
    assert_int_equal(run("GET", "/api/v1/stations/1/x", &req, &f), 0);
    assert_int_equal(req.status, 404);
    assert_int_equal(run("GET", "/api/v1/stationsX", &req, &f), 0);
    assert_int_equal(req.status, 404);

    assert_int_equal(run("DELETE", "/api/v1/stations", &req, &f), 0);
    assert_int_equal(req.status, 405);
    assert_non_null(strstr(f.out, "Allow: GET, HEAD, POST\r\n"));
    assert_non_null(strstr(fake_body(&f), "\"method_not_allowed\""));
    assert_int_equal(run("PUT", "/api/v1/stations/5", &req, &f), 0);
    assert_int_equal(req.status, 405);

    /* A handler that forgets to answer still gives the client an answer. */
    assert_int_equal(run("GET", "/silent", &req, &f), 5);
    assert_int_equal(req.status, 500);
    pool_destroy(pool);
}

static void guarded(void **state)
{
    (void)state;
    struct http_request req;
    struct fake f;
    pool = pool_create();
    /* No guard set: closed. */
    assert_int_equal(run("GET", "/private", &req, &f), 0);
    assert_int_equal(req.status, 403);
    route_set_guard(guard);
    assert_int_equal(run("GET", "/private", &req, &f), 0);
    assert_int_equal(req.status, 401);
    assert_int_equal(guard_saw, 4);
    const char *env[] = {"HTTP_AUTHORIZATION", "yes", NULL};
    called = 0;
    fake_init(&req, &f, pool, "GET", "/private");
    f.env = env;
    route_dispatch(&table, 1, &req);
    assert_int_equal(called, 6);
    assert_int_equal(req.status, 200);
    /* Public routes never ask the guard. */
    guard_saw = 0;
    assert_int_equal(run("GET", "/api/v1/stations", &req, &f), 1);
    assert_int_equal(guard_saw, 0);
    route_set_guard(NULL);
    pool_destroy(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches),        cmocka_unit_test(not_found_and_not_allowed),
        cmocka_unit_test(guarded),        cmocka_unit_test(validated_at_the_door),
        cmocka_unit_test(tables_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
