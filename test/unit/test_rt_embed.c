/*
 * test_rt_embed.c - unit tests for rt/embed.c, the calls a host makes into
 * a library instance: limits (memory pages, stack bytes), the status and
 * message of a trap or an exit, nested calls from a host function back
 * into the instance, the host's trap callback, and the stack bound: deep
 * recursion trapped on a small thread stack and under max_stack, and the
 * bound of a call made on a stack that is not the thread's own.
 * Exits 0 when every check passes; prints each failure with its line.
 */
#define _XOPEN_SOURCE 700        /* sigaltstack */

#include "wrt.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char *const names[] = {"start", "parse", "deep"};

/* An instance as generated code lays it out: rt first, embed beside it. */
typedef struct Inst {
    WrtRt rt;
    WrtEmbed embed;
    int steps;                  /* what the thunks did */
    int inner_status;           /* of a nested wrt_embed_call */
    uintptr_t limit_seen;       /* rt.stack_limit inside a call */
    uintptr_t inner_limit_seen;
    uintptr_t lowest;           /* lowest frame the recursion reached */
    uint32_t depth_reached;
} Inst;

static void
inst_init(Inst *in, uint32_t max_depth, uint64_t max_memory,
          size_t max_stack)
{
    memset(in, 0, sizeof(*in));
    wrt_rt_init(&in->rt, names, 3, max_depth);
    wrt_embed_init(&in->embed, max_memory, max_stack);
}

/* ---- limits and messages ------------------------------------------------ */

static void
test_limits(void)
{
    WrtEmbed e;

    wrt_embed_init(&e, 0, 0);
    CHECK(e.max_pages == UINT64_MAX && e.max_stack == 0);
    CHECK(e.state == WRT_EMBED_NEW && e.exit_code == 0);
    CHECK(e.message[0] == '\0');
    CHECK(wrt_embed_max_pages(&e, 65536) == 65536);
    CHECK(wrt_embed_max_pages(&e, 3) == 3);

    /* Whole pages only: floor(bytes / 64 KiB). */
    wrt_embed_init(&e, 3 * (uint64_t)WRT_PAGE_SIZE - 1, 4096);
    CHECK(e.max_pages == 2 && e.max_stack == 4096);
    CHECK(wrt_embed_max_pages(&e, 65536) == 2);
    CHECK(wrt_embed_max_pages(&e, 1) == 1);
    wrt_embed_init(&e, 1, 0);           /* less than a page: none at all */
    CHECK(wrt_embed_max_pages(&e, 10) == 0);

    CHECK(WRT_EMBED_ERROR == WRT_TRAP_COUNT_);
    CHECK(wrt_embed_error(&e, "import \"%s\" \"%s\" is not bound", "host",
                          "log") == WRT_EMBED_ERROR);
    CHECK(strcmp(e.message, "import \"host\" \"log\" is not bound") == 0);
    /* The conversions messages use, formatted without stdio. */
    CHECK(wrt_embed_error(&e, "%d %d %u %s%% %d", -2147483647 - 1, 0,
                          4294967295u, "x", 42) == WRT_EMBED_ERROR);
    CHECK(strcmp(e.message, "-2147483648 0 4294967295 x% 42") == 0);
    /* Long messages are cut to the buffer, NUL-terminated. */
    {
        char long_text[300];
        memset(long_text, 'y', sizeof long_text - 1);
        long_text[sizeof long_text - 1] = '\0';
        CHECK(wrt_embed_error(&e, "%s%d", long_text, 7) == WRT_EMBED_ERROR);
        CHECK(strlen(e.message) == sizeof e.message - 1);
        CHECK(wrt_embed_error(&e, "%u", 123u) == WRT_EMBED_ERROR);
        CHECK(strcmp(e.message, "123") == 0);
    }
}

static void
ok_thunk(void *p)
{
    Inst *in = p;

    wrt_enter(&in->rt, 0);
    in->steps++;
    in->limit_seen = in->rt.stack_limit;
    wrt_leave(&in->rt);
}

static void
div_trap(void *p)
{
    Inst *in = p;

    wrt_enter(&in->rt, 1);
    in->steps++;
    (void)wrt_i32_div_s(&in->rt, 1, 7, 0);
    in->steps += 100;       /* never reached */
}

static void
host_trap(void *p)
{
    Inst *in = p;

    wrt_trap(&in->rt, WRT_NO_FUNC, WRT_TRAP_UNREACHABLE);
}

static void
exit_3(void *p)
{
    Inst *in = p;

    wrt_enter(&in->rt, 0);
    wrt_exit(&in->rt, 3);
}

