/*
 * query-demo.c - bc-query-demo: `blkcheck query` without the front end
 *
 *   bc-query-demo GRAPH.txt paths|callers|callees|labels|dot|shell ARGS...
 *   bc-query-demo --random FUNCTIONS EDGES SEED  COMMAND ARGS...
 *
 * Loads a hand-written graph (format in graph-gen.h) or generates a random
 * one, then runs the same bc_query_main() as `blkcheck query`.
 */
#include "graph-gen.h"
#include "query-cmd.h"

#include <stdlib.h>
#include <string.h>

static BcGraph *load(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    char err[256];
    BcGraph *g;

    if (!f) {
        perror(path);
        return NULL;
    }
    g = bc_graph_text_load(f, err, sizeof(err));
    if (!g) {
        fprintf(stderr, "%s:%s\n", path, err);
    }
    if (f != stdin) {
        fclose(f);
    }
    return g;
}

int main(int argc, char **argv)
{
    BcGraph *g;
    int first = 2, rc;

    if (argc >= 5 && strcmp(argv[1], "--random") == 0) {
        BcGenParams p = {
            .functions = (uint32_t)strtoul(argv[2], NULL, 10),
            .edges = (uint32_t)strtoul(argv[3], NULL, 10),
            .seed = strtoull(argv[4], NULL, 10),
        };
        g = bc_graph_gen_random(&p);
        first = 5;
    } else if (argc >= 2 && argv[1][0] != '-') {
        g = load(argv[1]);
    } else {
        fputs("usage: bc-query-demo GRAPH.txt|--random N M SEED COMMAND ARGS...\n", stderr);
        bc_query_usage(stderr);
        return 2;
    }
    if (!g) {
        return 2;
    }
    rc = bc_query_main(g, argc - first, argv + first, stdout);
    bc_graph_free(g);
    return rc;
}
