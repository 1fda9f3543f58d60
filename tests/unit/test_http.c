#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "fake_request.h"

static struct pool *pool;

static int setup(void **state)
{
    (void)state;
    pool = pool_create();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pool_destroy(pool);
    return 0;
}

static void url_decode(void **state)
{
    (void)state;
    char a[] = "a%20b+c%2Bd";
    assert_int_equal(http_url_decode(a, true), 0);
    assert_string_equal(a, "a b c+d");
    char b[] = "a+b";
    assert_int_equal(http_url_decode(b, false), 0);
    assert_string_equal(b, "a+b");
    char c[] = "%D0%B0";
    assert_int_equal(http_url_decode(c, true), 0);
    assert_string_equal(c, "\xd0\xb0");
    char bad1[] = "%zz", bad2[] = "%4", bad3[] = "%00", bad4[] = "abc%";
    assert_int_equal(http_url_decode(bad1, true), -1);
    assert_int_equal(http_url_decode(bad2, true), -1);
    assert_int_equal(http_url_decode(bad3, true), -1);
    assert_int_equal(http_url_decode(bad4, true), -1);
}

static void mask_digit_runs(void **state)
{
    (void)state;
    char out[128];
    http_mask_digit_runs("/api/v1/tizme/voters/21505199000011", out, sizeof(out));
    assert_string_equal(out, "/api/v1/tizme/voters/**************");
    /* Short numbers stay: station 1001, election 202701, a 9-digit run. */
    http_mask_digit_runs("/s/1001?e=202701&n=123456789", out, sizeof(out));
    assert_string_equal(out, "/s/1001?e=202701&n=123456789");
    /* %-escaped digits are digits: the same PIN once decoded. */
    http_mask_digit_runs("pin=%32%31%35%30%35%31%39%39%30%30%30%30%31%31&x", out, sizeof(out));
    assert_string_equal(out, "pin=**************&x");
    http_mask_digit_runs("2%3150519%39000011/%2F1", out, sizeof(out));
    assert_string_equal(out, "**************/%2F1");
    /* Every run, control bytes as '?'. */
    http_mask_digit_runs("a1234567890b12345678901\n", out, sizeof(out));
    assert_string_equal(out, "a**********b***********?");
    /* Cut short: never the first digits of a long run. */
    http_mask_digit_runs("ab21505199000011", out, 6);
    assert_string_equal(out, "ab***");
}