static void
test_statuses(void)
{
    Inst in;

    inst_init(&in, 100, 0, 0);
    CHECK(wrt_embed_call(&in.rt, &in.embed, ok_thunk, &in) == 0);
    CHECK(in.steps == 1 && in.rt.depth == 0);
    CHECK(in.embed.message[0] == '\0');
    CHECK(in.limit_seen != 0);          /* a bound was set for the call */
    CHECK(in.rt.stack_limit == 0);      /* and taken away after it */
    CHECK(in.rt.landing == NULL);

    CHECK(wrt_embed_call(&in.rt, &in.embed, div_trap, &in) ==
          WRT_TRAP_DIV_ZERO);
    CHECK(in.steps == 2 && in.rt.depth == 0);
    CHECK(strcmp(in.embed.message,
                 "wasm trap: integer divide by zero in \"parse\"") == 0);

    CHECK(wrt_embed_call(&in.rt, &in.embed, host_trap, &in) ==
          WRT_TRAP_UNREACHABLE);
    CHECK(strcmp(in.embed.message, "wasm trap: unreachable") == 0);

    CHECK(wrt_embed_call(&in.rt, &in.embed, exit_3, &in) == WRT_TRAP_EXIT);
    CHECK(in.embed.exit_code == 3 && in.rt.depth == 0);
    CHECK(strcmp(in.embed.message, "wasm exited with status 3") == 0);

    /* The instance stays usable after a trap and after an exit. */
    CHECK(wrt_embed_call(&in.rt, &in.embed, ok_thunk, &in) == 0);
    CHECK(in.steps == 3);
    /* A limit the host set on rt itself is put back afterwards. */
    wrt_set_stack_limit(&in.rt, 12345);
    CHECK(wrt_embed_call(&in.rt, &in.embed, ok_thunk, &in) == 0);
    CHECK(in.limit_seen != 12345 && in.rt.stack_limit == 12345);
}

/* ---- the host's trap callback ------------------------------------------- */

typedef struct Seen {
    int calls;
    int status;
    char message[256];
} Seen;

static void
record_trap(void *ctx, int status, const char *message)
{
    Seen *seen = ctx;

    seen->calls++;
    seen->status = status;
    strncpy(seen->message, message, sizeof seen->message - 1);
}

/* Called after a trap or an exit, with the message set; not on success. */
static void
test_on_trap(void)
{
    Inst in;
    Seen seen;

    memset(&seen, 0, sizeof seen);
    inst_init(&in, 100, 0, 0);
    CHECK(in.embed.on_trap == NULL && in.embed.on_trap_ctx == NULL);
    in.embed.on_trap = record_trap;
    in.embed.on_trap_ctx = &seen;
    CHECK(wrt_embed_call(&in.rt, &in.embed, ok_thunk, &in) == 0);
    CHECK(seen.calls == 0);

    CHECK(wrt_embed_call(&in.rt, &in.embed, div_trap, &in) ==
          WRT_TRAP_DIV_ZERO);
    CHECK(seen.calls == 1 && seen.status == WRT_TRAP_DIV_ZERO);
    CHECK(strcmp(seen.message,
                 "wasm trap: integer divide by zero in \"parse\"") == 0);

    CHECK(wrt_embed_call(&in.rt, &in.embed, exit_3, &in) == WRT_TRAP_EXIT);
    CHECK(seen.calls == 2 && seen.status == WRT_TRAP_EXIT);
    CHECK(strcmp(seen.message, "wasm exited with status 3") == 0);

    CHECK(wrt_embed_call(&in.rt, &in.embed, ok_thunk, &in) == 0);
    CHECK(seen.calls == 2);
    /* wrt_embed_error reports a misuse to the caller, not to the callback */
    CHECK(wrt_embed_error(&in.embed, "misuse") == WRT_EMBED_ERROR);
    CHECK(seen.calls == 2);
}

/* ---- nested calls: a host function calling back into the instance ------- */

static void
inner_traps(void *p)
{
    Inst *in = p;

    wrt_enter(&in->rt, 2);
    in->inner_limit_seen = in->rt.stack_limit;
    wrt_trap(&in->rt, 2, WRT_TRAP_OOB);
}

static void
inner_ok(void *p)
{
    Inst *in = p;

    wrt_enter(&in->rt, 2);
    in->inner_limit_seen = in->rt.stack_limit;
    in->steps++;
    wrt_leave(&in->rt);
}

