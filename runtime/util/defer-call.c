/*
 * defer-call.c - per-thread deferred calls (defer_call_begin/end).
 *
 * Each thread has a nesting depth and a growable array of (fn, opaque)
 * pairs.  Sections are short and batches small, so de-duplication is a
 * linear scan.  Calls made by deferred functions while the batch runs are
 * outside any section and run at once (unless they open one themselves).
 */
#include <pthread.h>
#include <stdlib.h>

#include "qemu/abort.h"
#include "qemu/defer-call.h"

typedef struct DeferredCall {
    void (*fn)(void *);
    void *opaque;
} DeferredCall;

typedef struct DeferCallState {
    unsigned nesting;
    unsigned len;
    unsigned cap;
    DeferredCall *calls;
} DeferCallState;

static __thread DeferCallState defer_state;
static pthread_key_t defer_key;
static pthread_once_t defer_once = PTHREAD_ONCE_INIT;

static void defer_state_free(void *opaque)
{
    DeferCallState *s = opaque;

    free(s->calls);
    s->calls = NULL;
    s->cap = s->len = 0;
}

static void defer_key_init(void)
{
    pthread_key_create(&defer_key, defer_state_free);
}

/* Not inlined: a coroutine may run on several threads over its life. */
static __attribute__((noinline)) DeferCallState *defer_tls(void)
{
    DeferCallState *s = &defer_state;

    __asm__ __volatile__("" : "+r"(s));
    return s;
}

void defer_call_begin(void)
{
    defer_tls()->nesting++;
}

void defer_call_end(void)
{
    DeferCallState *s = defer_tls();
    DeferredCall *calls;
    unsigned len, cap;

    if (s->nesting == 0) {
        mqblk_abort("defer_call_end: no open section");
    }
    if (--s->nesting > 0 || s->len == 0) {
        return;
    }
    /* Detach the batch so calls made while it runs start a new one. */
    calls = s->calls;
    len = s->len;
    cap = s->cap;
    s->calls = NULL;
    s->len = s->cap = 0;
    for (unsigned i = 0; i < len; i++) {
        calls[i].fn(calls[i].opaque);
    }
    s = defer_tls();
    if (!s->calls) {
        s->calls = calls;           /* keep the buffer for the next batch */
        s->cap = cap;
    } else {
        free(calls);
    }
}

void defer_call(void (*fn)(void *), void *opaque)
{
    DeferCallState *s = defer_tls();

    if (s->nesting == 0) {
        fn(opaque);
        return;
    }
    for (unsigned i = 0; i < s->len; i++) {
        if (s->calls[i].fn == fn && s->calls[i].opaque == opaque) {
            return;
        }
    }
    if (s->len == s->cap) {
        unsigned cap = s->cap ? s->cap * 2 : 16;
        DeferredCall *calls = realloc(s->calls, cap * sizeof(*calls));

        if (!calls) {
            fn(opaque);             /* cannot defer: run now, still correct */
            return;
        }
        if (!s->calls) {
            pthread_once(&defer_once, defer_key_init);
            pthread_setspecific(defer_key, s);
        }
        s->calls = calls;
        s->cap = cap;
    }
    s->calls[s->len++] = (DeferredCall){ fn, opaque };
}
