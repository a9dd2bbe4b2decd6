/* QEMU's spellings, written from scratch: markers are bare annotate
 * strings, the wrapper markers expand to the coroutine ones only, the graph
 * lock is thread-safety attributes with no annotate string. */
#define coroutine_fn __attribute__((annotate("coroutine_fn")))
#define coroutine_mixed_fn __attribute__((annotate("coroutine_mixed_fn")))
#define no_coroutine_fn __attribute__((annotate("no_coroutine_fn")))
#define co_wrapper no_coroutine_fn
#define co_wrapper_mixed no_coroutine_fn coroutine_mixed_fn
#define co_wrapper_mixed_bdrv_rdlock no_coroutine_fn coroutine_mixed_fn

#define TSA(x) __attribute__((x))
#define TSA_CAPABILITY(x) TSA(capability(x))
#define TSA_REQUIRES_SHARED(...) TSA(requires_shared_capability(__VA_ARGS__))
#define TSA_ASSERT_SHARED(...) TSA(assert_shared_capability(__VA_ARGS__))
#define TSA_ACQUIRE_SHARED(...) TSA(acquire_shared_capability(__VA_ARGS__))
#define TSA_RELEASE_SHARED(...) TSA(release_shared_capability(__VA_ARGS__))
#define TSA_NO_TSA TSA(no_thread_safety_analysis)
typedef struct TSA_CAPABILITY("graph-lock") BdrvGraphLock { int unused; } BdrvGraphLock;
extern BdrvGraphLock graph_lock;
#define GRAPH_RDLOCK TSA_REQUIRES_SHARED(graph_lock)

typedef struct AioContext AioContext;
typedef struct BlockDriverState { AioContext *ctx; int busy; } BlockDriverState;
int aio_poll(AioContext *ctx, int blocking);
#define AIO_WAIT_WHILE(ctx, cond) do { while ((cond)) { aio_poll((ctx), 1); } } while (0)
int qemu_in_coroutine(void);
void bdrv_graph_rdlock_main_loop(void) TSA_ACQUIRE_SHARED(graph_lock) TSA_NO_TSA;
void bdrv_graph_rdunlock_main_loop(void) TSA_RELEASE_SHARED(graph_lock) TSA_NO_TSA;
static inline void TSA_ASSERT_SHARED(graph_lock) TSA_NO_TSA assume_graph_lock(void) { }

int coroutine_fn GRAPH_RDLOCK bdrv_co_size(BlockDriverState *bs);
int co_wrapper_mixed_bdrv_rdlock bdrv_size(BlockDriverState *bs);
int GRAPH_RDLOCK bdrv_child_count(BlockDriverState *bs);

/* Slots: QEMU writes both pointer kinds as a bare guarded_by; only the
 * macro's name says which lock the callers hold. */
#define TSA_REQUIRES(...) TSA(requires_capability(__VA_ARGS__))
#define TSA_GUARDED_BY(x) TSA(guarded_by(x))
#define GRAPH_WRLOCK TSA_REQUIRES(graph_lock)
#define GRAPH_RDLOCK_PTR TSA_GUARDED_BY(graph_lock)
#define GRAPH_WRLOCK_PTR TSA_GUARDED_BY(graph_lock)
typedef struct BlockDriver {
    int GRAPH_RDLOCK_PTR (*bdrv_probe)(BlockDriverState *bs);
    void GRAPH_WRLOCK_PTR (*bdrv_attach)(BlockDriverState *bs);
} BlockDriver;

/* Code classes: QEMU's macros are a bare assertion and an empty statement;
 * blkcheck knows them by name (conventions: code_class_macros). */
#include <assert.h>
#include <stdbool.h>
bool qemu_in_main_thread(void);
#define GLOBAL_STATE_CODE() do { assert(qemu_in_main_thread()); } while (0)
#define IO_CODE() do { } while (0)