/* The outer wasm function; the nested calls stand for a host import. */
static void
outer_calls_back(void *p)
{
    Inst *in = p;

    wrt_enter(&in->rt, 0);
    in->limit_seen = in->rt.stack_limit;
    in->inner_status = wrt_embed_call(&in->rt, &in->embed, inner_traps, in);
    CHECK(in->rt.depth == 1);           /* back to the outer function's */
    CHECK(in->rt.stack_limit == in->limit_seen);
    CHECK(wrt_embed_call(&in->rt, &in->embed, inner_ok, in) == 0);
    in->steps++;
    /* The outer landing pad is in place again. */
    wrt_trap(&in->rt, 0, WRT_TRAP_NULL_REF);
}

static void
test_nested(void)
{
    Inst in;

    inst_init(&in, 100, 0, 0);
    CHECK(wrt_embed_call(&in.rt, &in.embed, outer_calls_back, &in) ==
          WRT_TRAP_NULL_REF);
    CHECK(in.inner_status == WRT_TRAP_OOB);
    CHECK(in.steps == 2);
    /* Nested calls keep the outermost call's bound. */
    CHECK(in.limit_seen != 0 && in.inner_limit_seen == in.limit_seen);
    CHECK(strcmp(in.embed.message,
                 "wasm trap: null reference in \"start\"") == 0);
    CHECK(in.rt.depth == 0 && in.rt.landing == NULL);
    CHECK(in.rt.stack_limit == 0);
}

/* ---- the stack bound ---------------------------------------------------- */

/* Recursion stops only when the runtime stops it. */
static volatile uint32_t recurse_limit = 0xFFFFFFFFu;

static uint32_t
recurse(Inst *in, uint32_t n)
{
    volatile char pad[256];
    uintptr_t sp;
    uint32_t r;

    if (n >= recurse_limit)
        return 0;
    wrt_enter(&in->rt, 2);
    sp = WRT_STACK_POINTER();
    if (sp < in->lowest)
        in->lowest = sp;
    if (n > in->depth_reached)
        in->depth_reached = n;
    pad[0] = (char)n;
    pad[255] = pad[0];
    r = recurse(in, n + 1) + (uint32_t)pad[255];
    wrt_leave(&in->rt);
    return r;
}

static void
do_recurse(void *p)
{
    Inst *in = p;

    in->lowest = UINTPTR_MAX;
    (void)recurse(in, 0);
    in->steps++;            /* never reached: the recursion is endless */
}

typedef struct Small {
    Inst in;
    int status;
    int second;
} Small;

static void *
small_thread(void *p)
{
    Small *s = p;

    s->status = wrt_embed_call(&s->in.rt, &s->in.embed, do_recurse, &s->in);
    /* The thread can call again: nothing was left behind. */
    s->second = wrt_embed_call(&s->in.rt, &s->in.embed, do_recurse, &s->in);
    return NULL;
}

/*
 * No depth limit at all: only the stack bound stands between the
 * recursion and the end of a 256 KiB thread stack.
 */
static void
test_small_thread(void)
{
    static Small s;         /* off the small stack */
    pthread_attr_t attr;
    pthread_t th;

    inst_init(&s.in, 0xFFFFFFFFu, 0, 0);
    s.status = s.second = -1;
    CHECK(pthread_attr_init(&attr) == 0);
    CHECK(pthread_attr_setstacksize(&attr, (size_t)256 << 10) == 0);
    CHECK(pthread_create(&th, &attr, small_thread, &s) == 0);
    CHECK(pthread_join(th, NULL) == 0);
    pthread_attr_destroy(&attr);
    CHECK(s.status == WRT_TRAP_EXHAUSTION);
    CHECK(s.second == WRT_TRAP_EXHAUSTION);
    CHECK(s.in.steps == 0 && s.in.rt.depth == 0);
    CHECK(s.in.depth_reached > 10);     /* it did run for a while */
    CHECK(strcmp(s.in.embed.message,
                 "wasm trap: call stack exhausted in \"deep\"") == 0);
}

/*
 * max_stack caps the bytes one call uses, counted from wrt_embed_call's
 * frame, just below `top` here.  The recursion must end within SLACK
 * (those frames, one recursion frame, sanitizer padding) of the cap.
 */
#define SLACK ((uintptr_t)8 << 10)

