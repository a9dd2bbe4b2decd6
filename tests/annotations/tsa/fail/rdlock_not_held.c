/* A GRAPH_RDLOCK function called without the reader lock. */
#include "../../test-locks.h"

int GRAPH_RDLOCK bdrv_count_children(void);
int coroutine_fn rdlock_not_held(void);

int coroutine_fn rdlock_not_held(void)
{
    return bdrv_count_children(); // expect-error: calling function 'bdrv_count_children' requires holding graph-lock 'graph_lock'
}
