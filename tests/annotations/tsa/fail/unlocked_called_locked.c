/* A GRAPH_UNLOCKED function called while the writer lock is held. */
#include "../../test-locks.h"

void GRAPH_UNLOCKED bdrv_unref(void *bs);
void unlocked_called_locked(void *bs);

void unlocked_called_locked(void *bs)
{
    bdrv_graph_wrlock();
    bdrv_unref(bs); // expect-error: cannot call function 'bdrv_unref' while graph-lock 'graph_lock' is held
    bdrv_graph_wrunlock();
}
