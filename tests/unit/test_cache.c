#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/cache.h"

static void stores_and_finds(void **state)
{
    (void)state;
    struct cache *c = cache_create(8);
    size_t len = 0;
    assert_null(cache_get(c, "a", -1, &len));
    cache_put(c, "a", "alpha", 5);
    const char *v = cache_get(c, "a", -1, &len);
    assert_non_null(v);
    assert_int_equal(len, 5);
    assert_string_equal(v, "alpha"); /* NUL-terminated */
    cache_put(c, "a", "beta", 4); /* replaced, not added */
    assert_string_equal(cache_get(c, "a", 1000, &len), "beta");
    /* A struct comes back aligned (the session cache keeps claims). */
    struct {
        long long x;
        double y;
    } s = {42, 1.5}, *back;
    cache_put(c, "struct", &s, sizeof(s));
    back = (void *)cache_get(c, "struct", -1, &len);
    assert_int_equal(len, sizeof(s));
    assert_int_equal((uintptr_t)back % _Alignof(long long), 0);
    assert_int_equal(back->x, 42);
    /* Empty values are values. */
    cache_put(c, "empty", "", 0);
    assert_non_null(cache_get(c, "empty", -1, &len));
    assert_int_equal(len, 0);
    cache_destroy(c);
}

static void ages_and_evicts(void **state)
{
    (void)state;
    struct cache *c = cache_create(4);
    size_t len;
    cache_put(c, "old", "x", 1);
    usleep(30000);
    assert_null(cache_get(c, "old", 10, &len)); /* too old for 10 ms */
    assert_non_null(cache_get(c, "old", 1000, &len));
    /* Many keys in few slots: every key is found right after it is put. */
    char key[16];
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        cache_put(c, key, key, strlen(key));
        assert_string_equal(cache_get(c, key, -1, &len), key);
    }
    int kept = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        kept += cache_get(c, key, -1, &len) != NULL;
    }
    assert_true(kept <= 4);
    assert_null(cache_get(NULL, "a", -1, &len)); /* no cache: nothing, no crash */
    cache_put(NULL, "a", "b", 1);
    cache_destroy(c);
}

static void disabled(void **state)
{
    (void)state;
    struct cache *c = cache_create(4);
    size_t len;
    cache_put(c, "a", "b", 1);
    cache_disable();
    assert_null(cache_get(c, "a", -1, &len));
    cache_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stores_and_finds),
        cmocka_unit_test(ages_and_evicts),
        cmocka_unit_test(disabled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
