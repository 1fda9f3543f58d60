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

static const struct route routes[] = {
    {"GET", "/api/v1/stations", h_list},
    {"GET", "/api/v1/stations/{number}", h_one},
    {"POST", "/api/v1/stations", h_post},
    {"GET", "/api/v1/elections/{id:int}/districts/{n:int}", h_typed},
    {"GET", "/silent", h_silent},
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches),
        cmocka_unit_test(not_found_and_not_allowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
