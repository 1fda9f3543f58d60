/*
 * libFuzzer: seat allocation on contests built from the bytes.  Valid or
 * not, it must never crash, and when it allocates, the seats must add up:
 * every party within the cap, the total equal to the seats less the unfilled.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/seats.h"

static size_t pos;

static uint32_t take(const uint8_t *data, size_t size)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = (v << 8) | (pos < size ? data[pos++] : 0);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct seats_list_contest in;
    static struct seats_list_result out;
    static struct seats_lot lot;
    memset(&in, 0, sizeof(in));
    memset(&lot, 0, sizeof(lot));
    pos = 0;
    in.seats = SEATS_LIST_SEATS;
    in.cap = SEATS_LIST_CAP;
    in.nparties = 1 + take(data, size) % 12;
    int64_t total = 0;
    for (size_t p = 0; p < in.nparties; p++) {
        struct seats_party *party = &in.parties[p];
        party->id = (int64_t)p + 1;
        party->votes = take(data, size) % 200000;
        for (int r = 0; r < SEATS_REGIONS; r++)
            party->region_votes[r] = party->votes / SEATS_REGIONS;
        party->ncandidates = take(data, size) % 10;
        for (size_t c = 0; c < party->ncandidates; c++) {
            party->candidates[c].position = (int)c + 1;
            party->candidates[c].sex = take(data, size) % 2 ? 'F' : 'M';
            party->candidates[c].preference_votes = take(data, size) % (party->votes + 1) / 4;
        }
        total += party->votes;
    }
    in.against_all = take(data, size) % 50000;
    in.participants = total + in.against_all + take(data, size) % 1000;
    for (int r = 0; r < SEATS_REGIONS; r++)
        in.region_participants[r] = in.participants / SEATS_REGIONS;
    lot.n = in.nparties;
    for (size_t i = 0; i < lot.n; i++)
        lot.ids[i] =
            (int64_t)((i * 7 + take(data, size)) % in.nparties) + 1; /* may repeat: invalid */

    if (seats_allocate_lists(&in, take(data, size) % 2 ? &lot : NULL, &out) == 0 &&
        out.outcome == SEATS_LIST_ALLOCATED) {
        int sum = 0;
        for (size_t p = 0; p < in.nparties; p++) {
            if (out.parties[p].seats < 0 || out.parties[p].seats > in.cap)
                abort();
            sum += out.parties[p].seats;
        }
        if (sum + out.unfilled != in.seats)
            abort();
    }
    return 0;
}
