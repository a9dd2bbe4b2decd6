/* Prototypes carry the labels; the definitions in conventions.c do not
 * repeat the graph-lock ones. */
#include <blkcheck/annotations.h>
#include "corpus.h"

typedef struct BlockBackend BlockBackend;
BlockBackend *blk_new(AioContext *ctx);
BlockBackend *blk_by_name(const char *name);
void blk_unref(BlockBackend *blk);
int GRAPH_RDLOCK bdrv_node_count(BlockDriverState *bs);
int coroutine_fn GRAPH_RDLOCK bdrv_co_node_size(BlockDriverState *bs);
void drained_begin(BlockDriverState *bs, int poll);
void blk_drain(BlockBackend *blk);