static void
test_max_stack(void)
{
    static const size_t caps[] = {(size_t)64 << 10, (size_t)200 << 10};
    size_t i;
    Inst in;

    for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        uintptr_t top = WRT_STACK_POINTER();
        uintptr_t used;

        inst_init(&in, 0xFFFFFFFFu, 0, caps[i]);
        CHECK(wrt_embed_call(&in.rt, &in.embed, do_recurse, &in) ==
              WRT_TRAP_EXHAUSTION);
        used = top - in.lowest;
        CHECK(used <= caps[i] + SLACK);
        CHECK(used + SLACK >= caps[i]);
        CHECK(in.rt.stack_limit == 0);
    }

    /* A cap larger than the thread has changes nothing. */
    inst_init(&in, 0xFFFFFFFFu, 0, SIZE_MAX);
    CHECK(wrt_embed_call(&in.rt, &in.embed, ok_thunk, &in) == 0);
    {
        Inst plain;

        inst_init(&plain, 100, 0, 0);
        CHECK(wrt_embed_call(&plain.rt, &plain.embed, ok_thunk, &plain) ==
              0);
        CHECK(in.limit_seen == plain.limit_seen);
    }
}

/*
 * A call whose frame lies outside the thread's own stack (a coroutine or
 * fiber on a stack of the host's making; here a signal handler on an
 * alternate stack) cannot use the thread's bounds: it gets the 1 MiB
 * assumed for an unknown stack below its frame.  The thread's stack and
 * the alternate one are carved from one buffer, the alternate one above,
 * so the frame is above the thread's stack: the thread's lowest address
 * is no bound for it.
 */
#define UNKNOWN_STACK ((uintptr_t)1 << 20)
#define THREAD_STACK ((size_t)256 << 10)
#define ALT_STACK ((size_t)64 << 10)

typedef struct Fiber {
    Inst in;
    unsigned char *buf;         /* THREAD_STACK, a gap, then ALT_STACK */
    uintptr_t thread_limit;     /* of a call on the thread's own stack */
    uintptr_t here;             /* the signal handler's frame */
    int status;                 /* of its call */
} Fiber;

static Fiber fiber;

static void
on_alt_stack(int sig)
{
    (void)sig;
    fiber.here = WRT_STACK_POINTER();
    fiber.status = wrt_embed_call(&fiber.in.rt, &fiber.in.embed, ok_thunk,
                                  &fiber.in);
}

static void *
fiber_thread(void *p)
{
    struct sigaction sa, old_sa;
    stack_t ss, old_ss;

    (void)p;
    CHECK(wrt_embed_call(&fiber.in.rt, &fiber.in.embed, ok_thunk,
                         &fiber.in) == 0);
    fiber.thread_limit = fiber.in.limit_seen;

    ss.ss_sp = fiber.buf + 2 * THREAD_STACK;
    ss.ss_size = ALT_STACK;
    ss.ss_flags = 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alt_stack;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaltstack(&ss, &old_ss) == 0);
    CHECK(sigaction(SIGUSR1, &sa, &old_sa) == 0);
    CHECK(raise(SIGUSR1) == 0);         /* to this thread */
    CHECK(sigaction(SIGUSR1, &old_sa, NULL) == 0);
    CHECK(sigaltstack(&old_ss, NULL) == 0);
    return NULL;
}

static void
test_foreign_stack(void)
{
    pthread_attr_t attr;
    pthread_t th;
    void *buf = NULL;

    CHECK(posix_memalign(&buf, 65536, 2 * THREAD_STACK + ALT_STACK) == 0);
    if (buf == NULL)
        return;
    fiber.buf = buf;
    fiber.status = -1;
    inst_init(&fiber.in, 100, 0, 0);
    CHECK(pthread_attr_init(&attr) == 0);
    CHECK(pthread_attr_setstack(&attr, buf, THREAD_STACK) == 0);
    CHECK(pthread_create(&th, &attr, fiber_thread, NULL) == 0);
    CHECK(pthread_join(th, NULL) == 0);
    pthread_attr_destroy(&attr);

    /* on the thread's stack: its lowest address plus the margin */
    CHECK(fiber.thread_limit > (uintptr_t)buf &&
          fiber.thread_limit < (uintptr_t)buf + THREAD_STACK);
    CHECK(fiber.status == 0);
    CHECK(fiber.here > (uintptr_t)buf + 2 * THREAD_STACK);
    CHECK(fiber.in.limit_seen + UNKNOWN_STACK <= fiber.here &&
          fiber.in.limit_seen + UNKNOWN_STACK + SLACK > fiber.here);
    free(buf);
}

int
main(void)
{
    test_limits();
    test_statuses();
    test_on_trap();
    test_nested();
    test_small_thread();
    test_max_stack();
    test_foreign_stack();
    if (failures != 0) {
        fprintf(stderr, "test_rt_embed: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_rt_embed: ok\n");
    return 0;
}
