/* Lock contexts that do not balance: sparse reports each function. */
#include "../../test-locks.h"

void leaks_writer(void);
void drops_unheld(void);
void unlock_on_one_branch(int cond);
int coroutine_fn leaks_reader(int cond);

void leaks_writer(void) // expect-warning: context imbalance in 'leaks_writer' - wrong count at exit
{
    bdrv_graph_wrlock();
}

void drops_unheld(void) // expect-warning: context imbalance in 'drops_unheld' - unexpected unlock
{
    bdrv_graph_wrunlock();
}

void unlock_on_one_branch(int cond)
{
    bdrv_graph_wrlock();
    if (cond) { // expect-warning: context imbalance in 'unlock_on_one_branch' - different lock contexts for basic block
        bdrv_graph_wrunlock();
    }
}

int coroutine_fn leaks_reader(int cond) // expect-warning: context imbalance in 'leaks_reader' - wrong count at exit
{
    bdrv_graph_co_rdlock();
    if (cond) {
        return 1;
    }
    bdrv_graph_co_rdunlock();
    return 0;
}
