/*
 * thread-counter.c - blocks of per-thread cells and the counter indices
 * into them.
 *
 * Blocks: THREAD_COUNTER_BLOCKS mappings of THREAD_COUNTER_MAX + 1 cells,
 * each mapped by the first thread that adds through it (MAP_NORESERVE:
 * only the pages of indices in use ever get memory) and never unmapped, so
 * a thread's exit loses nothing.  Indices: a bitmap under index_lock,
 * lowest free first so that live counters stay on few pages; index 0 means
 * "none yet".
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include "qemu/abort.h"
#include "qemu/thread-counter.h"
#include "qemu/thread.h"

#define CELLS_PER_BLOCK ((size_t)THREAD_COUNTER_MAX + 1)

__thread int64_t *thread_counter_my_cells;

static int64_t *blocks[THREAD_COUNTER_BLOCKS];      /* atomic; set once */
static unsigned next_block;                         /* atomic */

static QemuMutex index_lock;
static pthread_once_t index_lock_once = PTHREAD_ONCE_INIT;
static uint64_t index_used[CELLS_PER_BLOCK / 64];   /* index_lock */
static size_t index_hint;                           /* index_lock: the words
                                                       below it are full */

static void index_lock_init(void)
{
    qemu_mutex_init(&index_lock);
}

/* Give the calling thread a block, mapping it if nobody has yet. */
static int64_t *cells_assign(void)
{
    unsigned b = qatomic_fetch_add(&next_block, 1) % THREAD_COUNTER_BLOCKS;
    int64_t *cells = qatomic_load_acquire(&blocks[b]);

    if (!cells) {
        int64_t *mine = mmap(NULL, CELLS_PER_BLOCK * sizeof(int64_t),
                             PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        int64_t *expected = NULL;

        if (mine == MAP_FAILED) {
            mqblk_abort("%s: mmap of %zu counter cells failed: %s", __func__,
                        CELLS_PER_BLOCK, strerror(errno));
        }
        /* A thread sharing the block (wrapped round-robin) may race us. */
        if (qatomic_cmpxchg_bool(&blocks[b], &expected, mine)) {
            cells = mine;
        } else {
            munmap(mine, CELLS_PER_BLOCK * sizeof(int64_t));
            cells = expected;
        }
    }
    thread_counter_my_cells = cells;
    return cells;
}

static unsigned index_alloc_locked(void)
{
    for (size_t w = index_hint; w < CELLS_PER_BLOCK / 64; w++) {
        uint64_t free_bits = ~index_used[w];

        if (w == 0) {
            free_bits &= ~(uint64_t)1;      /* index 0 is "none" */
        }
        if (free_bits) {
            unsigned bit = (unsigned)__builtin_ctzll(free_bits);

            index_used[w] |= (uint64_t)1 << bit;
            index_hint = w;
            return (unsigned)(w * 64 + bit);
        }
    }
    mqblk_abort("thread_counter: more than %u counters live at once",
                THREAD_COUNTER_MAX);
}

/* Returns: @c's index, assigning one if it has none. */
static unsigned index_get(ThreadCounter *c)
{
    unsigned i = qatomic_load_acquire(&c->index);

    if (i) {
        return i;
    }
    pthread_once(&index_lock_once, index_lock_init);
    qemu_mutex_lock(&index_lock);
    i = qatomic_read(&c->index);
    if (!i) {
        i = index_alloc_locked();
        /* seq_cst: a sum that saw no index must precede our first add. */
        qatomic_store_seq(&c->index, i);
    }
    qemu_mutex_unlock(&index_lock);
    return i;
}

void thread_counter_add_slow(ThreadCounter *c, int64_t delta)
{
    int64_t *cells = thread_counter_my_cells;

    if (!cells) {
        cells = cells_assign();
    }
    qatomic_fetch_add(&cells[index_get(c)], delta);
}

int64_t thread_counter_sum(ThreadCounter *c)
{
    unsigned i = qatomic_load_seq(&c->index);
    int64_t sum = 0;

    if (!i) {
        return 0;                   /* nobody has added yet */
    }
    for (unsigned b = 0; b < THREAD_COUNTER_BLOCKS; b++) {
        int64_t *cells = qatomic_load_seq(&blocks[b]);

        if (cells) {
            sum += qatomic_load_seq(&cells[i]);
        }
    }
    return sum;
}

void thread_counter_destroy(ThreadCounter *c)
{
    unsigned i = qatomic_read(&c->index);

    if (!i) {
        return;
    }
    pthread_once(&index_lock_once, index_lock_init);
    qemu_mutex_lock(&index_lock);
    /* Adds and subtracts in several threads may leave +n here, -n there. */
    for (unsigned b = 0; b < THREAD_COUNTER_BLOCKS; b++) {
        int64_t *cells = qatomic_load_acquire(&blocks[b]);

        if (cells) {
            qatomic_set(&cells[i], 0);
        }
    }
    index_used[i / 64] &= ~((uint64_t)1 << (i % 64));
    if (i / 64 < index_hint) {
        index_hint = i / 64;
    }
    qatomic_set(&c->index, 0);
    qemu_mutex_unlock(&index_lock);
}
