/* The X-Road identifiers and headers our provider checks at the door (cgi/ext/tunduk.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "ext/tunduk.h"

static void subsystems(void **state)
{
    (void)state;
    assert_true(tunduk_subsystem_valid("central-server/GOV/70000050/demo-agency"));
    assert_true(tunduk_subsystem_valid("central-server/COM/1/a'(b)+,-.=?"));
    assert_false(tunduk_subsystem_valid(NULL));
    assert_false(tunduk_subsystem_valid(""));
    assert_false(
        tunduk_subsystem_valid("central-server/GOV/70000050")); /* a member, not a subsystem */
    assert_false(tunduk_subsystem_valid("central-server/GOV/70000050/a/b")); /* a service */
    assert_false(tunduk_subsystem_valid("central-server/GOV//a"));
    assert_false(tunduk_subsystem_valid("/GOV/70000050/a"));
    assert_false(tunduk_subsystem_valid("central-server/GOV/70000050/a b"));
    assert_false(tunduk_subsystem_valid("central-server/GOV/70000050/a\r\nX: y"));
    assert_false(tunduk_subsystem_valid("central-server/GOV/70000050/агентство"));
}

static void uuids(void **state)
{
    (void)state;
    assert_true(tunduk_uuid_valid("6f1c1a9e-2b7d-4d7e-9a51-0c2b2f3e4a5b"));
    assert_true(tunduk_uuid_valid("6F1C1A9E-2B7D-4D7E-9A51-0C2B2F3E4A5B"));
    assert_false(tunduk_uuid_valid(NULL));
    assert_false(tunduk_uuid_valid(""));
    assert_false(tunduk_uuid_valid("6f1c1a9e-2b7d-4d7e-9a51-0c2b2f3e4a5"));
    assert_false(tunduk_uuid_valid("6f1c1a9e-2b7d-4d7e-9a51-0c2b2f3e4a5b0"));
    assert_false(tunduk_uuid_valid("6f1c1a9e2b7d-4d7e-9a51-0c2b2f3e4a5b-"));
    assert_false(tunduk_uuid_valid("6f1c1a9g-2b7d-4d7e-9a51-0c2b2f3e4a5b"));
    assert_false(tunduk_uuid_valid("{f1c1a9e-2b7d-4d7e-9a51-0c2b2f3e4a5}"));
    char made[40];
    tunduk_uuid(made);
    assert_true(tunduk_uuid_valid(made));
}

static void texts(void **state)
{
    (void)state;
    char longest[257];
    memset(longest, 'u', 255);
    longest[255] = '\0';
    assert_true(tunduk_text_valid("EE12345678901"));
    assert_true(tunduk_text_valid("case 42 (appeal)"));
    assert_true(tunduk_text_valid(longest));
    longest[255] = 'u';
    longest[256] = '\0';
    assert_false(tunduk_text_valid(longest));
    assert_false(tunduk_text_valid(NULL));
    assert_false(tunduk_text_valid(""));
    assert_false(tunduk_text_valid("a\tb"));
    assert_false(tunduk_text_valid("a\x7f"));
    assert_false(tunduk_text_valid("Иванов"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subsystems),
        cmocka_unit_test(uuids),
        cmocka_unit_test(texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
