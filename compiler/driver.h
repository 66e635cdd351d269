/*
 * driver.h - run the system C compiler over generated C and the runtime.
 *
 * main.c writes the generated .c/.h files and then asks the driver to turn
 * them into an executable, an object file or a static library, for this
 * machine or a --target.  The driver finds the runtime sources (rt/,
 * wasi-rt/), chooses the target's compiler and flags, builds argument
 * vectors (never shell strings), runs the compiler jobs in parallel with
 * posix_spawnp and waits for them.
 * The compiler's diagnostics go straight to our stderr.  The driver never
 * calls exit: it returns a DriverStatus that main.c maps to an exit status.
 */
#ifndef COMPILER_DRIVER_H
#define COMPILER_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

typedef enum DriverMode {
    DRIVER_EXE,     /* compile generated C + runtime, link an executable */
    DRIVER_OBJ,     /* compile the generated C alone with -c */
    DRIVER_LIB      /* compile generated C + runtime with the prefix, archive */
} DriverMode;

typedef enum DriverStatus {
    DRIVER_OK = 0,
    DRIVER_SETUP_ERROR, /* runtime not found, out of memory, I/O (exit 2) */
    DRIVER_CC_FAILED,   /* the C compiler or the archiver failed (exit 3) */
    DRIVER_INTERRUPTED  /* driver_interrupt() was called (by a signal) */
} DriverStatus;

typedef struct DriverOpts {
    DriverMode mode;
    const char *target;         /* --target triple, or NULL for this host */
    const char *cc;             /* compiler command, split on blanks; NULL:
                                   the target's TRIPLE-gcc */
    const char *opt;            /* "-O0" .. "-O3" */
    bool debug;                 /* -g */
    const char *const *cflags;  /* extra compiler flags, one per entry */
    size_t ncflags;
    const char *const *ldflags; /* extra linker flags, one per entry */
    size_t nldflags;
    const char *prefix;         /* DRIVER_LIB: -DWRT_PREFIX, the --name */
    const char *ar;             /* DRIVER_LIB: archiver command ("ar");
                                   NULL: the target's TRIPLE-ar */
    const char *runtime_dir;    /* has rt/, wasi-rt/ (driver_find_runtime) */
    const char *tmpdir;         /* scratch directory for objects */
    bool verbose;               /* -v: print commands and phase times */
    /* Split output: more C files of the module, compiled like csrc. */
    const char *const *parts;
    size_t nparts;
    unsigned jobs;              /* -j: compilers at once; 0: driver_jobs() */
} DriverOpts;

/* The default number of parallel jobs: the processors online, at most 16. */
unsigned driver_jobs(void);

/*
 * Whether the --target triple is a bare-metal one (holding "-none-" or
 * ending in "-elf"): no executables, no WASI; the runtime (rt/ only) is
 * compiled with -ffreestanding and takes memory from the host's buffer.
 * The triple itself must already be well formed (main.c checks that);
 * NULL, this machine, is not bare metal.
 */
bool driver_target_freestanding(const char *triple);

/*
 * Whether the target (NULL: this machine) can use --bounds=guard: a
 * hosted 64-bit POSIX system, where a memory's 8 GiB reservation fits and
 * faults arrive as signals.  The default bounds strategy there.
 */
bool driver_target_guard(const char *triple);

/*
 * Locate the runtime sources: $W2C_RUNTIME_DIR when set; else
 * <dir of the w2c executable>/../share/w2c when it holds rt/wrt.h (the
 * executable is found through /proc/self/exe, else argv0); else the source
 * tree compiled in as W2C_SOURCE_DIR.  Returns a malloc'd path, or NULL
 * after printing why on stderr.
 */
char *driver_find_runtime(const char *argv0);

/*
 * Build o->mode output at `output` from the generated C file `csrc` (its
 * header sits beside it) and the part files o->parts of split output.
 * Every C file compiles to its own object in o->tmpdir, up to o->jobs
 * compilers at once.  DRIVER_EXE links the objects with the runtime
 * objects; DRIVER_OBJ compiles csrc alone straight to `output`, or with
 * parts joins their objects into `output` with `CC -r -nostdlib`.
 * DRIVER_LIB compiles csrc and the runtime with
 *     -DWRT_PREFIX=<o->prefix> -fPIC -fno-math-errno
 * (so every symbol the archive defines starts with "<prefix>_"), then runs
 *     <o->ar> rcs <output>.w2c-tmp<pid> <module object> <runtime objects>
 * and renames that archive over `output` once complete.
 *
 * Cross builds (o->target set): a NULL o->cc is the target's own compiler
 * TRIPLE-gcc and a NULL o->ar its TRIPLE-ar.  Either is looked up in $PATH
 * before anything runs; a missing one is reported as
 *     w2c: error: no C compiler for target T (T-gcc not found; ...)
 * and gives DRIVER_SETUP_ERROR.  Every compile gets the target's own flags:
 * for i?86 targets -msse2 -mfpmath=sse, so float arithmetic rounds each
 * result as on every other host (no x87 excess precision).
 *
 * The runtime objects come from the cache directory ($W2C_CACHE_DIR, else
 * $XDG_CACHE_HOME/w2c, else $HOME/.cache/w2c): entry rt-<16 hex digits>,
 * the key hashing this w2c, the target, the compiler command, every flag
 * of the runtime compile and the contents of every rt/ and wasi-rt/ source
 * and header.  A missing entry is built in a private directory in the
 * cache and renamed into place once complete, so parallel w2c runs are
 * safe.  With W2C_CACHE_DIR=off, or when the cache cannot be written, the
 * runtime compiles into o->tmpdir as part of this build.
 *
 * With o->verbose, prints each command, the time each compiler took
 * ("w2c: phase cc FILE: T ms"), where the runtime objects came from
 * ("w2c: runtime objects: cached DIR" or "... built DIR") and the "cc" and
 * "link" (or "ar") phase times on stderr.  On failure prints
 *     w2c: error: C compiler failed (status N): <command>
 * ("archiver failed" for ar) and removes `output` (and a temporary archive),
 * so a failed build never leaves a stale result.
 */
DriverStatus driver_build(const DriverOpts *o, const char *csrc,
                          const char *output);

/*
 * Async-signal-safe: ask a running driver_build to stop.  It starts no new
 * compiler, sends SIGTERM to the running ones, waits for them, removes the
 * output and returns DRIVER_INTERRUPTED.  main.c calls this from its
 * SIGINT/SIGTERM/SIGHUP handler so the temporary directory is cleaned up.
 */
void driver_interrupt(void);

/* Seconds on a monotonic clock, for -v phase timing. */
double driver_now(void);

/* Remove dir and the plain files in it (no subdirectories are expected). */
void driver_remove_dir(const char *dir);

#endif /* COMPILER_DRIVER_H */
