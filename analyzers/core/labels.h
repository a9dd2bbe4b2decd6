/*
 * labels.h - the canonical labels: what an annotation says about a function
 * or a function-pointer slot
 *
 * Context: bottom layer (no other analyzer header); any thread.
 *
 * Every spelling a project uses (annotate strings, macro names, config
 * label_aliases) is mapped to one of these before a rule sees it; the graph
 * stores them as BC_LBIT() bits and the config validates names against
 * them.
 */
#ifndef BC_LABELS_H
#define BC_LABELS_H

#include <stdint.h>

/* Canonical labels (annotations.h names); bit positions in BcNode.labels. */
typedef enum BcLabel {
    BC_L_COROUTINE_FN,
    BC_L_COROUTINE_MIXED_FN,
    BC_L_NO_COROUTINE_FN,
    BC_L_POLLING_FN,
    BC_L_CO_WRAPPER,
    BC_L_CO_WRAPPER_MIXED,
    BC_L_CO_WRAPPER_BDRV_RDLOCK,
    BC_L_CO_WRAPPER_MIXED_BDRV_RDLOCK,
    BC_L_NO_CO_WRAPPER,
    BC_L_NO_CO_WRAPPER_BDRV_RDLOCK,
    BC_L_NO_CO_WRAPPER_BDRV_WRLOCK,
    BC_L_GRAPH_RDLOCK,
    BC_L_GRAPH_WRLOCK,
    BC_L_GRAPH_UNLOCKED,
    BC_L_GRAPH_RDLOCK_PTR,
    BC_L_GRAPH_WRLOCK_PTR,
    BC_L_GLOBAL_STATE,          /* "code_class:global_state" */
    BC_L_IO_CODE,               /* "code_class:io" */
    BC_L_IO_OR_GS,              /* "code_class:io_or_gs" */
    BC_L_COUNT
} BcLabel;

#define BC_LBIT(l) (UINT64_C(1) << (l))

/* Canonical spelling of @l ("coroutine_fn", "code_class:io", ...). */
const char *bc_label_name(BcLabel l);
/* Label of a canonical spelling, or -1. */
int bc_label_from_name(const char *name);

#endif
