/*
 * coroutine-asm-x86_64.c - the "asm" coroutine switch backend (x86-64 SysV).
 *
 * A switch pushes the callee-saved registers (rbp, rbx, r12-r15) on the
 * current stack, stores the stack pointer in the old coroutine, loads the
 * new one's and pops the same registers: what a function call may clobber
 * the compiler already saved around the call to mqblk_co_asm_switch().
 * MXCSR and the x87 control word are not switched; coroutines must not
 * change floating-point modes (nothing in the runtime does).
 *
 * A fresh stack is laid out as if mqblk_co_asm_switch() had been called
 * from mqblk_co_asm_start with r12 = the coroutine, so the first switch
 * "returns" into the start stub, which calls coroutine_main(co).
 */
#include <stdint.h>

#include "coroutine-int.h"

#if defined(__x86_64__)

/* mqblk_co_asm_switch() is declared in coroutine-int.h. */
void mqblk_co_asm_start(void);

__asm__(
    ".text\n"
    ".p2align 4\n"
    ".globl mqblk_co_asm_switch\n"
    ".hidden mqblk_co_asm_switch\n"
    ".type mqblk_co_asm_switch, @function\n"
    "mqblk_co_asm_switch:\n"
    "    .cfi_startproc\n"
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    movq %rsp, (%rdi)\n"
    "    movq %rsi, %rsp\n"
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    "    ret\n"
    "    .cfi_endproc\n"
    ".size mqblk_co_asm_switch, .-mqblk_co_asm_switch\n"
    "\n"
    ".p2align 4\n"
    ".globl mqblk_co_asm_start\n"
    ".hidden mqblk_co_asm_start\n"
    ".type mqblk_co_asm_start, @function\n"
    "mqblk_co_asm_start:\n"
    "    .cfi_startproc\n"
    "    .cfi_undefined rip\n"
    "    movq %r12, %rdi\n"
    "    call coroutine_main\n"
    "    ud2\n"
    "    .cfi_endproc\n"
    ".size mqblk_co_asm_start, .-mqblk_co_asm_start\n"
);

enum { SAVED_REGS = 6 };

static void asm_init(Coroutine *co)
{
    /* 16-byte aligned top, one spare slot above for unwinders. */
    uintptr_t top = ((uintptr_t)co->stack + co->stack_size - 16) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)top;

    /* After the final ret, rsp == top: 16-aligned before the stub's call. */
    *--sp = (uint64_t)(uintptr_t)mqblk_co_asm_start;
    *--sp = 0;                                  /* rbp: ends frame chains */
    *--sp = 0;                                  /* rbx */
    *--sp = (uint64_t)(uintptr_t)co;            /* r12: the coroutine */
    *--sp = 0;                                  /* r13 */
    *--sp = 0;                                  /* r14 */
    *--sp = 0;                                  /* r15 */
    co->m.sp = sp;
}

static void asm_switch_to(Coroutine *from, Coroutine *to)
{
    mqblk_co_asm_switch(&from->m.sp, to->m.sp);
}

const CoroutineBackend coroutine_backend_asm = {
    .name = "asm",
    .init = asm_init,
    .switch_to = asm_switch_to,
};

#endif /* __x86_64__ */
