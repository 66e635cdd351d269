/*
 * run.c - the entry machinery of WASI executables: the context's life
 * cycle, and wasi_run, which runs the module on a thread with a large
 * stack, bounds that stack for wrt_enter, and turns the outcome (return,
 * proc_exit, trap) into the process exit status.  The generated main()
 * calls these; the WASI calls themselves live in fd.c, path.c, sock.c and
 * proc.c.  The grants here are the only way capabilities reach a guest:
 * nothing is inherited from the host unless a grant names it.
 */
#define _POSIX_C_SOURCE 200809L

#include "ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* A context with an empty environment; stdio as wasi_fd_table_init says. */
static WasiCtx *
ctx_new(int with_stdio)
{
    WasiCtx *w = calloc(1, sizeof(*w));

    if (w == NULL)
        return NULL;
    w->env = calloc(1, sizeof(char *));
    if (w->env == NULL || wasi_fd_table_init(w, with_stdio) != 0) {
        free(w->env);
        free(w);
        return NULL;
    }
    return w;
}

WasiCtx *
wasi_ctx_new(int argc, char **argv)
{
    WasiCtx *w = ctx_new(1);

    if (w == NULL)
        return NULL;
    w->argc = argv != NULL && argc > 0 ? argc : 0;
    w->argv = argv;
    return w;
}

/*
 * A plugin's host owns the process: its stdio is not the guest's unless
 * granted, and its file status flags are not ours to save or restore.
 */
WasiCtx *
wasi_ctx_new_embedded(void)
{
    return ctx_new(0);
}

void
wasi_ctx_bind(WasiCtx *w, WrtRt *rt, WrtMemory *mem)
{
    w->rt = rt;
    w->mem = mem;
}

/* Free argv when the context owns it. */
static void
free_args(WasiCtx *w)
{
    int i;

    if (w->owns_argv) {
        for (i = 0; i < w->argc; i++)
            free(w->argv[i]);
        free(w->argv);
    }
    w->argc = 0;
    w->argv = NULL;
    w->owns_argv = 0;
}

void
wasi_ctx_free(WasiCtx *w)
{
    uint32_t i;

    if (w == NULL)
        return;
    wasi_fd_table_free(w);
    free_args(w);
    for (i = 0; i < w->nenv; i++)
        free(w->env[i]);
    free(w->env);
    free(w);
}

const char *
wasi_ctx_error(const WasiCtx *w)
{
    return w->error;
}

/* ---- capability grants -------------------------------------------------- */

static int
fail(WasiCtx *w, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(w->error, sizeof w->error, fmt, ap);
    va_end(ap);
    return -1;
}

/*
 * The copies are made before the old argv goes, so a failure leaves the
 * context as it was.
 */
int
wasi_ctx_set_args(WasiCtx *w, int argc, const char *const *argv)
{
    char **copy;
    int i;

    if (argc < 0 || (argc > 0 && argv == NULL))
        return fail(w, "invalid argument list (argc %d)", argc);
    for (i = 0; i < argc; i++)
        if (argv[i] == NULL)
            return fail(w, "argument %d of %d is NULL", i, argc);
    copy = calloc((size_t)argc + 1, sizeof(char *));
    if (copy == NULL)
        return fail(w, "out of memory");
    for (i = 0; i < argc; i++) {
        copy[i] = strdup(argv[i]);
        if (copy[i] == NULL) {
            while (i-- > 0)
                free(copy[i]);
            free(copy);
            return fail(w, "out of memory");
        }
    }
    free_args(w);
    w->argc = argc;
    w->argv = copy;
    w->owns_argv = 1;
    return 0;
}

/*
 * The entry is replaced whole (whatever the guest left there is released,
 * closing it only if the runtime owns it).  The new one is borrowed, so
 * fd_close, fd_renumber and wasi_ctx_free never close the host's fd, and
 * it lacks fd_fdstat_set_flags: O_APPEND and O_NONBLOCK belong to the
 * open file description, which the host shares.
 */
