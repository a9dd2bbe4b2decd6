#include <blkcheck/annotations.h>

int coroutine_fn GRAPH_RDLOCK cg_co_len(int a);

int co_wrapper_mixed_bdrv_rdlock GRAPH_RDLOCK cg_len(int a);
