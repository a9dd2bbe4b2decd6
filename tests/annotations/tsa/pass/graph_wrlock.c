/* The writer lock satisfies both GRAPH_WRLOCK and GRAPH_RDLOCK. */
#include "../../test-locks.h"

void GRAPH_WRLOCK bdrv_attach_child_locked(void);
int GRAPH_RDLOCK bdrv_count_children(void);
void GRAPH_UNLOCKED bdrv_open_unlocked(void);
int graph_wrlock_change(void);

int graph_wrlock_change(void)
{
    int n;

    bdrv_open_unlocked();
    bdrv_graph_wrlock();
    bdrv_attach_child_locked();
    n = bdrv_count_children();
    bdrv_graph_wrunlock();
    return n;
}
