/*
 * embed.c - calls into a plugin instance from a host program: the stack
 * bound of the calling thread, limits, and the messages a host reads back.
 *
 * A library instance may be called from any thread, one at a time, so the
 * C stack that wasm code runs on is the caller's.  Each outermost call
 * finds the calling thread's stack (once per thread, cached in thread-local
 * storage), keeps a margin below the lowest frame wasm code may use for
 * host functions and WASI calls, and hands that limit to wrt_enter.  Nested
 * calls (a host function calling back into the same instance) keep the
 * outer call's limit.  Nothing here touches process-wide state: no signal
 * handler, no global variable other than the per-thread cache.  A
 * freestanding build knows no threads: only the host's max_stack bounds
 * the stack there (with max_call_depth).  Messages are formatted here
 * (format_message), without stdio.
 */
#if defined(__linux__) || defined(__GLIBC__)
#define _GNU_SOURCE         /* pthread_getattr_np */
#endif

#include "wrt.h"

#include <stdarg.h>

#if __STDC_HOSTED__ &&                                                      \
    (defined(__linux__) || defined(__GLIBC__) || defined(__APPLE__))
#include <pthread.h>
#define HAVE_THREAD_STACK 1
#endif

/* Room kept below the limit for host functions, WASI calls and helpers. */
#define STACK_MARGIN ((uintptr_t)128 << 10)
/* Assumed stack below the first frame when the thread's cannot be known. */
#define STACK_UNKNOWN ((uintptr_t)1 << 20)

#if !defined(HAVE_THREAD_STACK)
/* nothing to cache */
#elif defined(__GNUC__)
#define WRT_THREAD_LOCAL __thread
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define WRT_THREAD_LOCAL _Thread_local
#endif

void
wrt_embed_init(WrtEmbed *e, uint64_t max_memory_bytes, size_t max_stack)
{
    e->max_pages = max_memory_bytes != 0 ? max_memory_bytes / WRT_PAGE_SIZE
                                         : UINT64_MAX;
    e->max_stack = max_stack;
    e->state = WRT_EMBED_NEW;
    e->exit_code = 0;
    e->message[0] = '\0';
    e->on_trap = NULL;
    e->on_trap_ctx = NULL;
}

uint64_t
wrt_embed_max_pages(const WrtEmbed *e, uint64_t module_max_pages)
{
    return module_max_pages < e->max_pages ? module_max_pages : e->max_pages;
}

/* Append s to the message being built in buf (size bytes, at *len). */
static void
put_text(char *buf, size_t size, size_t *len, const char *s)
{
    while (*s != '\0' && *len + 1 < size)
        buf[(*len)++] = *s++;
    buf[*len] = '\0';
}

/*
 * vsnprintf for the few conversions messages use: %s, %d, %u and %%.
 * Truncates to size - 1 bytes.
 */
static void
format_message(char *buf, size_t size, const char *fmt, va_list ap)
{
    size_t len = 0;
    char num[24], *p;
    unsigned long u;
    long d;

    buf[0] = '\0';
    for (; *fmt != '\0' && len + 1 < size; fmt++) {
        if (*fmt != '%' || fmt[1] == '\0') {
            buf[len++] = *fmt;
            buf[len] = '\0';
            continue;
        }
        switch (*++fmt) {
        case 's':
            put_text(buf, size, &len, va_arg(ap, const char *));
            continue;
        case 'd':
            d = va_arg(ap, int);
            if (d < 0)
                put_text(buf, size, &len, "-");
            u = d < 0 ? 0ul - (unsigned long)d : (unsigned long)d;
            break;
        case 'u':
            u = va_arg(ap, unsigned);
            break;
        default:        /* "%%", and anything else as written */
            num[0] = *fmt;
            num[1] = '\0';
            put_text(buf, size, &len, num);
            continue;
        }
        p = num + sizeof num - 1;
        *p = '\0';
        do
            *--p = (char)('0' + u % 10);
        while ((u /= 10) != 0);
        put_text(buf, size, &len, p);
    }
}

int
wrt_embed_error(WrtEmbed *e, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    format_message(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return WRT_EMBED_ERROR;
}

/*
 * The calling thread's stack as [*low, *high); both 0 when unknown.  A
 * thread's stack never moves, so the answer is cached per thread.
 */
static void
thread_stack(uintptr_t *low, uintptr_t *high)
{
#if defined(WRT_THREAD_LOCAL)
    static WRT_THREAD_LOCAL uintptr_t cached_low, cached_high;
    static WRT_THREAD_LOCAL int known;

    if (known) {
        *low = cached_low;
        *high = cached_high;
        return;
    }
#endif
    *low = 0;
    *high = 0;
#if defined(HAVE_THREAD_STACK) && defined(__APPLE__)
    {
        pthread_t self = pthread_self();

        *high = (uintptr_t)pthread_get_stackaddr_np(self);
        *low = *high - (uintptr_t)pthread_get_stacksize_np(self);
    }
#elif defined(HAVE_THREAD_STACK)
    {
        pthread_attr_t attr;
        void *addr;
        size_t size;

        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
                *low = (uintptr_t)addr;
                *high = *low + size;
            }
            pthread_attr_destroy(&attr);
        }
    }
#endif
#if defined(WRT_THREAD_LOCAL)
    cached_low = *low;
    cached_high = *high;
    known = 1;
#endif
}

/*
 * The lowest stack address wasm code may use in a call whose frame is at
 * `here`.  A frame outside the thread's own stack (a coroutine or fiber on
 * a stack of the host's making) is treated like an unknown stack:
 * STACK_UNKNOWN bytes, less if e->max_stack says so.  Freestanding, only
 * e->max_stack counts (0: no bound).
 */
static uintptr_t
stack_limit_at(const WrtEmbed *e, uintptr_t here)
{
    uintptr_t low, high, limit;

    thread_stack(&low, &high);
    if (low != 0 && here > low && here <= high)
        limit = here - low > STACK_MARGIN ? low + STACK_MARGIN : here;
    else if (__STDC_HOSTED__)
        limit = here > STACK_UNKNOWN ? here - STACK_UNKNOWN : 0;
    else
        limit = 0;
    if (e->max_stack != 0 && here > e->max_stack &&
        here - e->max_stack > limit)
        limit = here - e->max_stack;
    return limit;
}

int
wrt_embed_call(WrtRt *rt, WrtEmbed *e, void (*fn)(void *), void *arg)
{
    int outermost = rt->landing == NULL;
    uintptr_t old_limit = rt->stack_limit;
    const char *name;
    WrtTrap t;

    if (outermost)
        wrt_set_stack_limit(rt, stack_limit_at(e, WRT_STACK_POINTER()));
    t = wrt_call(rt, fn, arg);
    if (outermost)
        wrt_set_stack_limit(rt, old_limit);
    if (t == WRT_TRAP_NONE)
        return 0;
    if (t == WRT_TRAP_EXIT) {
        e->exit_code = rt->exit_code;
        (void)wrt_embed_error(e, "wasm exited with status %d",
                              rt->exit_code);
    } else {
        name = wrt_trap_func_name(rt);
        if (name != NULL)
            (void)wrt_embed_error(e, "wasm trap: %s in \"%s\"",
                                  wrt_trap_message(t), name);
        else
            (void)wrt_embed_error(e, "wasm trap: %s", wrt_trap_message(t));
    }
    if (e->on_trap != NULL)
        e->on_trap(e->on_trap_ctx, (int)t, e->message);
    return (int)t;
}
