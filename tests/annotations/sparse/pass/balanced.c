/* Balanced lock use, lock wrappers and guards: sparse stays silent. */
#include "../../test-locks.h"

int GRAPH_RDLOCK bdrv_count_children(void);
int coroutine_fn balanced_reader(void);
int coroutine_fn balanced_guard(void);
void balanced_writer(void);
void balanced_wrapper(int *x);
void take_graph(void) TSA_ACQUIRE(graph_lock);

int coroutine_fn balanced_reader(void)
{
    int n;

    bdrv_graph_co_rdlock();
    n = bdrv_count_children();
    bdrv_graph_co_rdunlock();
    return n;
}

int coroutine_fn balanced_guard(void)
{
    GRAPH_RDLOCK_GUARD();
    return bdrv_count_children();
}

void balanced_writer(void)
{
    bdrv_graph_wrlock();
    bdrv_graph_wrunlock();
}

/*
 * Acquires and says so: balanced with respect to its annotation.  sparse reads
 * attributes from the definition, so the definition repeats the annotation.
 */
void TSA_ACQUIRE(graph_lock) take_graph(void)
{
    bdrv_graph_wrlock();
}

void balanced_wrapper(int *x)
{
    take_graph();
    if (*x) {
        *x = 0;
    }
    bdrv_graph_wrunlock();
}
