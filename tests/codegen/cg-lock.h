/*
 * cg-lock.h - graph-lock wrapper variants for the codegen tests.
 *
 * Context: test only; needs block/graph-lock.h for the generated code.
 */
#ifndef CG_LOCK_H
#define CG_LOCK_H

#include <stdint.h>

#include <blkcheck/annotations.h>

int coroutine_fn GRAPH_RDLOCK cg_co_rd(int v);
int co_wrapper_bdrv_rdlock GRAPH_UNLOCKED cg_rd(int v);

int coroutine_fn GRAPH_RDLOCK cg_co_mixed_rd(int v);
int co_wrapper_mixed_bdrv_rdlock GRAPH_UNLOCKED cg_mixed_rd(int v);

int64_t no_coroutine_fn GRAPH_RDLOCK cg_main_rd(int64_t v);
int64_t no_co_wrapper_bdrv_rdlock cg_co_main_rd(int64_t v);

void no_coroutine_fn GRAPH_WRLOCK cg_main_wr(int *out);
void no_co_wrapper_bdrv_wrlock cg_co_main_wr(int *out);

#endif /* CG_LOCK_H */
