/*
 * thread-counter.c - slot assignment for per-thread counters.
 *
 * Slots are handed out round-robin and never returned: a thread that exits
 * leaves its contributions in its slot, which keeps every sum right, and a
 * later thread sharing the slot only shares a cache line.
 */
#include "qemu/thread-counter.h"

__thread unsigned thread_counter_my_slot;
static unsigned next_slot;

unsigned thread_counter_assign_slot(void)
{
    unsigned s = qatomic_fetch_add(&next_slot, 1) % THREAD_COUNTER_SLOTS;

    thread_counter_my_slot = s + 1;
    return s;
}
