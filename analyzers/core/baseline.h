/*
 * baseline.h - accepted findings, so CI fails only on new ones
 *
 * Context: command line only, one thread.
 *
 * A baseline is a JSON file of finding fingerprints (findings.h) with their
 * rule and message for people to read.  Fingerprints do not contain line
 * numbers: a finding survives code moving above it.  A fingerprint that
 * occurs N times in the baseline suppresses up to N findings.
 */
#ifndef BC_BASELINE_H
#define BC_BASELINE_H

#include "findings.h"

typedef struct BcBaseline BcBaseline;

/* Returns: 0, or -errno / -EINVAL with a message in *@errmsg (malloc'ed). */
int bc_baseline_load(const char *path, BcBaseline **out, char **errmsg);
void bc_baseline_free(BcBaseline *b);
/* Remove from @f the findings @b accepts.  Returns: how many were removed. */
unsigned bc_baseline_filter(const BcBaseline *b, BcFindings *f);
/* Write every finding of @f as the new baseline.  Returns: 0 or -errno. */
int bc_baseline_write(const char *path, const BcFindings *f);

#endif
