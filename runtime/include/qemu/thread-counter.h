/*
 * qemu/thread-counter.h - a counter split into per-thread cells
 *
 * Many threads add to the counter at high rates; rarely one thread needs
 * the sum (a drain, a barrier, a graph writer).  Each thread owns a block
 * of cells, mapped by itself: a counter is one index, and a thread adds to
 * cell [index] of its own block.  No thread writes a page another thread
 * writes, so neither the line nor the neighbours a hardware prefetcher
 * pulls in with it ever move between cores on the fast path.  (Cells one
 * or two lines apart in a shared array were not enough: on a 2-vCPU EPYC
 * two IOThreads adding to one backend's counter ran at 0.70 of two
 * processes doing the same; with a page between them, 0.95.)
 *
 * Threads get blocks round-robin on first use; with more than
 * THREAD_COUNTER_BLOCKS threads two threads share a block, which stays
 * correct (adds are atomic) and only costs sharing.  A thread that exits
 * leaves its block behind, so every sum stays right.
 *
 * A counter needs no initialisation: a zeroed ThreadCounter (static, or in
 * a zeroed object) takes an index on first use.  A counter that dies
 * before the process does must be passed to thread_counter_destroy(),
 * which returns its index for reuse.  THREAD_COUNTER_MAX counters may be
 * live at once.
 *
 * Ordering: thread_counter_add() is a sequentially consistent
 * read-modify-write, so "add, then load a flag" on one side and "store the
 * flag (seq_cst), then thread_counter_sum()" on the other cannot both miss
 * each other (the Dekker pattern the request gate relies on).
 * Context: any thread.
 */
#ifndef QEMU_THREAD_COUNTER_H
#define QEMU_THREAD_COUNTER_H

#include <stdint.h>

#include "qemu/atomic.h"
#include "qemu/compiler.h"

#define THREAD_COUNTER_BLOCKS 64
#define THREAD_COUNTER_MAX    ((1u << 17) - 1)      /* cells per block - 1 */

typedef struct ThreadCounter {
    unsigned index;             /* atomic; 0 until first use */
} ThreadCounter;

/* The calling thread's block of cells; NULL until its first add. */
extern __thread int64_t *thread_counter_my_cells;

/* The slow path of thread_counter_add(): assign what is missing, add. */
void thread_counter_add_slow(ThreadCounter *c, int64_t delta);

/* Add @delta to the calling thread's cell of @c (seq_cst). */
static inline void thread_counter_add(ThreadCounter *c, int64_t delta)
{
    int64_t *cells = thread_counter_my_cells;
    unsigned i = qatomic_load_acquire(&c->index);

    if (unlikely(!cells || !i)) {
        thread_counter_add_slow(c, delta);
        return;
    }
    qatomic_fetch_add(&cells[i], delta);
}

/* Returns: the sum of every thread's cell of @c (seq_cst loads). */
int64_t thread_counter_sum(ThreadCounter *c);

/*
 * Return @c's index for reuse (the object holding @c is going away).  No
 * thread may add to @c during the call; afterwards @c is a zeroed counter
 * again, which sums to 0 and takes a fresh index if it is used.
 */
void thread_counter_destroy(ThreadCounter *c);

#endif /* QEMU_THREAD_COUNTER_H */
