/* Guarded data accessed under its lock; GRAPH_RDLOCK_PTR read under the lock. */
#include "../../test-locks.h"

/* C has no member lookup in attributes: guards name a global lock. */
extern TestMutex counter_lock;

typedef struct Counter {
    int count TSA_GUARDED_BY(counter_lock);
    int *slot TSA_PT_GUARDED_BY(counter_lock);
} Counter;

typedef struct Driver {
    int coroutine_fn GRAPH_RDLOCK_PTR (*co_preadv)(void *opaque);
} Driver;

void counter_add(Counter *c, int n);
void counter_add_locked(Counter *c, int n) TSA_REQUIRES(counter_lock);
int coroutine_fn driver_co_read(Driver *drv, void *opaque);

void counter_add_locked(Counter *c, int n)
{
    c->count += n;
    *c->slot = c->count;
}

void counter_add(Counter *c, int n)
{
    test_mutex_lock(&counter_lock);
    counter_add_locked(c, n);
    test_mutex_unlock(&counter_lock);
}

int coroutine_fn driver_co_read(Driver *drv, void *opaque)
{
    GRAPH_RDLOCK_GUARD();
    return drv->co_preadv(opaque);
}
