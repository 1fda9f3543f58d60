#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "core/route.h"
#include "fake_request.h"

static int called;
static void h_list(struct http_request *req) { (void)req; called = 1; }
static void h_one(struct http_request *req) { (void)req; called = 2; }
static void h_post(struct http_request *req) { (void)req; called = 3; }
static void h_typed(struct http_request *req) { (void)req; called = 4; }
static void h_silent(struct http_request *req) { (void)req; called = 5; }
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
    {"GET", "/api/v1/stations/{number}", h_one, 0},
    {"POST", "/api/v1/stations", h_post, 0},
    {"GET", "/api/v1/elections/{id:int}/districts/{n:int}", h_typed, 0},
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
    pool_destroy(pool);
}

static void not_found_and_not_allowed(void **state)
{
    (void)state;
    struct http_request req;
    struct fake f;
    pool = pool_create();
    assert_int_equal(run("GET", "/api/v1/stations/", &req, &f), 0);        /* empty segment */
    assert_int_equal(req.status, 404);
    assert_non_null(strstr(fake_body(&f), "\"not_found\""));
    assert_int_equal(run("GET", "/api/v1/stations/1/x", &req, &f), 0);
    assert_int_equal(req.status, 404);
    assert_int_equal(run("GET", "/api/v1/stationsX", &req, &f), 0);
    assert_int_equal(req.status, 404);
    assert_int_equal(run("GET", "/api/v1/elections/x/districts/1", &req, &f), 0);  /* typed */
    assert_int_equal(req.status, 404);
    assert_int_equal(run("GET", "/api/v1/elections/1234567890/districts/1", &req, &f), 0);
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
        cmocka_unit_test(matches),
        cmocka_unit_test(not_found_and_not_allowed),
        cmocka_unit_test(guarded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
