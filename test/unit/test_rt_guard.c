/*
 * test_rt_guard.c - unit tests for the `guard` bounds strategy (mem.c):
 * a fault inside a guard reservation while wasm runs (wrt_call) becomes
 * an out of bounds trap naming rt->func, on any thread; grown pages are
 * usable and zero; every other fault (outside any reservation, or with no
 * wasm running) reaches the handler the host installed before; a freed
 * memory is no longer ours; a heap in a buffer is refused.  Exits 0 when
 * every check passes; prints each failure with its line.  On hosts
 * without guard support it checks that wrt_memory_init_guard refuses.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "wrt.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* The host's own SIGSEGV handler, installed before any guard memory. */
static sigjmp_buf host_pad;
static volatile sig_atomic_t host_faults;
static void *volatile host_addr;

static void
host_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    host_faults++;
    host_addr = si->si_addr;
    siglongjmp(host_pad, 1);
}

/* What "wasm code" does under wrt_call: one byte access at p. */
typedef struct Touch {
    WrtRt *rt;
    volatile uint8_t *p;
    uint32_t func;
    uint8_t value;
} Touch;

static void
touch(void *arg)
{
    Touch *t = arg;

    t->rt->func = t->func;
    t->value = *t->p;
    *t->p = (uint8_t)(t->value + 1);
}

/* wrt_call(touch) at p as function func: the trap, or -1 for the host's */
static int
call_touch(WrtRt *rt, uint8_t *p, uint32_t func)
{
    Touch t;

    t.rt = rt;
    t.p = p;
    t.func = func;
    t.value = 0;
    if (sigsetjmp(host_pad, 1) != 0)
        return -1;
    return (int)wrt_call(rt, touch, &t);
}

static void *
thread_main(void *arg)
{
    WrtMemory *m = arg;
    WrtRt rt;
    static int result[2];

    wrt_rt_init(&rt, NULL, 0, 100);
    result[0] = call_touch(&rt, m->base + 100, 3);
    result[1] = call_touch(&rt, m->base + m->size + 5, 4) == WRT_TRAP_OOB &&
                rt.trap_func == 4;
    return result;
}

int
main(void)
{
    struct sigaction sa;
    WrtMemory m, m2;
    WrtRt rt;
    uint8_t buf[4096], *far, *other, *old;
    pthread_t th;
    void *res;
    int *r;

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = host_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
    CHECK(sigaction(SIGBUS, &sa, NULL) == 0);

    if (sizeof(void *) < 8) {
        CHECK(wrt_memory_init_guard(&m, NULL, 1, 2) == -1);
        return failures != 0;
    }
    CHECK(wrt_memory_init_guard(&m, (WrtHeap *)buf, 1, 2) == -1);
    CHECK(wrt_memory_init_guard(&m, NULL, 3, 2) == -1);
    CHECK(wrt_memory_init_guard(&m, NULL, 1, 2) == 0);
    CHECK(m.guard && m.size == WRT_PAGE_SIZE);
    CHECK(m.capacity == WRT_GUARD_RESERVE);
    wrt_rt_init(&rt, NULL, 0, 100);

    /* in bounds: no trap; the last byte too */
    CHECK(call_touch(&rt, m.base + 10, 1) == WRT_TRAP_NONE);
    CHECK(m.base[10] == 1);
    CHECK(call_touch(&rt, m.base + m.size - 1, 1) == WRT_TRAP_NONE);
    /* just past the end, and at the far end of the reservation */
    CHECK(call_touch(&rt, m.base + m.size, 7) == WRT_TRAP_OOB);
    CHECK(rt.trap == WRT_TRAP_OOB && rt.trap_func == 7);
    far = m.base + WRT_GUARD_RESERVE - 1;
    CHECK(call_touch(&rt, far, 8) == WRT_TRAP_OOB && rt.trap_func == 8);
    CHECK(host_faults == 0);
    /* traps again and again: the signal is not left blocked */
    CHECK(call_touch(&rt, m.base + 2 * m.size, 9) == WRT_TRAP_OOB);
    CHECK(call_touch(&rt, m.base + 3 * m.size, 9) == WRT_TRAP_OOB);

    /* growth makes the next page usable, and it reads as zero */
    CHECK(wrt_memory_grow(&m, 1) == 1);
    CHECK(call_touch(&rt, m.base + WRT_PAGE_SIZE + 20, 2) == WRT_TRAP_NONE);
    CHECK(m.base[WRT_PAGE_SIZE + 20] == 1);
    CHECK(wrt_memory_grow(&m, 1) == 0xFFFFFFFFu);      /* past max 2 */
    CHECK(call_touch(&rt, m.base + m.size, 2) == WRT_TRAP_OOB);

    /* inside a reservation with no wasm running: the host's too */
    if (sigsetjmp(host_pad, 1) == 0)
        (void)*(volatile uint8_t *)(m.base + m.size + 1);
    CHECK(host_faults == 1 && host_addr == m.base + m.size + 1);
    /* and the runtime still traps afterwards */
    CHECK(call_touch(&rt, m.base + m.size, 6) == WRT_TRAP_OOB);

    /* another thread: its own signal stack, its own instance */
    CHECK(pthread_create(&th, NULL, thread_main, &m) == 0);
    CHECK(pthread_join(th, &res) == 0);
    r = res;
    CHECK(r[0] == WRT_TRAP_NONE && r[1] == 1);

    /* no address space for the reservation: refused, nothing half made */
    {
        pid_t pid = fork();
        int status = -1;
        if (pid == 0) {
            struct rlimit lim = {(rlim_t)1 << 30, (rlim_t)1 << 30};
            WrtMemory m3;
            int ok = setrlimit(RLIMIT_AS, &lim) == 0 &&
                     wrt_memory_init_guard(&m3, NULL, 1, 2) == -1 &&
                     m3.base == NULL && m3.size == 0;
            _exit(ok ? 0 : 1);
        }
        CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }

    /* a second memory, then the first freed: its range is not ours */
    CHECK(wrt_memory_init_guard(&m2, NULL, 0, 1) == 0);
    CHECK(call_touch(&rt, m2.base, 11) == WRT_TRAP_OOB);
    old = m.base;
    wrt_memory_free(&m);
    CHECK(m.base == NULL);
    CHECK(call_touch(&rt, m2.base + 5, 12) == WRT_TRAP_OOB &&
          rt.trap_func == 12);
    /*
     * A fault outside any reservation, while wasm runs: the host's.  The
     * page is mapped where the freed memory was, if the kernel agrees.
     * Last, because the host's handler jumps out of wrt_call for good.
     */
    other = mmap(old, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(other != MAP_FAILED);
    CHECK(call_touch(&rt, other, 5) == -1);
    CHECK(host_faults == 2 && host_addr == other);
    wrt_memory_free(&m2);
    munmap(other, 4096);
    return failures != 0;
}
