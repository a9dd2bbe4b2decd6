/* Control-flow forms for the flow-sensitive lock state and in-coroutine
 * context (test_extract.c test_flow_*).  Every callee name is unique so
 * the test can find its call. */
#include <stdbool.h>
#include <stdlib.h>
#include <blkcheck/annotations.h>

int qemu_in_coroutine(void);
void bdrv_graph_rdlock_main_loop(void);
void bdrv_graph_rdunlock_main_loop(void);
int fails(void);
void g_then(void), g_else(void), g_after_if(void);
void g_in_loop(void), g_after_loop(void), g_fail_label(void), g_ok_path(void);
void s_case1(void), s_case2(void), s_after_switch(void);
void c_and(void), c_ternary(void), c_flag(void), c_after_abort(void), c_or(void);
void c_not_and(void), c_likely(void);
void u_dropped(void), u_retaken(void), u_maybe(void);
void d_after_do(void), d_in_do(void);
void k_guard_loop(void), k_after_break(void);

/* unlock on an error branch that jumps to the exit: the straight-line
 * code after it is still locked on every path. */
void GRAPH_RDLOCK goto_unlock(void)
{
    bdrv_graph_rdlock_main_loop();
    if (fails()) {
        bdrv_graph_rdunlock_main_loop();
        goto fail;
    }
    g_ok_path();
    bdrv_graph_rdunlock_main_loop();
    return;
fail:
    g_fail_label();
}

void if_else(int x)
{
    if (x) {
        bdrv_graph_rdlock_main_loop();
        g_then();
    } else {
        g_else();
    }
    g_after_if();               /* locked on one path only */
}

void loops(int n)
{
    for (int i = 0; i < n; i++) {
        bdrv_graph_rdlock_main_loop();
        g_in_loop();
        bdrv_graph_rdunlock_main_loop();
    }
    g_after_loop();
}

void switches(int x)
{
    switch (x) {
    case 1:
        bdrv_graph_rdlock_main_loop();
        s_case1();
        break;
    case 2:
        s_case2();
        /* fall through */
    default:
        break;
    }
    s_after_switch();
}

void coroutine_mixed_fn conditions(bool b)
{
    bool in_co = qemu_in_coroutine();

    if (qemu_in_coroutine() && b) {
        c_and();
    }
    if (!qemu_in_coroutine() || b) {
        return;
    }
    c_or();
    (void)(qemu_in_coroutine() ? (c_ternary(), 0) : 0);
    if (in_co) {
        c_flag();
    }
    if (!qemu_in_coroutine() && b) {
        c_not_and();
    }
    if (__builtin_expect(qemu_in_coroutine(), 1)) {
        c_likely();
    }
}

void coroutine_mixed_fn aborts(void)
{
    if (!qemu_in_coroutine()) {
        abort();
    }
    c_after_abort();
}

/* Dropping the caller's lock inside a GRAPH_RDLOCK function, then
 * taking it again. */
void GRAPH_RDLOCK drops_caller(int x)
{
    bdrv_graph_rdunlock_main_loop();
    u_dropped();
    bdrv_graph_rdlock_main_loop();
    u_retaken();
    if (x) {
        bdrv_graph_rdunlock_main_loop();
    }
    u_maybe();
    if (x) {
        bdrv_graph_rdlock_main_loop();
    }
}

/* do { } while (0) does not loop: the unlock inside does not flow back. */
void do_once(void)
{
    bdrv_graph_rdlock_main_loop();
    do {
        d_in_do();
        bdrv_graph_rdunlock_main_loop();
    } while (0);
    d_after_do();
}

/* break leaves the guard's scope: the guard ends there. */
void coroutine_fn guard_break(int n)
{
    while (n--) {
        GRAPH_RDLOCK_GUARD();
        k_guard_loop();
        if (n == 3) {
            break;
        }
    }
    k_after_break();
}