static void utf8(void **state)
{
    (void)state;
    assert_true(http_utf8_valid("", 0));
    assert_true(http_utf8_valid("abc", 3));
    assert_true(http_utf8_valid("\xd0\x91\xd0\xb8\xd1\x88", 6)); /* Биш */
    assert_true(http_utf8_valid("\xd2\xae", 2)); /* Ү */
    assert_true(http_utf8_valid("\xf0\x9f\x98\x80", 4)); /* emoji */
    assert_false(http_utf8_valid("\xff", 1));
    assert_false(http_utf8_valid("\xc0\xaf", 2)); /* overlong / */
    assert_false(http_utf8_valid("\xe0\x80\xaf", 3)); /* overlong */
    assert_false(http_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    assert_false(http_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(http_utf8_valid("\xd0", 1)); /* truncated */
    assert_false(http_utf8_valid("\xd0\x41", 2)); /* bad continuation */
    assert_int_equal(http_utf8_length("\xd0\x91\xd0\xb8x"), 3);
}

static void utf8_prefix(void **state)
{
    (void)state;
    const char *b = "\xd0\x91\xd0\xb8\xd1\x88"; /* Биш: 2+2+2 bytes */
    assert_int_equal(http_utf8_prefix(b, 6), 6);
    assert_int_equal(http_utf8_prefix(b, 100), 6);
    assert_int_equal(http_utf8_prefix(b, 5), 4); /* not half of ш */
    assert_int_equal(http_utf8_prefix(b, 4), 4);
    assert_int_equal(http_utf8_prefix(b, 1), 0);
    assert_int_equal(http_utf8_prefix(b, 0), 0);
    assert_int_equal(http_utf8_prefix("abc", 2), 2);
    assert_int_equal(http_utf8_prefix("", 5), 0);
    const char *e = "a\xf0\x9f\x98\x80"
                    "b"; /* a😀b */
    for (size_t n = 1; n <= 4; n++)
        assert_int_equal(http_utf8_prefix(e, n), 1);
    assert_int_equal(http_utf8_prefix(e, 5), 5);
    assert_int_equal(http_utf8_prefix(e, 6), 6);
    assert_int_equal(http_utf8_prefix("x\xe2\x82\xac", 3), 1); /* x€ cut in the € */
    /* Every prefix it allows of valid text is valid text. */
    const char *mix = "\xd0\x96"
                      "a\xe2\x82\xac\xf0\x9f\x98\x80\xd2\xae";
    for (size_t n = 0; n <= strlen(mix) + 1; n++)
        assert_true(http_utf8_valid(mix, http_utf8_prefix(mix, n)));
    char cut[] = "ab\xd0\x96\xe2\x82"; /* snprintf cut the € */
    assert_string_equal(http_utf8_trim(cut), "ab\xd0\x96");
}

/* A parameter name of many-byte characters is cut whole in the message: the body stays JSON. */
static void unknown_parameter_message(void **state)
{
    (void)state;
    struct http_request req;
    struct fake f;
    fake_init(&req, &f, pool, "GET", "/");
    char name[200] = "", qs[700] = "";
    for (int i = 0; i < 50; i++) { /* "aЖЖЖ...": the 64th byte is half a Ж */
        strcat(name, i == 0 ? "a\xd0\x96" : "\xd0\x96");
        strcat(qs, i == 0 ? "a%D0%96" : "%D0%96");
    }
    strcat(qs, "=1");
    const char *err = NULL;
    assert_int_equal(http_parse_query(&req, qs, &err), 0);
    assert_int_equal(http_fields_parse(&req, NULL, 0, NULL), -1);
    assert_int_equal(req.status, 400);
    const char *body = fake_body(&f);
    assert_true(http_utf8_valid(body, strlen(body)));
    char want[200];
    snprintf(want, sizeof(want), "unknown query parameter \\\"%.63s\\\"", name);
    assert_non_null(strstr(body, want));
    struct json_object *o = json_tokener_parse(body);
    assert_non_null(o);
    json_object_put(o);
}

static void query_parse(void **state)
{
    (void)state;
    struct http_request req;
    struct fake f;
    const char *err = NULL;
    fake_init(&req, &f, pool, "GET", "/");
    assert_int_equal(http_parse_query(&req, "q=%D0%B0+b&region=3&flag", &err), 0);
    assert_int_equal(req.nquery, 3);
    assert_string_equal(req.query[0].name, "q");
    assert_string_equal(req.query[0].value, "\xd0\xb0 b");
    assert_string_equal(req.query[1].value, "3");
    assert_string_equal(req.query[2].name, "flag");
    assert_string_equal(req.query[2].value, "");

    assert_int_equal(http_parse_query(&req, "q=%ff", &err), -1);
    assert_non_null(strstr(err, "UTF-8"));
    assert_int_equal(http_parse_query(&req, "q=%zz", &err), -1);
    assert_int_equal(http_parse_query(&req, "q=%00", &err), -1);

    char many[4 * (HTTP_MAX_PARAMS + 1) + 1] = "";
    for (int i = 0; i <= HTTP_MAX_PARAMS; i++)
        strcat(many, "a=1&");
    assert_int_equal(http_parse_query(&req, many, &err), -1);

    char longq[HTTP_MAX_QUERY + 10];
    memset(longq, 'a', sizeof(longq) - 1);
    longq[sizeof(longq) - 1] = '\0';
    assert_int_equal(http_parse_query(&req, longq, &err), -1);
    assert_int_equal(http_parse_query(&req, "", &err), 0);
    assert_int_equal(req.nquery, 0);
}

enum { F_Q, F_N, F_PIN, F__MAX };
static const struct field spec[F__MAX] = {
    [F_Q] = {"q", FIELD_TEXT, 0, 5},
    [F_N] = {"n", FIELD_INT, 1, 36},
    [F_PIN] = {"pin", FIELD_DIGITS, 14, 14},
};

static int parse(const char *qs, struct field_value *v, struct fake *f)
{
    struct http_request req;
    const char *err;
    fake_init(&req, f, pool, "GET", "/");
    assert_int_equal(http_parse_query(&req, qs, &err), 0);
    int rc = http_fields_parse(&req, spec, F__MAX, v);
    if (rc < 0) {
        assert_true(req.sent);
        assert_int_equal(req.status, 400);
    }
    return rc;
}

static void fields(void **state)
{
    (void)state;
    struct field_value v[F__MAX];
    struct fake f;
    assert_int_equal(parse("q=%D0%B0%D0%B1&n=36&pin=21505199000011", v, &f), 0);
    assert_true(v[F_Q].present);
    assert_string_equal(v[F_Q].s, "\xd0\xb0\xd0\xb1");
    assert_int_equal(v[F_N].i, 36);
    assert_true(v[F_PIN].present);

    assert_int_equal(parse("", v, &f), 0);
    assert_false(v[F_Q].present);
    assert_int_equal(parse("n=", v, &f), 0); /* empty = absent */
    assert_false(v[F_N].present);

    assert_int_equal(parse("x=1", v, &f), -1);
    assert_non_null(strstr(fake_body(&f), "\"unknown_parameter\""));
    /* A PIN sent as a name is not echoed back. */
    assert_int_equal(parse("21505199000011=1", v, &f), -1);
    assert_null(strstr(fake_body(&f), "21505199000011"));
    assert_non_null(strstr(fake_body(&f), "\"field\":\"**************\""));
    assert_int_equal(parse("n=1&n=2", v, &f), -1);
    assert_non_null(strstr(fake_body(&f), "\"repeated_parameter\""));
    assert_int_equal(parse("n=37", v, &f), -1);
    assert_non_null(strstr(fake_body(&f), "\"field\":\"n\""));
    assert_int_equal(parse("n=0", v, &f), -1);
    assert_int_equal(parse("n=-1", v, &f), -1);
    assert_int_equal(parse("n=1e3", v, &f), -1);
    assert_int_equal(parse("n=99999999999999999999999", v, &f), -1);
    assert_int_equal(parse("n=%201", v, &f), -1);
    assert_int_equal(parse("q=abcdef", v, &f), -1); /* 6 > 5 characters */
    assert_int_equal(parse("q=%D0%B0%D0%B1%D0%B2%D0%B3%D0%B4", v, &f),
                     0); /* 5 characters, 10 bytes */
    assert_int_equal(parse("q=a%0Ab", v, &f), -1); /* control character */
    assert_int_equal(parse("pin=2150519900001", v, &f), -1);
    assert_int_equal(parse("pin=2150519900001x", v, &f), -1);
}

static void error_format(void **state)
{
    (void)state;
    struct http_request req;
    struct fake f;
    fake_init(&req, &f, pool, "GET", "/");
    http_error(&req, 404, "not_found", "no \"such\" thing", "x");
    assert_non_null(strstr(f.out, "Status: 404 Not Found\r\n"));
    assert_non_null(strstr(f.out, "Content-Type: application/json"));
    assert_non_null(strstr(f.out, "X-Content-Type-Options: nosniff"));
    assert_string_equal(fake_body(&f),
                        "{\"error\":{\"code\":\"not_found\",\"message\":\"no \\\"such\\\" thing\","
                        "\"field\":\"x\"}}");
    /* A second answer is ignored. */
    http_error(&req, 500, "internal", "x", NULL);
    assert_int_equal(req.status, 404);
}

static void etag_and_304(void **state)
{
    (void)state;
    struct http_request req;
    struct fake f;
    char etag[20], header[64];
    const char *body = "{\"a\":1}";
    http_etag(body, strlen(body), etag);
    assert_int_equal(strlen(etag), 18);

    fake_init(&req, &f, pool, "GET", "/");
    http_json(&req, 200, body, strlen(body), CACHE_LONG);
    assert_int_equal(req.status, 200);
    assert_non_null(strstr(f.out, etag));
    assert_non_null(strstr(f.out, "Cache-Control: public, max-age=300"));
    assert_string_equal(fake_body(&f), body);

    snprintf(header, sizeof(header), "\"x\", W/%s", etag);
    const char *env[] = {"HTTP_IF_NONE_MATCH", header, NULL};
    fake_init(&req, &f, pool, "GET", "/");
    f.env = env;
    http_json(&req, 200, body, strlen(body), CACHE_SHORT);
    assert_int_equal(req.status, 304);
    assert_string_equal(fake_body(&f), "");

    const char *env2[] = {"HTTP_IF_NONE_MATCH", "\"0000000000000000\"", NULL};
    fake_init(&req, &f, pool, "GET", "/");
    f.env = env2;
    http_json(&req, 200, body, strlen(body), CACHE_SHORT);
    assert_int_equal(req.status, 200);

    /* Personal answers carry no ETag and are never stored. */
    fake_init(&req, &f, pool, "GET", "/");
    http_json(&req, 200, body, strlen(body), CACHE_NONE);
    assert_null(strstr(f.out, "ETag"));
    assert_non_null(strstr(f.out, "Cache-Control: no-store"));

    /* HEAD: headers only. */
    fake_init(&req, &f, pool, "HEAD", "/");
    req.head = true;
    http_json(&req, 200, body, strlen(body), CACHE_LONG);
    assert_string_equal(fake_body(&f), "");
    assert_non_null(strstr(f.out, "Content-Length: 7"));
}

static void cookies(void **state)
{
    (void)state;
    struct http_request req;
    struct fake f;
    const char *env[] = {"HTTP_COOKIE", "a=1; sid=abc.def; sidx=no; q=\"quoted\"; bad=a\\b", NULL};
    fake_init(&req, &f, pool, "GET", "/");
    f.env = env;
    assert_string_equal(http_cookie(&req, "a"), "1");
    assert_string_equal(http_cookie(&req, "sid"), "abc.def");
    assert_string_equal(http_cookie(&req, "sidx"), "no");
    assert_string_equal(http_cookie(&req, "q"), "quoted");
    assert_null(http_cookie(&req, "bad"));
    assert_null(http_cookie(&req, "si"));
    assert_null(http_cookie(&req, "none"));
    fake_init(&req, &f, pool, "GET", "/");
    assert_null(http_cookie(&req, "a")); /* no Cookie header */
}

static void pool_many(void **state)
{
    (void)state;
    struct pool *p = pool_create();
    for (int i = 0; i < 10000; i++) {
        char *s = pool_alloc(p, (size_t)(i % 300) + 1);
        memset(s, 'x', (size_t)(i % 300) + 1);
    }
    char *big = pool_alloc(p, 100000);
    memset(big, 0, 100000);
    pool_reset(p);
    assert_string_equal(pool_strdup(p, "abc"), "abc");
    pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(url_decode),
        cmocka_unit_test(mask_digit_runs),
        cmocka_unit_test(utf8),
        cmocka_unit_test(utf8_prefix),
        cmocka_unit_test(unknown_parameter_message),
        cmocka_unit_test(query_parse),
        cmocka_unit_test(fields),
        cmocka_unit_test(error_format),
        cmocka_unit_test(etag_and_304),
        cmocka_unit_test(cookies),
        cmocka_unit_test(pool_many),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
