/*
 * run.c - the entry machinery of WASI executables: the context's life
 * cycle, and wasi_run, which runs the module on a thread with a large
 * stack, bounds that stack for wrt_enter, and turns the outcome (return,
 * proc_exit, trap) into the process exit status.  The generated main()
 * calls these; the WASI calls themselves live in fd.c and proc.c.
 */
#define _POSIX_C_SOURCE 200809L

#include "ctx.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* Stack for wasm code; thread stacks are mapped lazily, so this is cheap. */
#define WASM_STACK_SIZE ((size_t)256 << 20)
/* Smaller stack tried when the large one cannot be had. */
#define WASM_STACK_SMALL ((size_t)32 << 20)
/*
 * Room kept below the limit for the frame that crosses it, runtime
 * helpers and WASI calls (plus the thread's TLS, which glibc carves out of
 * the requested size).
 */
#define STACK_MARGIN ((size_t)256 << 10)
/* Exit status after a trap: what abort() gives a shell (128 + SIGABRT). */
#define TRAP_STATUS 134

WasiCtx *
wasi_ctx_new(int argc, char **argv, const char *const *env)
{
    WasiCtx *w = calloc(1, sizeof(*w));

    if (w == NULL)
        return NULL;
    w->argc = argv != NULL && argc > 0 ? argc : 0;
    w->argv = argv;
    w->env = env;
    if (wasi_fd_table_init(w) != 0) {
        free(w);
        return NULL;
    }
    return w;
}

void
wasi_ctx_bind(WasiCtx *w, WrtRt *rt, WrtMemory *mem)
{
    w->rt = rt;
    w->mem = mem;
}

void
wasi_ctx_free(WasiCtx *w)
{
    if (w == NULL)
        return;
    wasi_fd_table_free(w);
    free(w);
}

typedef struct RunArgs {
    WrtRt *rt;
    void (*entry)(void *);
    void *arg;
    size_t stack_size;      /* usable bytes below the starting frame */
    WrtTrap trap;
} RunArgs;

/*
 * The stack grows down from about here, so the lowest address wasm code
 * may use is this frame's address minus the stack size, plus the margin.
 */
static void
run_here(RunArgs *r)
{
    char here;
    uintptr_t top = (uintptr_t)&here;
    uintptr_t room = r->stack_size > STACK_MARGIN
                         ? r->stack_size - STACK_MARGIN : 0;

    wrt_set_stack_limit(r->rt, room != 0 && top > room ? top - room : 0);
    r->trap = wrt_call(r->rt, r->entry, r->arg);
}

static void *
run_thread(void *p)
{
    run_here(p);
    return NULL;
}

static int
run_on_thread(RunArgs *r, size_t size)
{
    pthread_attr_t attr;
    pthread_t th;
    int rc;

    if (pthread_attr_init(&attr) != 0)
        return -1;
    rc = pthread_attr_setstacksize(&attr, size);
    if (rc == 0) {
        r->stack_size = size;
        rc = pthread_create(&th, &attr, run_thread, r);
    }
    pthread_attr_destroy(&attr);
    if (rc != 0)
        return -1;
    return pthread_join(th, NULL) == 0 ? 0 : -1;
}

/*
 * Fallback on the calling thread: its size comes from RLIMIT_STACK (8 MiB
 * assumed when unlimited), and part of it is already in use above us, so
 * keep an eighth of it in reserve as well.
 */
static void
run_on_this_thread(RunArgs *r)
{
    struct rlimit rl;
    size_t size = (size_t)8 << 20;

    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)SIZE_MAX)
        size = (size_t)rl.rlim_cur;
    r->stack_size = size - size / 8;
    run_here(r);
}

static const char *
prog_name(const WasiCtx *w)
{
    const char *p, *slash;

    if (w->argc < 1 || w->argv[0] == NULL || w->argv[0][0] == '\0')
        return "wasm";
    p = w->argv[0];
    slash = strrchr(p, '/');
    return slash != NULL && slash[1] != '\0' ? slash + 1 : p;
}

int
wasi_run(WasiCtx *w, WrtRt *rt, void (*entry)(void *), void *arg)
{
    RunArgs r;
    uintptr_t old_limit = rt->stack_limit;
    const char *fn;

    w->rt = rt;
    r.rt = rt;
    r.entry = entry;
    r.arg = arg;
    r.trap = WRT_TRAP_NONE;
    if (run_on_thread(&r, WASM_STACK_SIZE) != 0 &&
        run_on_thread(&r, WASM_STACK_SMALL) != 0)
        run_on_this_thread(&r);
    /* The limit belonged to the stack we ran on. */
    wrt_set_stack_limit(rt, old_limit);

    switch (r.trap) {
    case WRT_TRAP_NONE:
        return 0;
    case WRT_TRAP_EXIT:
        return rt->exit_code;
    default:
        break;
    }
    fn = wrt_trap_func_name(rt);
    if (fn != NULL)
        fprintf(stderr, "%s: wasm trap: %s in \"%s\"\n", prog_name(w),
                wrt_trap_message(r.trap), fn);
    else
        fprintf(stderr, "%s: wasm trap: %s\n", prog_name(w),
                wrt_trap_message(r.trap));
    return TRAP_STATUS;
}
