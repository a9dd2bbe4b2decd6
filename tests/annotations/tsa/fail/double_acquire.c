/* The writer lock taken twice, and a lock held on only one branch. */
#include "../../test-locks.h"

void double_acquire(void);
void branch_imbalance(TestMutex *m, int cond);

void double_acquire(void)
{
    bdrv_graph_wrlock();
    bdrv_graph_wrlock(); // expect-error: acquiring graph-lock 'graph_lock' that is already held
    bdrv_graph_wrunlock();
}

void branch_imbalance(TestMutex *m, int cond)
{
    if (cond) {
        test_mutex_lock(m);
    }
} // expect-error: mutex 'm' is not held on every path through here
