/*
 * sysemu/iothread.h - IOThreads: named threads that each run one AioContext
 *
 * Context: create and destroy from the main loop (global state); the
 * context an IOThread runs may then be used from any thread through the
 * thread-safe services of block/aio.h (BHs, aio_co_schedule(), ...).
 */
#ifndef SYSEMU_IOTHREAD_H
#define SYSEMU_IOTHREAD_H

#include <stdbool.h>

#include "block/aio.h"

typedef struct IOThread IOThread;

/*
 * Start a thread named @name running its own AioContext until destroyed.
 * Returns: the IOThread, or NULL with *@errp set to a static message.
 * Context: main loop only.
 */
IOThread *iothread_create(const char *name, const char **errp);

/*
 * Returns: the AioContext @iothread runs (valid until iothread_destroy()).
 * Context: any thread.
 */
AioContext *iothread_get_aio_context(IOThread *iothread);

/*
 * Returns: the name @iothread was created with.
 * Context: any thread.
 */
const char *iothread_get_name(IOThread *iothread);

/*
 * Stop @iothread: its loop runs every BH already scheduled, the thread is
 * joined and its context released.
 * Context: main loop only, never from @iothread itself.
 */
void iothread_destroy(IOThread *iothread);

#endif /* SYSEMU_IOTHREAD_H */
