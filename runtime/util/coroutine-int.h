/*
 * coroutine-int.h - private: the Coroutine object, per-thread coroutine
 * state and the switch-backend ops table.  Not installed.
 *
 * Context: fields are owned by the coroutine's home thread unless marked
 * "atomic" (read or written by other threads through aio_co_wake() and
 * aio_co_schedule()).
 */
#ifndef MQBLK_COROUTINE_INT_H
#define MQBLK_COROUTINE_INT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <ucontext.h>

#include "qemu/coroutine.h"

typedef struct CoThreadState CoThreadState;
typedef struct CoroutineBackend CoroutineBackend;

/* Saved machine state; which member is live depends on the backend. */
typedef union CoroutineMachine {
    void *sp;                       /* asm: saved stack pointer */
    struct {
        sigjmp_buf env;             /* ucontext: switch via _setjmp/_longjmp */
        ucontext_t uc;              /* ucontext: first entry only */
        bool started;
    } uc;
} CoroutineMachine;

struct Coroutine {
    CoroutineEntry *entry;
    void *entry_arg;
    Coroutine *caller;          /* who entered us; non-NULL while running */
    unsigned running;           /* atomic: 1 from enter until switched out */
    unsigned scheduled;         /* atomic: 1 while queued by aio_co_schedule() */
    bool terminated;            /* entry returned; caller releases us */
    bool is_leader;             /* the thread's own stack, not a coroutine */
    AioContext *ctx;            /* atomic: home context (may be NULL) */
    CoThreadState *home;        /* home thread; NULL before first entry */

    Coroutine *next;            /* in a wake-up list, schedule list or pool */
    Coroutine *wakeup_head;     /* entered after this coroutine yields */
    Coroutine *wakeup_tail;

    const CoroutineBackend *backend;
    void *map;                  /* mmap()ed region, guard page first */
    size_t map_size;
    void *stack;                /* lowest usable stack byte */
    size_t stack_size;
    CoroutineMachine m;

    /* Sanitizer fiber state (unused in plain builds). */
    void *asan_fake_stack;
    const void *asan_bottom;
    size_t asan_size;
    Coroutine *san_from;        /* who switched to us last */
    void *tsan_fiber;
};

struct CoroutineBackend {
    const char *name;
    /* Prepare @co so that the first switch to it calls coroutine_main(co). */
    void (*init)(Coroutine *co);
    /* Save the caller's state into @from and continue @to. */
    void (*switch_to)(Coroutine *from, Coroutine *to);
};

/* The common body of every coroutine stack: never returns.  It is the first
 * frame on the coroutine's stack, so it runs in coroutine context and calls
 * the coroutine_fn entry. */
void coroutine_fn coroutine_main(Coroutine *co) __attribute__((noreturn));

extern const CoroutineBackend coroutine_backend_ucontext;
#if defined(__x86_64__)
extern const CoroutineBackend coroutine_backend_asm;
/* The asm backend's switch, called directly on the hot path. */
void mqblk_co_asm_switch(void **save_sp, void *new_sp);
#endif

/*
 * Enter @co from the co_schedule BH of @ctx: rebind it to the calling thread
 * and @ctx, waiting out the instant in which its previous thread is still
 * switching away from it.  Context: home thread of @ctx, not in a coroutine.
 */
void coroutine_enter_scheduled(AioContext *ctx, Coroutine *co);

/*
 * Queue @co to be entered when the calling coroutine next yields or
 * terminates.  Context: coroutine only, @co's home thread.
 */
void coroutine_queue_wakeup(Coroutine *co);

#endif /* MQBLK_COROUTINE_INT_H */
