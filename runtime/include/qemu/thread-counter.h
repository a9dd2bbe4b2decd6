/*
 * qemu/thread-counter.h - a counter split into per-thread slots
 *
 * Many threads add to the counter at high rates; rarely one thread needs
 * the sum (a drain, a barrier, a graph writer).  Each thread adds to its
 * own slot, padded to QEMU_INTERFERENCE_SIZE (a pair of cache lines), so
 * the fast path writes no line, nor the prefetcher's partner of a line,
 * that another thread writes.  Objects holding a counter must be allocated
 * aligned to THREAD_COUNTER_LINE.  Threads get slots round-robin on first use; with
 * more than THREAD_COUNTER_SLOTS threads two threads may share a slot,
 * which stays correct (adds are atomic) and only costs sharing.
 *
 * Ordering: thread_counter_add() is a sequentially consistent
 * read-modify-write, so "add, then load a flag" on one side and "store the
 * flag (seq_cst), then thread_counter_sum()" on the other cannot both miss
 * each other (the Dekker pattern the request gate relies on).
 * Context: any thread.
 */
#ifndef QEMU_THREAD_COUNTER_H
#define QEMU_THREAD_COUNTER_H

#include <stdalign.h>
#include <stdint.h>

#include "qemu/atomic.h"
#include "qemu/compiler.h"

#define THREAD_COUNTER_SLOTS 64
#define THREAD_COUNTER_LINE  QEMU_INTERFERENCE_SIZE

typedef struct ThreadCounterSlot {
    alignas(THREAD_COUNTER_LINE) int64_t value;
} ThreadCounterSlot;

typedef struct ThreadCounter {
    ThreadCounterSlot slot[THREAD_COUNTER_SLOTS];
} ThreadCounter;

/* The calling thread's slot + 1; 0 until assigned.  Use the function. */
extern __thread unsigned thread_counter_my_slot;

/* Assign the calling thread a slot.  Returns: its index. */
unsigned thread_counter_assign_slot(void);

/* Returns: the calling thread's slot index, fixed for the thread's life. */
static inline unsigned thread_counter_slot(void)
{
    unsigned s = thread_counter_my_slot;

    return s ? s - 1 : thread_counter_assign_slot();
}

/* Add @delta to the calling thread's slot (seq_cst). */
static inline void thread_counter_add(ThreadCounter *c, int64_t delta)
{
    qatomic_fetch_add(&c->slot[thread_counter_slot()].value, delta);
}

/* Returns: the sum of all slots (seq_cst loads). */
static inline int64_t thread_counter_sum(const ThreadCounter *c)
{
    int64_t sum = 0;

    for (int i = 0; i < THREAD_COUNTER_SLOTS; i++) {
        sum += qatomic_load_seq(&c->slot[i].value);
    }
    return sum;
}

#endif /* QEMU_THREAD_COUNTER_H */
