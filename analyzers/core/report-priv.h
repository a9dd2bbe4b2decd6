/*
 * report-priv.h - what the three reporters share (private to core/)
 */
#ifndef BC_REPORT_PRIV_H
#define BC_REPORT_PRIV_H

#include "report.h"

/* @file relative to info->root when it lies below it, else @file. */
const char *bc_report_relpath(const BcRunInfo *info, const char *file);
/* Text for one hop, "'f' calls 'g'" etc., into @buf. */
const char *bc_report_hop_text(const BcHop *h, char *buf, size_t size);

/* A JSON string for @s; bytes that are not UTF-8 become '?'; NULL gives null. */
struct json_t;
struct json_t *bc_json_str(const char *s);

int bc_report_text(FILE *out, const BcFindings *f, const BcRunInfo *info);
int bc_report_json(FILE *out, const BcFindings *f, const BcRunInfo *info);
int bc_report_sarif(FILE *out, const BcFindings *f, const BcRunInfo *info);

#endif
