/* Every way of holding the graph reader lock satisfies GRAPH_RDLOCK. */
#include "../../test-locks.h"

int GRAPH_RDLOCK bdrv_count_children(void);
int coroutine_fn graph_guards_explicit(void);
int coroutine_fn graph_guards_scoped(void);
int coroutine_fn graph_guards_with(void);
int GRAPH_RDLOCK graph_guards_inherited(void);

int coroutine_fn graph_guards_explicit(void)
{
    int n;

    bdrv_graph_co_rdlock();
    n = bdrv_count_children();
    bdrv_graph_co_rdunlock();
    return n;
}

int coroutine_fn graph_guards_scoped(void)
{
    GRAPH_RDLOCK_GUARD();
    return bdrv_count_children();
}

int coroutine_fn graph_guards_with(void)
{
    int n = 0;

    WITH_GRAPH_RDLOCK_GUARD() {
        n = bdrv_count_children();
    }
    return n;
}

int GRAPH_RDLOCK graph_guards_inherited(void)
{
    return bdrv_count_children();
}
