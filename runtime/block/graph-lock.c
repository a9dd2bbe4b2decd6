/*
 * graph-lock.c - the block-graph reader/writer lock (see block/graph-lock.h)
 *
 * State
 *   has_writer        set by the main loop while a writer is pending or
 *                     holds the lock; read by every reader.
 *   GraphReader       one per thread that ever took the reader lock, padded
 *                     to a cache line.  Only its own thread writes `count`
 *                     (plain load + atomic store, no locked RMW); the writer
 *                     reads it.  Registered in `readers` on first use and
 *                     folded into `orphan_count` when the thread exits (a
 *                     coroutine may have moved away with a reference, so a
 *                     counter may be negative or positive at exit).
 *   list_lock         protects `readers`, `orphan_count` and `reader_queue`,
 *                     and serializes "reader queues itself" against "writer
 *                     clears has_writer and wakes the queue".
 *
 * Memory ordering (the Dekker pattern between a reader and the writer)
 *
 *   reader (rdlock):  count += 1;  FENCE;  if (!has_writer) -> got it
 *   writer (wrlock):  has_writer = 1;  FENCE;  wait while sum(count) != 0
 *
 * Both fences are seq_cst, so they are totally ordered.  If the reader's
 * fence comes first, the writer's sum (after its fence) sees the increment
 * and waits; if the writer's fence comes first, the reader's load (after its
 * fence) sees has_writer and takes the slow path.  Without the fences both
 * stores could sit in store buffers while both loads read the old values
 * (x86 allows exactly this store->load reordering) and the reader would run
 * inside the writer's critical section.
 *
 *   reader (rdunlock): count -= 1;  FENCE;  if (has_writer) aio_wait_kick()
 *
 * pairs with the same writer sequence: either the writer's sum sees the
 * decrement or the reader sees has_writer and kicks the waiting main loop,
 * so the writer never sleeps on a stale count.
 *
 * Asymmetric fences.  A seq_cst fence (mfence) costs ~20 ns on x86, twice
 * per read section, while writers are rare.  So when the kernel offers
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED), the reader's FENCE is only a
 * compiler barrier and the writer's FENCE is the membarrier() system call,
 * which runs a full memory barrier on every CPU currently running a thread
 * of this process (a thread not running passed one in the context switch).
 * Each reader's store/load pair then lies entirely before or after that
 * barrier point on its CPU, or straddles it: before, the writer's sum sees
 * the store; after, the reader's load sees has_writer; straddling, both.
 * This is the scheme of liburcu and QEMU's RCU.  Without membarrier (old
 * kernel, seccomp, or MQBLK_GRAPH_LOCK_MEMBARRIER=0) both sides use
 * smp_mb(), a seq_cst fence (qemu/atomic.h).
 *
 * Happens-before.  The counter stores are release and the writer's loads
 * acquire, and has_writer is stored release and loaded acquire: that makes
 * the critical sections happen-before each other (and visible as such to
 * ThreadSanitizer, which models neither fences nor membarrier).
 */
#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/membarrier.h>

#include "block/aio.h"
#include "block/aio-wait.h"
#include "block/graph-lock.h"
#include "qemu/abort.h"
#include "qemu/atomic.h"
#include "qemu/compiler.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"

/* The TSA capability object declared in <blkcheck/annotations.h>. */
BdrvGraphLock graph_lock;

enum { GRAPH_CACHE_LINE = QEMU_INTERFERENCE_SIZE };

typedef struct GraphReader {
    alignas(GRAPH_CACHE_LINE) int64_t count;   /* owner thread writes */
    struct GraphReader *prev, *next;            /* list_lock */
    char pad[GRAPH_CACHE_LINE - sizeof(int64_t) - 2 * sizeof(void *)];
} GraphReader;

typedef struct GraphWaiter {
    Coroutine *co;
    struct GraphWaiter *next;
} GraphWaiter;

