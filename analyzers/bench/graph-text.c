/*
 * graph-text.c - the hand-written graph format of graph-gen.h
 *
 * For demos, documentation examples and shell experiments: a graph small
 * enough to write by hand, with real-looking locations.
 */
#include "graph-gen.h"

#include <stdlib.h>
#include <string.h>

#define WS " \t\r\n"

/* "file:line:col" -> loc (file copied into the graph's arena). */
static bool parse_loc(BcGraph *g, char *s, BcLoc *loc)
{
    char *col = strrchr(s, ':'), *line;

    if (!col || col == s) {
        return false;
    }
    *col = '\0';
    line = strrchr(s, ':');
    if (!line || line == s) {
        return false;
    }
    *line = '\0';
    loc->line = (uint32_t)strtoul(line + 1, NULL, 10);
    loc->col = (uint32_t)strtoul(col + 1, NULL, 10);
    loc->file = bc_arena_strdup(g->arena, s);
    return loc->line > 0;
}

static BcNodeId node(BcGraph *g, const char *name, BcSymbolKind kind)
{
    return bc_graph_intern(g, name, name, kind);
}

static bool add_node(BcGraph *g, BcSymbolKind kind, char **save)
{
    char *name = strtok_r(NULL, WS, save), *label;
    BcNodeId id;

    if (!name) {
        return false;
    }
    id = node(g, name, kind);
    while ((label = strtok_r(NULL, WS, save)) != NULL) {
        bc_graph_add_label(g, id, label);
    }
    return true;
}

static bool add_edge(BcGraph *g, BcEdgeKind kind, char **save)
{
    char *from = strtok_r(NULL, WS, save), *to = strtok_r(NULL, WS, save);
    char *loc = strtok_r(NULL, WS, save);
    BcEdge e = { .kind = kind };

    if (!from || !to || strtok_r(NULL, WS, save)) {
        return false;
    }
    if (loc && !parse_loc(g, loc, &e.loc)) {
        return false;
    }
    e.from = node(g, from, kind == BC_EDGE_POINTS_TO ? BC_SYM_FIELD : BC_SYM_FUNCTION);
    e.to = node(g, to, kind == BC_EDGE_SLOT_CALL ? BC_SYM_FIELD : BC_SYM_FUNCTION);
    bc_graph_add_edge(g, &e);
    return true;
}

static bool load_line(BcGraph *g, char *line)
{
    char *save, *word = strtok_r(line, WS, &save);

    if (!word || *word == '#') {
        return true;
    }
    if (strcmp(word, "fn") == 0) {
        return add_node(g, BC_SYM_FUNCTION, &save);
    }
    if (strcmp(word, "slot") == 0) {
        return add_node(g, BC_SYM_FIELD, &save);
    }
    if (strcmp(word, "call") == 0) {
        return add_edge(g, BC_EDGE_CALL, &save);
    }
    if (strcmp(word, "slotcall") == 0) {
        return add_edge(g, BC_EDGE_SLOT_CALL, &save);
    }
    if (strcmp(word, "store") == 0) {
        return add_edge(g, BC_EDGE_POINTS_TO, &save);
    }
    return false;
}

BcGraph *bc_graph_text_load(FILE *in, char *err, size_t errlen)
{
    BcGraph *g = bc_graph_new();
    char buf[4096];
    unsigned lineno = 0;

    while (fgets(buf, sizeof(buf), in)) {
        lineno++;
        if (!load_line(g, buf)) {
            snprintf(err, errlen, "%u: expected 'fn|slot NAME LABEL...' or "
                     "'call|slotcall|store FROM TO [FILE:LINE:COL]'", lineno);
            bc_graph_free(g);
            return NULL;
        }
    }
    bc_graph_finish(g);
    return g;
}
