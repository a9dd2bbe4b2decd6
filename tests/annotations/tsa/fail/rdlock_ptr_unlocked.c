/* A GRAPH_RDLOCK_PTR callback read (to call it) without the reader lock. */
#include "../../test-locks.h"

typedef struct Driver {
    int coroutine_fn GRAPH_RDLOCK_PTR (*co_preadv)(void *opaque);
} Driver;

int coroutine_fn rdlock_ptr_unlocked(Driver *drv, void *opaque);

int coroutine_fn rdlock_ptr_unlocked(Driver *drv, void *opaque)
{
    return drv->co_preadv(opaque); // expect-error: reading variable 'co_preadv' requires holding graph-lock 'graph_lock'
}
