/*
 * qemu-coroutine.c - coroutine life cycle: create, enter, yield, terminate,
 * the per-thread pool of stacks, guard pages, and the sanitizer fiber hooks
 * that wrap every switch.  The machine-level switch lives in one file per
 * backend (coroutine-asm-x86_64.c, coroutine-ucontext.c).
 *
 * Thread-local state: a coroutine may resume in another thread (after
 * aio_co_schedule()), and the compiler must not reuse a TLS address computed
 * before a switch.  Code that reads the state after a switch from which it
 * may resume elsewhere (coroutine_main) uses co_tls(), a non-inlined
 * accessor with a compiler barrier; functions that never read it after such
 * a switch use the inlined co_tls_here().
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "qemu/abort.h"
#include "qemu/atomic.h"
#include "qemu/compiler.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "coroutine-int.h"

#ifndef __has_feature
# define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
# define CO_ASAN 1
# include <sanitizer/common_interface_defs.h>
#endif
#if defined(__SANITIZE_THREAD__) || __has_feature(thread_sanitizer)
# define CO_TSAN 1
# include <sanitizer/tsan_interface.h>
#endif

enum {
    CO_POOL_MAX = 256,                      /* stacks kept per thread */
    CO_STACK_MIN = 16 * 1024,
    CO_STACK_DEFAULT = 256 * 1024,
};

struct CoThreadState {
    Coroutine leader;           /* the thread's own stack */
    Coroutine *current;         /* running coroutine, or &leader */
    Coroutine *pool;            /* terminated coroutines ready for reuse */
    unsigned pool_size;
    bool initialized;
};

static __thread CoThreadState co_thread_state;
static pthread_key_t co_pool_key;
static pthread_once_t co_pool_once = PTHREAD_ONCE_INIT;
static size_t co_stack_size = CO_STACK_DEFAULT;     /* atomic */
static const CoroutineBackend *co_backend;          /* atomic */

/* ---- backends ---------------------------------------------------------- */

static const CoroutineBackend *co_backend_by_name(const char *name)
{
#if defined(__x86_64__)
    if (!strcmp(name, "asm")) {
        return &coroutine_backend_asm;
    }
#endif
    if (!strcmp(name, "ucontext")) {
        return &coroutine_backend_ucontext;
    }
    return NULL;
}

static const CoroutineBackend *co_get_backend(void)
{
    const CoroutineBackend *b = qatomic_load_acquire(&co_backend);

    if (!b) {
        const char *env = getenv("MQBLK_COROUTINE_BACKEND");

        b = env ? co_backend_by_name(env) : NULL;
#if defined(__x86_64__)
        if (!b) {
            b = &coroutine_backend_asm;
        }
#else
        if (!b) {
            b = &coroutine_backend_ucontext;
        }
#endif
        qatomic_store_release(&co_backend, b);
    }
    return b;
}

bool qemu_coroutine_set_backend(const char *name)
{
    const CoroutineBackend *b = co_backend_by_name(name);

    if (!b) {
        return false;
    }
    qatomic_store_release(&co_backend, b);
    return true;
}

const char *qemu_coroutine_backend_name(void)
{
    return co_get_backend()->name;
}

/* ---- thread state ---------------------------------------------------- */

static void co_free(Coroutine *co);

static void co_pool_destructor(void *opaque)
{
    CoThreadState *ts = opaque;

    while (ts->pool) {
        Coroutine *co = ts->pool;

        ts->pool = co->next;
        co_free(co);
    }
    ts->pool_size = 0;
}

static void co_pool_key_init(void)
{
    pthread_key_create(&co_pool_key, co_pool_destructor);
}

static __attribute__((noinline, cold)) void co_tls_init(CoThreadState *ts)
{
    ts->initialized = true;
    ts->leader.is_leader = true;
    ts->leader.home = ts;
    ts->current = &ts->leader;
#ifdef CO_TSAN
    ts->leader.tsan_fiber = __tsan_get_current_fiber();
#endif
    pthread_once(&co_pool_once, co_pool_key_init);
    pthread_setspecific(co_pool_key, ts);
}

/*
 * The calling thread's state, for functions that do not read it again
 * after a switch that could resume them on another thread.
 */
static inline CoThreadState *co_tls_here(void)
{
    CoThreadState *ts = &co_thread_state;

    if (unlikely(!ts->initialized)) {
        co_tls_init(ts);
    }
    return ts;
}

/* The same, safe after a switch: not inlined, and opaque to the optimizer. */
static __attribute__((noinline)) CoThreadState *co_tls(void)
{
    CoThreadState *ts = co_tls_here();

    __asm__ __volatile__("" : "+r"(ts));
    return ts;
}

/* ---- sanitizer hooks ----------------------------------------------------- */

