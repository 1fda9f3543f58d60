/*
 * shailoo-asu: the ASU devices of the demo election, on election night.
 *
 *   shailoo-asu keys --election ID --keys FILE [--keep OLD] < stations
 *       One EC P-256 key pair per station number read from stdin (one a
 *       line).  Writes FILE (mode 600): "device_id station key" a line, the
 *       key the body of its PKCS#8 PEM; stations of OLD that are not on stdin
 *       keep their line.  Prints the public keys on stdout as COPY text rows
 *       of asu_devices (device_id, election_id, station_number, public_key,
 *       registered_by 'demo').  scripts/instance.sh runs it at setup.
 *
 *   shailoo-asu night [options]
 *       Every device's day, signed (ES256, cgi/core/jws.c) and sent to
 *       POST /api/v1/asu/reports: the opening (seq 1, the box empty), the
 *       turnout at each of the election's hours (10, 12, 14, 16, 18), then
 *       the final count (list contest and the station's district, abroad the
 *       list only).  Openings and turnouts go as fast as --concurrency lets
 *       them, in the order of the day; the finals follow the arrival curve of
 *       2021 (84% between 20:00 and 21:00, the rest until 23:00), those three
 *       hours compressed into --duration seconds.  The figures and the
 *       signed `time` (the simulated clock of election day, local time) are
 *       a function of --seed and the station, so a second night sends the
 *       same payloads again: the server answers 200 "duplicate" to each.
 *       Like a flaky modem, a device resends a share of its reports once
 *       (--duplicates; half of them byte for byte, half signed again) and
 *       retries timeouts and 5xx answers with back-off.
 *
 *       --dir DIR            $VAR/asu: ballots.txt and keys.txt (default var/asu)
 *       --url URL            nginx (default http://127.0.0.1:8080)
 *       --duration SECONDS   the finals' three hours, compressed (default 60;
 *                            0: every final at once, the server's capacity)
 *       --concurrency N      reports in flight at once (default 32)
 *       --stations N         N stations spread over the list (default all)
 *       --only KIND          opening, turnout or final
 *       --duplicates SHARE   reports resent once on purpose (default 0.05)
 *       --seed N             the night's figures (default 2027)
 *       --timeout SECONDS    of one request (default 10)
 *       --check-visibility   after each accepted final, poll
 *                            GET /api/v1/results/elections/{id}/stations/{n}
 *                            until it lists the report's seq
 *       --visibility-share X the share of finals so watched (default 1)
 *       --out FILE           write the signed reports (compact JWS), one a
 *                            line in the order of the night, instead of sending
 *       --json               the figures as one JSON object
 *
 *       Prints reports sent, answers by status (201/200/409/4xx/5xx), the
 *       day's reports per second (sent as fast as they go), the finals: when
 *       the last was accepted and how far behind the curve (p50/p99), POST
 *       latency p50/p99, acceptance-to-visibility p50/p99 (POST sent to the
 *       station's page listing it; nginx's 1 s microcache included) and the
 *       night's duration.  Exit 0; 1 on any 5xx (even if a retry then got
 *       through), any answer other than 201 (accepted) or 200 (duplicate), a
 *       resend counted again, a report given up after 8 tries or a final never
 *       shown; 2 on bad usage or unreadable files.
 *
 *   make election-night ARGS="--duration 30"   against the `make run` instance
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "asu_night.h"
#include "core/jws.h"


void usage(void)
{
    fprintf(
        stderr,
        "usage: shailoo-asu keys --election ID --keys FILE [--keep OLD] < station numbers\n"
        "       shailoo-asu night [--dir DIR] [--url URL] [--duration S] [--concurrency N]\n"
        "                         [--stations N] [--only opening|turnout|final] [--duplicates SHARE]\n"
        "                         [--seed N] [--timeout S] [--check-visibility] [--visibility-share X] [--out FILE] [--json]\n"
        "(the usage in full: the comment at the top of cgi/tools/asu_sim.c)\n");
}

double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
        return false;
    *out = v;
    return true;
}

bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage();
        return EXIT_USAGE;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return EXIT_NIGHT_FAILED;
    int rc;
    if (strcmp(argv[1], "keys") == 0)
        rc = cmd_keys(argc - 2, argv + 2);
    else if (strcmp(argv[1], "night") == 0)
        rc = cmd_night(argc - 2, argv + 2);
    else {
        usage();
        rc = EXIT_USAGE;
    }
    curl_global_cleanup();
    return rc;
}
