/*
 * query-cmd.h - `blkcheck query`: the command-line face of the query language
 *
 * Context: command line only, one thread, after the graph is built.
 *
 * cli/main.c parses the common options (-p, --config, -j, --no-cache, paths),
 * builds the graph exactly as `check` does, then hands the remaining
 * arguments to bc_query_main():
 *
 *   blkcheck query paths [--limit N] 'PATH-EXPR'
 *   blkcheck query callers|callees 'MATCHER'
 *   blkcheck query labels 'MATCHER'
 *   blkcheck query dot 'PATH-EXPR'      (Graphviz of the matched subgraph)
 *   blkcheck query shell                (interactive, libedit)
 *
 * Returns: the exit code (0 results or none, 2 bad query/usage).
 */
#ifndef BC_QUERY_CMD_H
#define BC_QUERY_CMD_H

#include <stdio.h>
#include "graph.h"

int bc_query_main(const BcGraph *g, int argc, char **argv, FILE *out);
/* Usage text of the query subcommands, for `blkcheck --help`. */
void bc_query_usage(FILE *out);

#endif
