/*
 * main-loop.c - the main-loop thread, its AioContext, the BQL, and the
 * code-class hook that GLOBAL_STATE_CODE() asserts through.
 */
#include <stdlib.h>

#include "qemu/abort.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"
#include "block/aio.h"
#include "lock-checker.h"

QemuMutex qemu_bql;

static void __attribute__((constructor)) qemu_bql_init(void)
{
    qemu_mutex_init(&qemu_bql);
}

static AioContext *main_ctx;            /* atomic */
static QemuThread main_thread;          /* valid while main_ctx is set */
static __thread bool bql_held;

bool qemu_init_main_loop(const char **errp)
{
    AioContext *ctx = qatomic_load_acquire(&main_ctx);

    if (ctx) {
        if (!qemu_thread_is_self(&main_thread)) {
            *errp = "the main loop already runs in another thread";
            return false;
        }
        return true;
    }
    ctx = aio_context_new(errp);
    if (!ctx) {
        return false;
    }
    qemu_thread_get_self(&main_thread);
    aio_context_set_current(ctx);
    qatomic_store_release(&main_ctx, ctx);
    return true;
}

void qemu_cleanup_main_loop(void)
{
    AioContext *ctx = qatomic_load_acquire(&main_ctx);

    GLOBAL_STATE_CODE();
    if (!ctx) {
        return;
    }
    aio_context_unref(ctx);
    aio_context_set_current(NULL);
    qatomic_store_release(&main_ctx, NULL);
}

AioContext *qemu_get_aio_context(void)
{
    return qatomic_load_acquire(&main_ctx);
}

bool qemu_in_main_thread(void)
{
    if (!qatomic_load_acquire(&main_ctx) || bql_held) {
        return true;
    }
    return qemu_thread_is_self(&main_thread);
}

void SPARSE_ACQUIRES(qemu_bql) TSA_NO_TSA bql_lock(void)
{
    if (bql_held) {
        mqblk_abort("bql_lock: this thread already holds the BQL");
    }
    qemu_mutex_lock(&qemu_bql);
    bql_held = true;
}

void SPARSE_RELEASES(qemu_bql) TSA_NO_TSA bql_unlock(void)
{
    if (!bql_held) {
        mqblk_abort("bql_unlock: this thread does not hold the BQL");
    }
    bql_held = false;
    qemu_mutex_unlock(&qemu_bql);
}

bool bql_locked(void)
{
    return bql_held;
}

bool blkcheck_code_class_ok(BlkcheckCodeClass cls)
{
    switch (cls) {
    case BLKCHECK_CODE_GLOBAL_STATE:
        return qemu_in_main_thread();
    case BLKCHECK_CODE_IO:
    case BLKCHECK_CODE_IO_OR_GS:
        return true;
    }
    return false;
}