int
wasi_ctx_grant_stdio(WasiCtx *w, int guest_fd, int host_fd)
{
    WasiFd f;

    if (guest_fd < 0 || guest_fd > 2)
        return fail(w, "guest fd %d is not 0, 1 or 2", guest_fd);
    if (host_fd < -1)
        return fail(w, "invalid host fd %d", host_fd);
    if (host_fd != -1 && wasi_fd_describe_host(host_fd, &f) != 0)
        return fail(w, "host fd %d: %s", host_fd, strerror(errno));
    /* Slots 0-2 exist in every table (wasi_fd_table_init). */
    if (w->fds[guest_fd].is_open)
        wasi_fd_release(&w->fds[guest_fd]);
    if (host_fd == -1)
        return 0;
    f.rights_base &= ~WASI_RIGHTS_FD_FDSTAT_SET_FLAGS;
    w->fds[guest_fd] = f;
    return 0;
}

/* Length of NAME in "NAME=VALUE"; 0 when there is no '=' or no name. */
static size_t
env_name_len(const char *s)
{
    const char *eq = strchr(s, '=');

    return eq != NULL ? (size_t)(eq - s) : 0;
}

/* Add NAME=VALUE (name of length nlen), replacing an earlier NAME. */
static int
env_put(WasiCtx *w, const char *name, size_t nlen, const char *value)
{
    size_t vlen = strlen(value);
    char *s, **grown;
    uint32_t i;

    if (nlen == 0 || memchr(name, '=', nlen) != NULL)
        return fail(w, "'%.*s' is not a valid environment variable name",
                    (int)nlen, name);
    s = malloc(nlen + 1 + vlen + 1);
    if (s == NULL)
        return fail(w, "out of memory");
    memcpy(s, name, nlen);
    s[nlen] = '=';
    memcpy(s + nlen + 1, value, vlen + 1);
    for (i = 0; i < w->nenv; i++) {
        if (env_name_len(w->env[i]) == nlen &&
            memcmp(w->env[i], name, nlen) == 0) {
            free(w->env[i]);
            w->env[i] = s;
            return 0;
        }
    }
    grown = realloc(w->env, (w->nenv + 2) * sizeof(char *));
    if (grown == NULL) {
        free(s);
        return fail(w, "out of memory");
    }
    w->env = grown;
    w->env[w->nenv++] = s;
    w->env[w->nenv] = NULL;
    return 0;
}

int
wasi_ctx_grant_env(WasiCtx *w, const char *name_value)
{
    size_t nlen = env_name_len(name_value);

    if (nlen == 0)
        return fail(w, "'%s' is not NAME=VALUE", name_value);
    return env_put(w, name_value, nlen, name_value + nlen + 1);
}

int
wasi_ctx_grant_env_from_host(WasiCtx *w, const char *name)
{
    const char *value;

    if (name[0] == '\0' || strchr(name, '=') != NULL)
        return fail(w, "'%s' is not a valid environment variable name",
                    name);
    value = getenv(name);
    if (value == NULL)
        return 0;   /* not set on the host: nothing to pass on */
    return env_put(w, name, strlen(name), value);
}

int
wasi_ctx_grant_dir(WasiCtx *w, const char *host, const char *guest)
{
    WasiFd f;
    struct stat st;
    uint32_t fd, err;
    int h;

    if (guest == NULL)
        guest = host;
    if (host[0] == '\0')
        return fail(w, "empty directory name");
    if (guest[0] == '\0')
        return fail(w, "empty guest path for directory '%s'", host);
    do {
        h = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } while (h < 0 && errno == EINTR);
    if (h < 0)
        return fail(w, "cannot open directory '%s': %s", host,
                    strerror(errno));
    if (fstat(h, &st) != 0 || !S_ISDIR(st.st_mode)) {
        close(h);
        return fail(w, "'%s' is not a directory", host);
    }
    memset(&f, 0, sizeof f);
    f.host = h;
    f.is_owned = 1;
    f.filetype = WASI_FILETYPE_DIRECTORY;
    f.rights_base = WASI_RIGHTS_DIR;
    f.rights_inheriting = WASI_RIGHTS_ALL;
    f.preopen = malloc(strlen(guest) + 1);
    if (f.preopen == NULL) {
        close(h);
        return fail(w, "out of memory");
    }
    strcpy(f.preopen, guest);
    err = wasi_fd_insert(w, &f, &fd);
    if (err != 0) {
        close(h);
        free(f.preopen);
        return fail(w, "cannot preopen '%s': too many descriptors", host);
    }
    return 0;
}

