/* A GRAPH_WRLOCK function called while holding only the reader lock. */
#include "../../test-locks.h"

void GRAPH_WRLOCK bdrv_attach_child_locked(void);
void coroutine_fn wrlock_needs_exclusive(void);

void coroutine_fn wrlock_needs_exclusive(void)
{
    bdrv_graph_co_rdlock();
    bdrv_attach_child_locked(); // expect-error: calling function 'bdrv_attach_child_locked' requires holding graph-lock 'graph_lock' exclusively
    bdrv_graph_co_rdunlock();
}
