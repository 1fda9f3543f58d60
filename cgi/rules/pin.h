#ifndef SHAILOO_PIN_H
#define SHAILOO_PIN_H

#include <stdbool.h>

/*
 * The personal identification number: 14 digits; digit 1 is the sex
 * (1 female, 2 male), digits 2-9 the birth date DDMMYYYY, 10-14 a serial.
 * Old PINs may be irregular, so only the form (14 digits) is a refusal;
 * a sex digit or date that does not decode is a warning (DOMAIN.md).
 */
#define PIN_LEN 14

enum pin_warning {
    PIN_WARN_SEX = 1, /* digit 1 is neither 1 nor 2 */
    PIN_WARN_DATE = 2, /* digits 2-9 are not a real date */
};

struct pin_info {
    char sex; /* 'F', 'M', or 0 when the digit is irregular */
    int day, month, year; /* all 0 when the date is irregular */
    int warnings; /* enum pin_warning bits */
};

/* True for exactly 14 ASCII digits. */
bool pin_valid(const char *s);
/* Decodes a valid PIN; returns -1 (and leaves *info zeroed) for an invalid one. */
int pin_decode(const char *s, struct pin_info *info);
/* True if the PIN's sex and date digits agree with the given registry facts. */
bool pin_agrees(const struct pin_info *info, char sex, int year, int month, int day);

#endif
