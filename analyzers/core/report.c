/*
 * report.c - what the three reporters share: the format names and the
 * dispatch (report.h), relative paths, hop text and JSON strings
 * (report-priv.h).  Each reporter includes only report-priv.h.
 */
#include "report-priv.h"
#include "xalloc.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int bc_format_parse(const char *s, BcFormat *out)
{
    static const char *const names[] = { "text", "json", "sarif" };

    for (int i = 0; i < 3; i++) {
        if (s && strcmp(s, names[i]) == 0) {
            *out = (BcFormat)i;
            return 0;
        }
    }
    return -EINVAL;
}

const char *bc_report_relpath(const BcRunInfo *info, const char *file)
{
    size_t n;

    if (!file) {
        return "<unknown>";
    }
    if (!info || !info->root || !(n = strlen(info->root))) {
        return file;
    }
    while (n > 1 && info->root[n - 1] == '/') {
        n--;
    }
    if (strncmp(file, info->root, n) == 0 && file[n] == '/') {
        return file + n + 1;
    }
    return file;
}

const char *bc_report_hop_text(const BcHop *h, char *buf, size_t size)
{
    switch (h->kind) {
    case BC_HOP_POINTS_TO:
        snprintf(buf, size, "'%s' may point to '%s' (stored here)", h->function, h->callee);
        break;
    case BC_HOP_POLL:
        snprintf(buf, size, "'%s' polls (%s)", h->function, h->callee);
        break;
    case BC_HOP_DECL:
        snprintf(buf, size, "'%s' declared here with %s", h->function, h->callee);
        break;
    case BC_HOP_NOTE:
        snprintf(buf, size, "%s", h->callee ? h->callee : "");
        break;
    default:
        snprintf(buf, size, "'%s' calls '%s'", h->function, h->callee);
        break;
    }
    return buf;
}

json_t *bc_json_str(const char *s)
{
    json_t *j;
    char *copy;

    if (!s) {
        return json_null();
    }
    if ((j = json_string(s))) {
        return j;
    }
    /* Not UTF-8 (a non-UTF-8 path): keep the ASCII bytes, mark the rest. */
    copy = bc_xstrdup(s);
    for (char *p = copy; *p; p++) {
        if ((unsigned char)*p >= 0x80) {
            *p = '?';
        }
    }
    j = json_string(copy);
    free(copy);
    return j;
}

int bc_report_write(FILE *out, BcFormat fmt, const BcFindings *f, const BcRunInfo *info)
{
    switch (fmt) {
    case BC_FORMAT_JSON:
        return bc_report_json(out, f, info);
    case BC_FORMAT_SARIF:
        return bc_report_sarif(out, f, info);
    default:
        return bc_report_text(out, f, info);
    }
}