/* Prefix the message of a failed grant with where the grant came from. */
static int
fail_from(WasiCtx *w, const char *source)
{
    char msg[sizeof w->error];

    memcpy(msg, w->error, sizeof msg);
    return fail(w, "%s: %s", source, msg);
}

/* Grant "HOST[::GUEST]" (split at the first "::"). */
static int
grant_dir_spec(WasiCtx *w, const char *spec, size_t len, const char *source)
{
    char *buf = malloc(len + 1);
    char *sep;
    int rc;

    if (buf == NULL)
        return fail(w, "out of memory");
    memcpy(buf, spec, len);
    buf[len] = '\0';
    sep = strstr(buf, "::");
    if (sep != NULL)
        *sep = '\0';
    rc = wasi_ctx_grant_dir(w, buf, sep != NULL ? sep + 2 : NULL);
    free(buf);
    return rc == 0 ? 0 : fail_from(w, source);
}

/*
 * Apply grant() to every ';'-separated item of a W2C_* list variable
 * (empty items are skipped, so a trailing ';' is harmless).
 */
static int
grant_list(WasiCtx *w, const char *var,
           int (*grant)(WasiCtx *, const char *, size_t, const char *))
{
    const char *s = getenv(var), *end;

    if (s == NULL)
        return 0;
    while (*s != '\0') {
        end = strchr(s, ';');
        if (end == NULL)
            end = s + strlen(s);
        if (end > s && grant(w, s, (size_t)(end - s), var) != 0)
            return -1;
        s = *end == ';' ? end + 1 : end;
    }
    return 0;
}

/* A copy of s[0, len) for the grant functions that take strings. */
static int
with_copy(WasiCtx *w, const char *s, size_t len, const char *source,
          int (*grant)(WasiCtx *, const char *))
{
    char *buf = malloc(len + 1);
    int rc;

    if (buf == NULL)
        return fail(w, "out of memory");
    memcpy(buf, s, len);
    buf[len] = '\0';
    rc = grant(w, buf);
    free(buf);
    return rc == 0 ? 0 : fail_from(w, source);
}

static int
pass_env_item(WasiCtx *w, const char *s, size_t len, const char *source)
{
    return with_copy(w, s, len, source, wasi_ctx_grant_env_from_host);
}

static int
listen_item(WasiCtx *w, const char *s, size_t len, const char *source)
{
    return with_copy(w, s, len, source, wasi_ctx_grant_listen);
}

extern char **environ;

#define ENV_PREFIX "W2C_ENV_"

int
wasi_ctx_grant_all(WasiCtx *w, const WasiGrants *g)
{
    char **e;
    size_t i;

    if (g != NULL) {
        for (i = 0; g->env != NULL && g->env[i] != NULL; i++)
            if (wasi_ctx_grant_env(w, g->env[i]) != 0)
                return fail_from(w, "--env");
        for (i = 0; g->pass_env != NULL && g->pass_env[i] != NULL; i++)
            if (wasi_ctx_grant_env_from_host(w, g->pass_env[i]) != 0)
                return fail_from(w, "--pass-env");
        for (i = 0; g->dirs != NULL && g->dirs[i] != NULL; i += 2)
            if (wasi_ctx_grant_dir(w, g->dirs[i], g->dirs[i + 1]) != 0)
                return fail_from(w, "--dir");
    }
    if (grant_list(w, "W2C_DIR", grant_dir_spec) != 0)
        return -1;
    if (g != NULL)
        for (i = 0; g->listen != NULL && g->listen[i] != NULL; i++)
            if (wasi_ctx_grant_listen(w, g->listen[i]) != 0)
                return fail_from(w, "--listen");
    if (grant_list(w, "W2C_LISTEN", listen_item) != 0)
        return -1;
    /* W2C_ENV_NAME=VALUE grants NAME=VALUE, in the host's order. */
    for (e = environ; e != NULL && *e != NULL; e++) {
        const char *name = *e + strlen(ENV_PREFIX);
        size_t nlen;

        if (strncmp(*e, ENV_PREFIX, strlen(ENV_PREFIX)) != 0)
            continue;
        nlen = env_name_len(name);
        if (env_put(w, name, nlen, name + nlen + 1) != 0) {
            char source[64];

            snprintf(source, sizeof source, "%.*s", (int)(name - *e + nlen),
                     *e);
            return fail_from(w, source);
        }
    }
    return grant_list(w, "W2C_PASS_ENV", pass_env_item);
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