static int has_writer;                          /* atomic; main loop writes */
static QemuMutex list_lock;
static GraphReader *readers;                    /* list_lock */
static int64_t orphan_count;                    /* list_lock */
static GraphWaiter *reader_queue;               /* list_lock */

static bool use_membarrier;                     /* set once in graph_init_once() */
static pthread_once_t graph_once = PTHREAD_ONCE_INIT;
static pthread_key_t graph_key;
static __thread GraphReader *my_reader;

/* Always-on contract checks (independent of NDEBUG), like the other locks. */
#define GRAPH_CHECK(cond, msg) do {                 \
        if (!(cond)) {                              \
            mqblk_abort("%s: %s", __func__, (msg)); \
        }                                           \
    } while (0)

/* The reader's half of the Dekker fence pair (see the top of the file). */
static inline void graph_reader_mb(void)
{
    if (use_membarrier) {
        barrier();                                 /* compiler barrier only */
    } else {
        smp_mb();
    }
}

/* The writer's half: a full barrier on every CPU running one of our threads. */
static void graph_writer_mb(void)
{
    smp_mb();
    if (use_membarrier &&
        syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0) {
        mqblk_abort("%s: membarrier() failed after registration: %s",
                    __func__, strerror(errno));
    }
}

/* Thread exit: keep the counter's value, drop the counter. */
static void graph_reader_exit(void *opaque)
{
    GraphReader *r = opaque;

    qemu_mutex_lock(&list_lock);
    orphan_count += qatomic_read(&r->count);
    if (r->prev) {
        r->prev->next = r->next;
    } else {
        readers = r->next;
    }
    if (r->next) {
        r->next->prev = r->prev;
    }
    qemu_mutex_unlock(&list_lock);
    my_reader = NULL;
    free(r);
}

static void graph_init_once(void)
{
    const char *env = getenv("MQBLK_GRAPH_LOCK_MEMBARRIER");
    long cmds;

    qemu_mutex_init(&list_lock);
    if (pthread_key_create(&graph_key, graph_reader_exit) != 0) {
        abort();
    }
    if (env && !strcmp(env, "0")) {
        return;
    }
    cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
        syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0) {
        use_membarrier = true;
    }
}

static void graph_init(void)
{
    pthread_once(&graph_once, graph_init_once);
}

static GraphReader *graph_reader_new(void)
{
    GraphReader *r = aligned_alloc(GRAPH_CACHE_LINE, sizeof(GraphReader));

    if (!r) {
        abort();
    }
    *r = (GraphReader){ .count = 0 };
    graph_init();
    qemu_mutex_lock(&list_lock);
    r->next = readers;
    if (readers) {
        readers->prev = r;
    }
    readers = r;
    qemu_mutex_unlock(&list_lock);
    pthread_setspecific(graph_key, r);
    my_reader = r;
    return r;
}

static inline GraphReader *graph_reader_get(void)
{
    GraphReader *r = my_reader;

    return r ? r : graph_reader_new();
}

/* Sum of all reader counters.  Caller holds list_lock. */
static int64_t reader_count_locked(void)
{
    int64_t sum = orphan_count;

    for (GraphReader *r = readers; r; r = r->next) {
        sum += qatomic_load_acquire(&r->count);
    }
    return sum;
}

static int64_t reader_count(void)
{
    int64_t sum;

    graph_init();
    qemu_mutex_lock(&list_lock);
    sum = reader_count_locked();
    qemu_mutex_unlock(&list_lock);
    return sum;
}

/* The owner thread's counter changes: plain read, release store. */
static inline void reader_add(GraphReader *r, int64_t n)
{
    qatomic_store_release(&r->count, r->count + n);
}

