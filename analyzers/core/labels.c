/*
 * labels.c - canonical label spellings (labels.h)
 */
#include "labels.h"

#include <strings.h>

static const char *const label_names[BC_L_COUNT] = {
    [BC_L_COROUTINE_FN] = "coroutine_fn",
    [BC_L_COROUTINE_MIXED_FN] = "coroutine_mixed_fn",
    [BC_L_NO_COROUTINE_FN] = "no_coroutine_fn",
    [BC_L_POLLING_FN] = "polling_fn",
    [BC_L_CO_WRAPPER] = "co_wrapper",
    [BC_L_CO_WRAPPER_MIXED] = "co_wrapper_mixed",
    [BC_L_CO_WRAPPER_BDRV_RDLOCK] = "co_wrapper_bdrv_rdlock",
    [BC_L_CO_WRAPPER_MIXED_BDRV_RDLOCK] = "co_wrapper_mixed_bdrv_rdlock",
    [BC_L_NO_CO_WRAPPER] = "no_co_wrapper",
    [BC_L_NO_CO_WRAPPER_BDRV_RDLOCK] = "no_co_wrapper_bdrv_rdlock",
    [BC_L_NO_CO_WRAPPER_BDRV_WRLOCK] = "no_co_wrapper_bdrv_wrlock",
    [BC_L_GRAPH_RDLOCK] = "graph_rdlock",
    [BC_L_GRAPH_WRLOCK] = "graph_wrlock",
    [BC_L_GRAPH_UNLOCKED] = "graph_unlocked",
    [BC_L_GRAPH_RDLOCK_PTR] = "graph_rdlock_ptr",
    [BC_L_GRAPH_WRLOCK_PTR] = "graph_wrlock_ptr",
    [BC_L_GLOBAL_STATE] = "code_class:global_state",
    [BC_L_IO_CODE] = "code_class:io",
    [BC_L_IO_OR_GS] = "code_class:io_or_gs",
};

const char *bc_label_name(BcLabel l)
{
    return (unsigned)l < BC_L_COUNT ? label_names[l] : "?";
}

int bc_label_from_name(const char *name)
{
    for (int i = 0; i < BC_L_COUNT; i++) {
        if (strcasecmp(label_names[i], name) == 0) {
            return i;
        }
    }
    return -1;
}
