/*
 * coroutine-ucontext.c - the portable "ucontext" coroutine switch backend.
 *
 * makecontext() prepares a fresh stack and setcontext() enters it the first
 * time (one sigprocmask system call per stack, not per switch; pooled
 * stacks never start again).  Every later switch is _setjmp()/_longjmp(),
 * which saves no signal mask and costs no system call.
 */
#include <stdint.h>

#include "coroutine-int.h"

/* makecontext() passes int arguments only: split the pointer in two.  The
 * first frame of the coroutine's stack: coroutine context. */
static void coroutine_fn ucontext_start(int hi, int lo)
{
    uintptr_t p = ((uintptr_t)(unsigned)hi << 32) | (uintptr_t)(unsigned)lo;

    coroutine_main((Coroutine *)p);
}

static void ucontext_init(Coroutine *co)
{
    uintptr_t p = (uintptr_t)co;

    getcontext(&co->m.uc.uc);
    co->m.uc.uc.uc_link = NULL;
    co->m.uc.uc.uc_stack.ss_sp = co->stack;
    co->m.uc.uc.uc_stack.ss_size = co->stack_size;
    co->m.uc.started = false;
    makecontext(&co->m.uc.uc, (void (*)(void))ucontext_start, 2,
                (int)(unsigned)(p >> 32), (int)(unsigned)(p & 0xffffffffu));
}

static void ucontext_switch_to(Coroutine *from, Coroutine *to)
{
    if (_setjmp(from->m.uc.env) == 0) {
        if (!to->is_leader && !to->m.uc.started) {
            to->m.uc.started = true;
            setcontext(&to->m.uc.uc);
        }
        _longjmp(to->m.uc.env, 1);
    }
}

const CoroutineBackend coroutine_backend_ucontext = {
    .name = "ucontext",
    .init = ucontext_init,
    .switch_to = ucontext_switch_to,
};