static inline void co_san_before(Coroutine *from, Coroutine *to)
{
    (void)from;
    (void)to;
#ifdef CO_ASAN
    to->san_from = from;
    __sanitizer_start_switch_fiber(&from->asan_fake_stack, to->asan_bottom,
                                   to->asan_size);
#endif
#ifdef CO_TSAN
    __tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
}

static inline void co_san_after(Coroutine *self)
{
#ifdef CO_ASAN
    const void *bottom;
    size_t size;

    __sanitizer_finish_switch_fiber(self->asan_fake_stack, &bottom, &size);
    if (self->san_from && self->san_from->is_leader) {
        /* The only way to learn the bounds of a thread's own stack. */
        self->san_from->asan_bottom = bottom;
        self->san_from->asan_size = size;
    }
#else
    (void)self;
#endif
}

static void co_switch(Coroutine *from, Coroutine *to, const CoroutineBackend *b)
{
    co_san_before(from, to);
#if defined(__x86_64__)
    if (likely(b == &coroutine_backend_asm)) {
        mqblk_co_asm_switch(&from->m.sp, to->m.sp);     /* devirtualized */
    } else
#endif
    {
        b->switch_to(from, to);
    }
    co_san_after(from);
}

/* ---- stacks and pool ----------------------------------------------------- */

static Coroutine *co_alloc(const CoroutineBackend *b, size_t stack_size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    Coroutine *co = calloc(1, sizeof(*co));

    if (!co) {
        mqblk_abort("%s: out of memory creating a coroutine", __func__);
    }
    co->map_size = stack_size + page;
    co->map = mmap(NULL, co->map_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (co->map == MAP_FAILED) {
        mqblk_abort("%s: mmap of a coroutine stack failed: %s", __func__,
                    strerror(errno));
    }
    /* Guard page: an overflow faults instead of corrupting a neighbour. */
    if (mprotect(co->map, page, PROT_NONE) != 0) {
        mqblk_abort("%s: mprotect of a coroutine guard page failed: %s",
                    __func__, strerror(errno));
    }
    co->stack = (char *)co->map + page;
    co->stack_size = stack_size;
    co->asan_bottom = co->stack;
    co->asan_size = stack_size;
    co->backend = b;
#ifdef CO_TSAN
    co->tsan_fiber = __tsan_create_fiber(0);
#endif
    b->init(co);
    return co;
}

static void co_free(Coroutine *co)
{
#ifdef CO_TSAN
    __tsan_destroy_fiber(co->tsan_fiber);
#endif
    munmap(co->map, co->map_size);
    free(co);
}

static void co_release(CoThreadState *ts, Coroutine *co)
{
    if (ts->pool_size < CO_POOL_MAX && co->backend == co_get_backend() &&
        co->stack_size == qatomic_read(&co_stack_size)) {
        co->next = ts->pool;
        ts->pool = co;
        ts->pool_size++;
        return;
    }
    co_free(co);
}

void qemu_coroutine_pool_drain(void)
{
    co_pool_destructor(co_tls());
}

unsigned qemu_coroutine_pool_size(void)
{
    return co_tls()->pool_size;
}

void qemu_coroutine_set_stack_size(size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);

    if (bytes < CO_STACK_MIN) {
        bytes = CO_STACK_MIN;
    }
    bytes = (bytes + page - 1) / page * page;
    qatomic_set(&co_stack_size, bytes);
}

size_t qemu_coroutine_get_stack_size(void)
{
    return qatomic_read(&co_stack_size);
}

/* ---- life cycle ---------------------------------------------------------- */

Coroutine *qemu_coroutine_create(CoroutineEntry *entry, void *opaque)
{
    CoThreadState *ts = co_tls_here();
    Coroutine *co = ts->pool;

    if (co) {
        ts->pool = co->next;
        ts->pool_size--;
    } else {
        co = co_alloc(co_get_backend(), qatomic_read(&co_stack_size));
    }
    co->entry = entry;
    co->entry_arg = opaque;
    co->caller = NULL;
    co->terminated = false;
    co->home = NULL;
    co->next = NULL;
    co->wakeup_head = co->wakeup_tail = NULL;
    qatomic_set(&co->ctx, NULL);
    qatomic_set(&co->scheduled, 0);
    qatomic_set(&co->running, 0);
    return co;
}

void coroutine_fn coroutine_main(Coroutine *co)
{
    co_san_after(co);
    for (;;) {
        CoThreadState *ts;
        Coroutine *caller;

        co->entry(co->entry_arg);

        /* Terminate: hand the stack back; the caller pools it. */
        ts = co_tls();
        caller = co->caller;
        co->caller = NULL;
        co->terminated = true;
        ts->current = caller;
        co_switch(co, caller, co->backend);
        /* Reused from the pool: entered again with a new entry. */
    }
}