void coroutine_fn TSA_NO_TSA bdrv_graph_co_rdlock(void)
{
    IO_CODE();
    for (;;) {
        GraphReader *r = graph_reader_get();
        GraphWaiter w;

        reader_add(r, 1);
        graph_reader_mb();      /* count += 1 before has_writer is read */
        if (!qatomic_load_acquire(&has_writer)) {
            return;             /* fast path */
        }

        /*
         * Slow path: a writer is pending.  Give the reference back (the
         * writer may be waiting for exactly this one), and queue unless the
         * writer finished meanwhile; has_writer is only cleared under
         * list_lock, so either we see it clear or wrunlock sees us queued.
         */
        qemu_mutex_lock(&list_lock);
        reader_add(r, -1);
        if (!qatomic_load_acquire(&has_writer)) {
            qemu_mutex_unlock(&list_lock);
            aio_wait_kick();
            continue;
        }
        w.co = qemu_coroutine_self();
        w.next = reader_queue;
        reader_queue = &w;
        qemu_mutex_unlock(&list_lock);
        aio_wait_kick();        /* after the decrement: the writer re-sums */
        qemu_coroutine_yield(); /* woken by bdrv_graph_wrunlock() */
        /* re-check: another writer may already be pending */
    }
}

void coroutine_fn TSA_NO_TSA bdrv_graph_co_rdunlock(void)
{
    /* The coroutine may run in another thread than where it locked. */
    GraphReader *r = graph_reader_get();

    IO_CODE();
    reader_add(r, -1);
    graph_reader_mb();          /* count -= 1 before has_writer is read */
    if (qatomic_load_acquire(&has_writer)) {
        aio_wait_kick();
    }
}

void no_coroutine_fn TSA_NO_TSA bdrv_graph_rdlock_main_loop(void)
{
    GLOBAL_STATE_CODE();
    GRAPH_CHECK(!qemu_in_coroutine(), "called in a coroutine");
    /* Only the main loop writes, and it is here, not in a writer. */
    GRAPH_CHECK(!qatomic_read(&has_writer), "write lock held by the main loop");
}

void no_coroutine_fn TSA_NO_TSA bdrv_graph_rdunlock_main_loop(void)
{
    GLOBAL_STATE_CODE();
    GRAPH_CHECK(!qemu_in_coroutine(), "called in a coroutine");
    GRAPH_CHECK(!qatomic_read(&has_writer), "write lock held by the main loop");
}

void no_coroutine_fn polling_fn TSA_NO_TSA bdrv_graph_wrlock(void)
{
    GLOBAL_STATE_CODE();
    GRAPH_CHECK(!qemu_in_coroutine(), "called in a coroutine");
    GRAPH_CHECK(!qatomic_read(&has_writer), "write lock already held (not recursive)");

    graph_init();
    qatomic_store_seq(&has_writer, 1);
    graph_writer_mb();          /* has_writer = 1 before the counters are read */
    AIO_WAIT_WHILE(qemu_get_aio_context(), reader_count() != 0);
}

void no_coroutine_fn TSA_NO_TSA bdrv_graph_wrunlock(void)
{
    GraphWaiter *w;

    GLOBAL_STATE_CODE();
    GRAPH_CHECK(!qemu_in_coroutine(), "called in a coroutine");
    GRAPH_CHECK(qatomic_read(&has_writer), "write lock not held");

    qemu_mutex_lock(&list_lock);
    qatomic_store_release(&has_writer, 0);
    w = reader_queue;
    reader_queue = NULL;
    qemu_mutex_unlock(&list_lock);

    while (w) {
        GraphWaiter *next = w->next;    /* w lives on the waiter's stack */

        aio_co_wake(w->co);
        w = next;
    }
}

bool bdrv_graph_writer_pending(void)
{
    IO_CODE();
    return qatomic_load_acquire(&has_writer) != 0;
}

void TSA_NO_TSA assert_bdrv_graph_readable(void)
{
    IO_CODE();
    GRAPH_CHECK(qemu_in_main_thread() || reader_count() > 0, "no reader holds the graph lock");
}

void TSA_NO_TSA assert_bdrv_graph_writable(void)
{
    GLOBAL_STATE_CODE();
    GRAPH_CHECK(qatomic_read(&has_writer), "write lock not held");
}
