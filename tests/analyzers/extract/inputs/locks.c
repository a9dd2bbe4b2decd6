#include <blkcheck/annotations.h>

void bdrv_graph_wrlock(void);
void bdrv_graph_wrunlock(void);
void before(void);
void read_locked(void);
void after(void);
void write_locked(void);
void guarded(void);
void after_guard(void);
void in_with(void);
void after_with(void);

void coroutine_fn explicit_locks(void)
{
    before();
    bdrv_graph_co_rdlock();
    read_locked();
    bdrv_graph_co_rdunlock();
    after();
    bdrv_graph_wrlock();
    write_locked();
    bdrv_graph_wrunlock();
}

void coroutine_fn guards(int x)
{
    if (x) {
        GRAPH_RDLOCK_GUARD();
        guarded();
    }
    after_guard();
    WITH_GRAPH_RDLOCK_GUARD() {
        in_with();
    }
    after_with();
}
