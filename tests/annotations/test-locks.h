/*
 * test-locks.h - the lock primitives the annotation tests need, declared the
 * way the runtime declares them (bodies are never compiled: these tests only
 * run the static checkers).
 */
#ifndef TEST_LOCKS_H
#define TEST_LOCKS_H

#include <blkcheck/annotations.h>

typedef struct TSA_CAPABILITY("mutex") TestMutex {
    int state;
} TestMutex;

void test_mutex_lock(TestMutex *m) TSA_ACQUIRE(*m);
void test_mutex_unlock(TestMutex *m) TSA_RELEASE(*m);

/* Main loop only: exclusive graph lock. */
void bdrv_graph_wrlock(void) TSA_ACQUIRE(graph_lock);
void bdrv_graph_wrunlock(void) TSA_RELEASE(graph_lock);

#endif
