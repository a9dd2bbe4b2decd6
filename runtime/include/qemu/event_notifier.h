/*
 * qemu/event_notifier.h - a counter that wakes a file descriptor (eventfd)
 *
 * Context: any thread.  event_notifier_set() is the thread-safe half: any
 * thread (or coroutine) may call it at any time.  init/cleanup belong to the
 * owner; test_and_clear is normally called by the AioContext that watches
 * the notifier (see aio_set_event_notifier() in block/aio.h).
 */
#ifndef QEMU_EVENT_NOTIFIER_H
#define QEMU_EVENT_NOTIFIER_H

#include <stdbool.h>

typedef struct EventNotifier {
    int fd;     /* eventfd, non-blocking; -1 when not initialized */
} EventNotifier;

/*
 * Create the eventfd of @e, already set when @active is true.
 * Returns: 0 or -errno.
 * Context: any thread.
 */
int event_notifier_init(EventNotifier *e, bool active);

/*
 * Close the eventfd of @e.  Nobody may watch or set @e any more.
 * Context: any thread.
 */
void event_notifier_cleanup(EventNotifier *e);

/*
 * Make @e readable (wake its watcher).
 * Returns: 0 or -errno.
 * Context: any thread, any context; lock-free (one write system call).
 */
int event_notifier_set(EventNotifier *e);

/*
 * Make @e unreadable again.
 * Returns: true when it was set.
 * Context: any thread (normally the watcher's).
 */
bool event_notifier_test_and_clear(EventNotifier *e);

/*
 * Returns: the file descriptor to watch for readability.
 * Context: any thread.
 */
int event_notifier_get_fd(const EventNotifier *e);

#endif /* QEMU_EVENT_NOTIFIER_H */
