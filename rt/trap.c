/*
 * trap.c - the landing pad: wrt_call runs wasm code under setjmp, and
 * wrt_trap / wrt_exit unwind to it with longjmp (WRT_SETJMP and
 * WRT_LONGJMP: the compiler's builtins in a freestanding build).
 * Also the trap wording for messages and the slow signature comparison
 * behind call_indirect.  Memory and tables live in mem.c and table.c.
 */
#define _POSIX_C_SOURCE 200809L

#include "wrt.h"

#if !defined(__GNUC__)
#include <stdlib.h>
#endif

void
wrt_rt_init(WrtRt *rt, const char *const *func_names, uint32_t nfuncs,
            uint32_t max_depth)
{
    rt->landing = NULL;
    rt->depth = 0;
    rt->max_depth = max_depth;
    rt->stack_limit = 0;
    rt->trap = WRT_TRAP_NONE;
    rt->trap_func = WRT_NO_FUNC;
    rt->exit_code = 0;
    rt->func_names = func_names;
    rt->nfuncs = nfuncs;
    rt->heap = NULL;
    rt->func = WRT_NO_FUNC;
}

/*
 * Record the trap and unwind.  Only trap and trap_func are written here;
 * wrt_call restores the depth and the outer landing pad.
 */
void
wrt_trap(WrtRt *rt, uint32_t func, WrtTrap t)
{
    rt->trap = t;
    rt->trap_func = func;
    if (rt->landing == NULL) {
        /*
         * Wasm code only runs under wrt_call (every public entry point
         * goes through it), so this is a bug in the runtime or in a host
         * calling raw generated code, not something a module can cause.
         * Stop at once without printing: a library must not write to the
         * host's stderr, and there is nowhere to unwind to.
         */
#if defined(__GNUC__)
        __builtin_trap();
#else
        abort();
#endif
    }
    WRT_LONGJMP(*rt->landing);
}

void
wrt_exit(WrtRt *rt, int code)
{
    rt->exit_code = code;
    wrt_trap(rt, WRT_NO_FUNC, WRT_TRAP_EXIT);
}

/*
 * Only locals set before setjmp and left alone afterwards are read after a
 * longjmp (outer, depth), so none needs to be volatile.
 */
WrtTrap
wrt_call(WrtRt *rt, void (*fn)(void *), void *arg)
{
    WrtJmpBuf pad;
    WrtJmpBuf *outer = rt->landing;
    uint32_t depth = rt->depth;
    WrtRt *outer_rt = wrt_guard_enter(rt);

    rt->landing = &pad;
    if (WRT_SETJMP(pad) == 0) {
        fn(arg);
        rt->landing = outer;
        wrt_guard_leave(outer_rt);
        rt->trap = WRT_TRAP_NONE;
        rt->trap_func = WRT_NO_FUNC;
        return WRT_TRAP_NONE;
    }
    rt->landing = outer;
    wrt_guard_leave(outer_rt);
    rt->depth = depth;
    return rt->trap;
}

/* Wording of the spec interpreter's trap messages (spec tests match it). */
const char *
wrt_trap_message(WrtTrap t)
{
    switch (t) {
    case WRT_TRAP_NONE:
        return "no trap";
    case WRT_TRAP_UNREACHABLE:
        return "unreachable";
    case WRT_TRAP_OOB:
        return "out of bounds memory access";
    case WRT_TRAP_DIV_ZERO:
        return "integer divide by zero";
    case WRT_TRAP_INT_OVERFLOW:
        return "integer overflow";
    case WRT_TRAP_INVALID_CONV:
        return "invalid conversion to integer";
    case WRT_TRAP_INDIRECT_TYPE:
        return "indirect call type mismatch";
    case WRT_TRAP_UNINIT_ELEM:
        return "uninitialized element";
    case WRT_TRAP_UNDEF_ELEM:
        return "undefined element";
    case WRT_TRAP_TABLE_OOB:
        return "out of bounds table access";
    case WRT_TRAP_NULL_REF:
        return "null reference";
    case WRT_TRAP_EXHAUSTION:
        return "call stack exhausted";
    case WRT_TRAP_MEMORY_INIT:
        return "memory allocation failed";
    case WRT_TRAP_EXIT:
        return "exit";
    case WRT_TRAP_COUNT_:
        break;
    }
    return "unknown trap";
}

const char *
wrt_trap_func_name(const WrtRt *rt)
{
    if (rt->trap_func == WRT_NO_FUNC || rt->func_names == NULL ||
        rt->trap_func >= rt->nfuncs)
        return NULL;
    return rt->func_names[rt->trap_func];
}

void
wrt_set_stack_limit(WrtRt *rt, uintptr_t limit)
{
    rt->stack_limit = limit;
}

/* Signatures are canonical strings, so equal types have equal text. */
int
wrt_sig_equal_slow(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    while (*a != '\0' && *a == *b) {   /* strcmp, which freestanding lacks */
        a++;
        b++;
    }
    return *a == *b;
}
