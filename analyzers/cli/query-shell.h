/*
 * query-shell.h - private interface between query-cmd.c and query-shell.c
 *
 * Context: command line only, one thread.
 */
#ifndef BC_QUERY_SHELL_H
#define BC_QUERY_SHELL_H

#include <stdio.h>
#include "graph.h"

#define BC_QUERY_DEFAULT_LIMIT 100

/*
 * Run one query command (@cmd: paths, callers, callees, labels, dot) on
 * @expr, results to @out, errors and notes to @err.
 * Returns: 0, or 2 for a bad query or an unknown command.
 */
int bc_query_run(const BcGraph *g, const char *cmd, const char *expr, size_t limit,
                 FILE *out, FILE *err);

/* Parse "N" as a --limit value.  Returns: false if it is not a count. */
bool bc_query_parse_limit(const char *s, size_t *limit);

/*
 * The interactive shell: read commands from standard input until EOF or
 * `quit`, with line editing, history and completion on a terminal.
 * Returns: 0.
 */
int bc_query_shell(const BcGraph *g, FILE *out);

#endif
