/* Labels from annotate attributes, TSA attributes and code-class macros. */
#include <blkcheck/annotations.h>

int coroutine_fn GRAPH_RDLOCK co_read(int x);
int co_read(int x) { return x; }               /* definition: no labels of its own */
void GRAPH_WRLOCK change_graph(void);
void polls(void) GRAPH_UNLOCKED;
void no_coroutine_fn polling_fn blocking(void);

struct other_lock_t { int x; } TSA_CAPABILITY("other") other_lock;
void needs_other(void) TSA_REQUIRES(other_lock);   /* not the graph lock */

typedef struct Ops {
    int coroutine_fn GRAPH_RDLOCK_PTR (*read)(int);
    void (*plain)(void);
} Ops;

void coroutine_fn io_fn(void)
{
    IO_CODE();
}

void gs_fn(void)
{
    GLOBAL_STATE_CODE();
}