static void co_check_enter(CoThreadState *ts, Coroutine *to)
{
    if (to->is_leader) {
        mqblk_abort("qemu_coroutine_enter: %p is a thread, not a coroutine",
                    (void *)to);
    }
    if (to->terminated) {
        mqblk_abort("qemu_coroutine_enter: coroutine %p has terminated",
                    (void *)to);
    }
    if (qatomic_read(&to->running)) {
        mqblk_abort("qemu_coroutine_enter: coroutine %p is already running "
                    "(re-entered while active)", (void *)to);
    }
    if (to->home && to->home != ts) {
        mqblk_abort("qemu_coroutine_enter: coroutine %p belongs to another "
                    "thread (home context %p); resume it with aio_co_wake() "
                    "or aio_co_schedule()", (void *)to,
                    (void *)qatomic_read(&to->ctx));
    }
    if (qatomic_read(&to->scheduled)) {
        mqblk_abort("qemu_coroutine_enter: coroutine %p is scheduled by "
                    "aio_co_schedule() and may only be entered by its BH",
                    (void *)to);
    }
}

/* Enter @first and then every coroutine woken while it ran, in order. */
static void co_enter_loop(Coroutine *first)
{
    CoThreadState *ts = co_tls_here();
    Coroutine *self = ts->current;
    Coroutine *head = first, *tail = first;
    bool direct = true;                 /* @first, entered by our caller */

    first->next = NULL;
    while (head) {
        Coroutine *to = head;
        bool terminated;

        head = to->next;
        if (!head) {
            tail = NULL;
        }
        to->next = NULL;
        if (!direct) {
            /* Came from a wake-up list: the mark kept double wakes out. */
            qatomic_store_release(&to->scheduled, 0);
        }
        direct = false;
        co_check_enter(ts, to);
        if (!to->home) {
            to->home = ts;
            qatomic_set(&to->ctx, qemu_get_current_aio_context());
        }
        to->caller = self;
        qatomic_store_release(&to->running, 1);
        ts->current = to;
        co_switch(self, to, to->backend);

        /*
         * @to yielded or terminated; we are self again, on this thread.
         * Collect its wake-ups before running = 0: from then on another
         * thread may enter @to (it can have scheduled itself there).  @ts
         * is still ours: the caller never migrates while it waits here.
         */
        terminated = to->terminated;
        if (to->wakeup_head) {
            if (tail) {
                tail->next = to->wakeup_head;
            } else {
                head = to->wakeup_head;
            }
            tail = to->wakeup_tail;
            to->wakeup_head = to->wakeup_tail = NULL;
        }
        qatomic_store_release(&to->running, 0);
        if (terminated) {
            co_release(ts, to);
        }
    }
}

void qemu_coroutine_enter(Coroutine *co)
{
    co_enter_loop(co);
}

void qemu_coroutine_enter_if_inactive(Coroutine *co)
{
    if (!qatomic_read(&co->running) && !qatomic_read(&co->scheduled)) {
        qemu_coroutine_enter(co);
    }
}

void coroutine_enter_scheduled(AioContext *ctx, Coroutine *co)
{
    CoThreadState *ts = co_tls();

    /*
     * The coroutine may have scheduled itself and not yet finished
     * switching away in its old thread: wait for that thread to store
     * running = 0 after the switch (a few instructions).
     */
    while (qatomic_load_acquire(&co->running)) {
        sched_yield();
    }
    co->home = ts;
    qatomic_set(&co->ctx, ctx);
    qatomic_store_release(&co->scheduled, 0);
    co_enter_loop(co);
}

void coroutine_queue_wakeup(Coroutine *co)
{
    Coroutine *self = co_tls()->current;
    unsigned expected = 0;

    /* Marked like a scheduled coroutine until entered: a second wake aborts. */
    if (!qatomic_cmpxchg_bool(&co->scheduled, &expected, 1)) {
        mqblk_abort("aio_co_wake: coroutine %p is already scheduled "
                    "(woken twice for one yield?)", (void *)co);
    }

    co->next = NULL;
    if (self->wakeup_tail) {
        self->wakeup_tail->next = co;
    } else {
        self->wakeup_head = co;
    }
    self->wakeup_tail = co;
}

void coroutine_fn qemu_coroutine_yield(void)
{
    CoThreadState *ts = co_tls_here();
    Coroutine *self = ts->current;
    Coroutine *to = self->caller;

    if (!to) {
        mqblk_abort("qemu_coroutine_yield: called outside coroutine context");
    }
    self->caller = NULL;
    ts->current = to;
    co_switch(self, to, self->backend);
}

bool qemu_in_coroutine(void)
{
    CoThreadState *ts = co_tls_here();

    return ts->current != &ts->leader;
}

Coroutine *coroutine_fn qemu_coroutine_self(void)
{
    CoThreadState *ts = co_tls_here();

    return ts->current == &ts->leader ? NULL : ts->current;
}

bool qemu_coroutine_entered(Coroutine *co)
{
    return co->home != NULL && !co->terminated;
}

AioContext *qemu_coroutine_get_aio_context(Coroutine *co)
{
    return qatomic_read(&co->ctx);
}
