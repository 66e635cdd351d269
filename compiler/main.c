/*
 * main.c - the w2c command line: parse options, run the stages, write the
 * generated C, hand it to the C compiler, choose the exit status.
 *
 * The whole pipeline is visible in compile() below.  Each stage lives in its
 * own file (binread, validate, names, emit, driver); this file only wires
 * them together, owns files and temporary directories, and is the only
 * place that calls exit (DESIGN.md: 0 ok, 1 invalid input, 2 bad usage or
 * I/O error, 3 the C compiler failed).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "binread.h"
#include "cwriter.h"
#include "diag.h"
#include "driver.h"
#include "emit.h"
#include "names.h"
#include "validate.h"
#include "wasm.h"
#include "watparse.h"

#ifndef W2C_VERSION
#define W2C_VERSION "0.1.0"
#endif
#ifndef W2C_DEFAULT_CC
#define W2C_DEFAULT_CC "cc"
#endif

/*
 * The default --part-size: Wasm code per C file of split output.  gcc -O2
 * takes about 0.8 GB for 1 MiB of code (test/large_module.py), so half
 * that keeps every compiler well under 1 GB, and a program of ordinary
 * size stays one file.
 */
#define DEFAULT_PART_SIZE ((uint64_t)512 << 10)
#define DEFAULT_PART_SIZE_TEXT "512K"

/* The largest -j. */
#define MAX_JOBS 1024

enum {
    EXIT_OK = 0,
    EXIT_INVALID = 1,   /* the input is not a valid module we can compile */
    EXIT_USAGE = 2,     /* bad command line, or an I/O error */
    EXIT_CC = 3         /* the C compiler failed */
};

/* A growable list of strings (cflags, ldflags, env grants). */
typedef struct StrList {
    const char **v;
    size_t n, cap;
} StrList;

typedef struct Options {
    const char *input;
    const char *output;
    EmitMode emit;
    const char *opt;            /* "-O2" */
    bool debug;                 /* -g */
    const char *target;         /* --target triple, or NULL for this host */
    const char *cc;             /* NULL with --target: TRIPLE-gcc */
    StrList cflags, ldflags;
    StrList env, pass_env, dirs, listen;    /* capability grants */
    const char *name;           /* --name, or NULL for the default */
    bool keep, verbose, offsets;
    unsigned jobs;              /* -j; 0: the driver's default */
    uint64_t part_size;         /* --part-size; 0: never split */
    int bounds;                 /* BOUNDS_DEFAULT, BOUNDS_CHECK, _GUARD */
    uint64_t max_memory_pages;  /* 0: no limit */
    uint32_t max_call_depth;    /* 0: runtime default */
} Options;

enum { BOUNDS_DEFAULT, BOUNDS_CHECK, BOUNDS_GUARD };

static const char usage_text[] =
    "usage: w2c [options] INPUT.wasm -o OUTPUT\n"
    "\n"
    "Compile a WebAssembly module to a native executable, object file or\n"
    "static library through C.\n"
    "\n"
    "options:\n"
    "  -o FILE               output file (required, except that --emit=lib\n"
    "                        defaults to libINPUT.a)\n"
    "  --emit=exe|obj|lib|c  executable (default); object file X.o; static\n"
    "                        library libX.a holding its own runtime; or C\n"
    "                        source X.c.  obj, lib and c also write the\n"
    "                        module's C API header X.h beside FILE\n"
    "  -O0 -O1 -O2 -O3       C compiler optimisation level (default -O2)\n"
    "  -g                    compile with debug information\n"
    "  --target=TRIPLE       cross-compile for TRIPLE, e.g.\n"
    "                        aarch64-linux-gnu, with TRIPLE-gcc and\n"
    "                        TRIPLE-ar\n"
    "  --cc=CC               C compiler (default: TRIPLE-gcc with --target,\n"
    "                        else $CC, else " W2C_DEFAULT_CC ")\n"
    "  --cflags=FLAGS        extra C compiler flags, split on spaces\n"
    "  --ldflags=FLAGS       extra linker flags, split on spaces\n"
    "  --name=ID             C prefix of exported symbols (default: from the\n"
    "                        output file name)\n"
    "  --keep                keep the generated C as OUTPUT.c and OUTPUT.h\n"
    "                        (and OUTPUT-1.c ... when split)\n"
    "  -j N                  translate and compile up to N parts of split\n"
    "                        output at once (default: the number of\n"
    "                        processors, at most 16)\n"
    "  --part-size=SIZE      split the C of a module with more than SIZE\n"
    "                        bytes of Wasm code into files OUTPUT-1.c ... of\n"
    "                        about SIZE each; K, M suffixes (default "
    DEFAULT_PART_SIZE_TEXT ";\n"
    "                        0: always one file)\n"
    "\n"
    "capabilities baked into the executable (repeatable; more can be granted\n"
    "at run time with W2C_DIR, W2C_ENV_<NAME>, W2C_PASS_ENV, W2C_LISTEN):\n"
    "  --dir=HOST[::GUEST]   preopen directory HOST as GUEST (default: HOST)\n"
    "  --env=NAME=VALUE      add NAME=VALUE to the guest's environment\n"
    "  --pass-env=NAME       pass the host's NAME, if set when run, to the guest\n"
    "  --listen=ADDR:PORT    preopen a listening TCP socket for sock_accept\n"
    "\n"
    "  --max-memory=SIZE     limit linear memory; SIZE in bytes with an\n"
    "                        optional K, M, G (KiB, MiB, GiB) suffix, at\n"
    "                        least 64K, rounded down to whole 64 KiB pages\n"
    "  --max-call-depth=N    trap when wasm calls nest deeper than N\n"
    "  --bounds=guard|check  memory safety: guard regions that fault (no\n"
    "                        cost per access; the default for executables\n"
    "                        on 64-bit hosted targets) or an explicit check\n"
    "                        of every access (the default elsewhere)\n"
    "  --offsets             comment each instruction with its byte offset\n"
    "  -v                    print commands and the time of each phase\n"
    "  --version             print the version and supported features\n"
    "  --help                print this help\n"
    "\n"
    "INPUT is a binary module (.wasm) or a module in the text format (.wat)\n"
    "\n"
    "exit status: 0 ok, 1 invalid input, 2 bad usage or I/O error,\n"
    "3 the C compiler failed\n";

/* "w2c: <message>" and a pointer to --help, then exit 2. */
static void usage_error(const char *fmt, ...) DIAG_PRINTF(1, 2);

static void
usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("w2c: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\ntry 'w2c --help'\n", stderr);
    exit(EXIT_USAGE);
}

static void
list_push(StrList *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        const char **v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) {
            fputs("w2c: error: out of memory\n", stderr);
            exit(EXIT_USAGE);
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
}

/* Append the blank-separated words of s (--cflags, --ldflags). */
static void
list_push_words(Arena *a, StrList *l, const char *s)
{
    while (*s) {
        size_t n;
        while (*s == ' ' || *s == '\t')
            s++;
        n = strcspn(s, " \t");
        if (n)
            list_push(l, arena_strndup(a, s, n));
        s += n;
    }
}

static bool
is_c_identifier(const char *s)
{
    const char *p;

    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (p = s + 1; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    }
    return true;
}

/*
 * --max-memory: bytes, optionally with K/KiB, M/MiB or G/GiB (powers of
 * 1024).  At least one 64 KiB page; anything else rounds down to whole
 * pages.  Returns the page count, or 0 when the text is not a valid size.
 */
static uint64_t
parse_memory_size(const char *s)
{
    uint64_t v = 0, mul = 1;
    const char *p = s;

    if (*p < '0' || *p > '9')
        return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (*p == 'K' || *p == 'k')
        mul = (uint64_t)1 << 10;
    else if (*p == 'M')
        mul = (uint64_t)1 << 20;
    else if (*p == 'G')
        mul = (uint64_t)1 << 30;
    if (mul != 1) {
        p++;
        if (strcmp(p, "iB") == 0)
            p += 2;
    }
    if (*p != '\0' || v > UINT64_MAX / mul)
        return 0;
    return v * mul / 65536u;
}

/*
 * --part-size: bytes with an optional K or M (KiB, MiB) suffix, at most
 * 2^40; 0 is allowed.  False when the text is not such a size.
 */
static bool
parse_byte_size(const char *s, uint64_t *out)
{
    uint64_t v = 0, mul = 1;
    const char *p;

    if (*s < '0' || *s > '9')
        return false;
    for (p = s; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > ((uint64_t)1 << 40))
            return false;
    }
    if (*p == 'K' || *p == 'k')
        mul = (uint64_t)1 << 10;
    else if (*p == 'M')
        mul = (uint64_t)1 << 20;
    if (mul != 1) {
        p++;
        if (strcmp(p, "iB") == 0)
            p += 2;
    }
    if (*p != '\0' || v * mul > ((uint64_t)1 << 40))
        return false;
    *out = v * mul;
    return true;
}

/* -j: 1 .. MAX_JOBS.  Returns 0 when invalid. */
static unsigned
parse_jobs(const char *s)
{
    unsigned long v = 0;
    const char *p;

    if (*s < '0' || *s > '9')
        return 0;
    for (p = s; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > MAX_JOBS)
            return 0;
    }
    return *p == '\0' ? (unsigned)v : 0;
}

/* --max-call-depth: 1 .. 2^31.  Returns 0 when invalid. */
static uint32_t
parse_call_depth(const char *s)
{
    uint64_t v = 0;
    const char *p;

    if (*s < '0' || *s > '9')
        return 0;
    for (p = s; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > ((uint64_t)1 << 31))
            return 0;
    }
    return *p == '\0' ? (uint32_t)v : 0;
}

static void
print_version(void)
{
    printf("w2c %s\n", W2C_VERSION);
    printf("input: WebAssembly 2.0 modules (SIMD included), binary "
           "(.wasm) or text (.wat); output: C99, native executables "
           "using WASI preview1, object files and static libraries with "
           "a C embedding API, for this machine, a Linux cross target "
           "(--target=TRIPLE) or a bare-metal one (libraries only, "
           "freestanding runtime)\n");
}

/*
 * A --target value shaped like a GNU triple, ARCH-VENDOR-OS or ARCH-OS-ABI:
 * words of letters, digits, '_' and '.' joined by single '-'.  It names
 * commands (TRIPLE-gcc), so nothing else is let in.
 */
static bool
is_target_triple(const char *s)
{
    const char *p;

    if (strchr(s, '-') == NULL || s[0] == '-' || s[strlen(s) - 1] == '-' ||
        strstr(s, "--") != NULL)
        return false;
    for (p = s; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
              *p == '-'))
            return false;
    }
    return true;
}

/* Long options: name, and whether it takes a value. */
typedef struct LongOpt {
    const char *name;
    bool has_value;
} LongOpt;

static const LongOpt long_opts[] = {
    { "help", false },          { "version", false },
    { "emit", true },           { "cc", true },
    { "cflags", true },         { "ldflags", true },
    { "name", true },           { "keep", false },
    { "env", true },            { "max-memory", true },
    { "max-call-depth", true }, { "offsets", false },
    { "target", true },         { "bounds", true },
    { "dir", true },            { "pass-env", true },
    { "listen", true },         { "part-size", true },
};

/* "HOST:PORT" or "[V6]:PORT" with a non-empty host and port 0-65535. */
static bool
is_addr_port(const char *s)
{
    const char *colon = strrchr(s, ':');
    const char *p;
    unsigned long port = 0;

    if (colon == NULL || colon == s || colon[1] == '\0')
        return false;
    for (p = colon + 1; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return false;
        port = port * 10 + (unsigned long)(*p - '0');
        if (port > 65535)
            return false;
    }
    if (s[0] == '[')
        return colon - s >= 3 && colon[-1] == ']';
    /* A bare IPv6 address has more colons: it needs brackets. */
    return memchr(s, ':', (size_t)(colon - s)) == NULL;
}

static void
long_option(Arena *a, Options *o, const char *name, const char *val)
{
    if (strcmp(name, "help") == 0) {
        fputs(usage_text, stdout);
        exit(EXIT_OK);
    } else if (strcmp(name, "version") == 0) {
        print_version();
        exit(EXIT_OK);
    } else if (strcmp(name, "emit") == 0) {
        if (strcmp(val, "exe") == 0)
            o->emit = EMIT_EXE;
        else if (strcmp(val, "obj") == 0)
            o->emit = EMIT_OBJ;
        else if (strcmp(val, "c") == 0)
            o->emit = EMIT_C;
        else if (strcmp(val, "lib") == 0)
            o->emit = EMIT_LIB;
        else
            usage_error("invalid --emit value '%s' (expected exe, obj, lib "
                        "or c)", val);
    } else if (strcmp(name, "target") == 0) {
        if (!is_target_triple(val))
            usage_error("invalid --target value '%s' (expected a triple "
                        "such as aarch64-linux-gnu)", val);
        o->target = val;
    } else if (strcmp(name, "cc") == 0) {
        if (strspn(val, " \t") == strlen(val))
            usage_error("--cc needs a compiler command");
        o->cc = val;
    } else if (strcmp(name, "cflags") == 0) {
        list_push_words(a, &o->cflags, val);
    } else if (strcmp(name, "ldflags") == 0) {
        list_push_words(a, &o->ldflags, val);
    } else if (strcmp(name, "name") == 0) {
        if (!is_c_identifier(val))
            usage_error("--name '%s' is not a valid C identifier", val);
        o->name = val;
    } else if (strcmp(name, "keep") == 0) {
        o->keep = true;
    } else if (strcmp(name, "env") == 0) {
        const char *eq = strchr(val, '=');
        if (eq == NULL || eq == val)
            usage_error("--env '%s' is not NAME=VALUE with a non-empty NAME",
                        val);
        list_push(&o->env, val);
    } else if (strcmp(name, "pass-env") == 0) {
        if (val[0] == '\0' || strchr(val, '=') != NULL)
            usage_error("--pass-env '%s' is not a variable name", val);
        list_push(&o->pass_env, val);
    } else if (strcmp(name, "dir") == 0) {
        const char *sep = strstr(val, "::");
        const char *host = sep != NULL ? arena_strndup(a, val,
                                                       (size_t)(sep - val))
                                       : val;
        if (host[0] == '\0' || (sep != NULL && sep[2] == '\0'))
            usage_error("--dir '%s' is not HOST or HOST::GUEST", val);
        list_push(&o->dirs, host);
        list_push(&o->dirs, sep != NULL ? sep + 2 : val);
    } else if (strcmp(name, "listen") == 0) {
        if (!is_addr_port(val))
            usage_error("--listen '%s' is not ADDR:PORT (port 0-65535)",
                        val);
        list_push(&o->listen, val);
    } else if (strcmp(name, "max-memory") == 0) {
        o->max_memory_pages = parse_memory_size(val);
        if (o->max_memory_pages == 0)
            usage_error("--max-memory '%s' is not a size of at least 64K "
                        "(bytes, or with a K, M or G suffix)", val);
    } else if (strcmp(name, "max-call-depth") == 0) {
        o->max_call_depth = parse_call_depth(val);
        if (o->max_call_depth == 0)
            usage_error("--max-call-depth '%s' is not a number from 1 to "
                        "2147483648", val);
    } else if (strcmp(name, "part-size") == 0) {
        if (!parse_byte_size(val, &o->part_size))
            usage_error("invalid --part-size value '%s' (expected bytes, "
                        "optionally with a K or M suffix)", val);
    } else if (strcmp(name, "offsets") == 0) {
        o->offsets = true;
    } else if (strcmp(name, "bounds") == 0) {
        if (strcmp(val, "check") == 0)
            o->bounds = BOUNDS_CHECK;
        else if (strcmp(val, "guard") == 0)
            o->bounds = BOUNDS_GUARD;
        else
            usage_error("invalid --bounds value '%s' (expected guard or "
                        "check)", val);
    } else {
        /* every name of the option table has a branch above */
        fprintf(stderr, "w2c: internal error: option --%s has no handler\n",
                name);
        exit(EXIT_USAGE);
    }
}

/* A command from the environment variable var, else dflt. */
static const char *
env_command(const char *var, const char *dflt)
{
    const char *env = getenv(var);

    return env != NULL && strspn(env, " \t") != strlen(env) ? env : dflt;
}

static const char *
base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* --emit=lib without -o: lib<input's base name minus extension>.a here. */
static const char *
default_lib_output(Arena *a, const char *input)
{
    const char *base = base_name(input);
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);

    return arena_printf(a, "lib%.*s.a", (int)n, base);
}

static void
set_input(Options *o, const char *arg)
{
    if (o->input != NULL) {
        fprintf(stderr, "w2c: more than one input file ('%s' and '%s')\n"
                "try 'w2c --help'\n", o->input, arg);
        exit(EXIT_USAGE);
    }
    o->input = arg;
}

/*
 * Parse argv into o.  Values come as --opt=value or --opt value, and
 * -o FILE or -oFILE.  Every mistake exits with status 2.
 */
static void
parse_options(Arena *a, Options *o, int argc, char **argv)
{
    int i;

    memset(o, 0, sizeof *o);
    o->emit = EMIT_EXE;
    o->opt = "-O2";
    o->part_size = DEFAULT_PART_SIZE;
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (strcmp(arg, "--") == 0) {
            for (i++; i < argc; i++)
                set_input(o, argv[i]);
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            set_input(o, arg);
        } else if (arg[1] == '-') {
            const char *eq = strchr(arg, '=');
            size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
            const char *val = eq ? eq + 1 : NULL;
            const LongOpt *lo = NULL;
            size_t k;
            char *name;

            for (k = 0; k < sizeof long_opts / sizeof long_opts[0]; k++) {
                if (strlen(long_opts[k].name) == len &&
                    strncmp(long_opts[k].name, arg + 2, len) == 0)
                    lo = &long_opts[k];
            }
            if (lo == NULL) {
                name = arena_strndup(a, arg, eq ? (size_t)(eq - arg)
                                                : strlen(arg));
                usage_error("unknown option '%s'", name);
            }
            if (lo->has_value && val == NULL) {
                if (i + 1 >= argc)
                    usage_error("option '--%s' needs a value", lo->name);
                val = argv[++i];
            } else if (!lo->has_value && val != NULL) {
                usage_error("option '--%s' takes no value", lo->name);
            }
            long_option(a, o, lo->name, val);
        } else if (arg[1] == 'o') {
            if (arg[2] != '\0') {
                o->output = arg + 2;
            } else {
                if (i + 1 >= argc)
                    usage_error("option '%s' needs a file name", "-o");
                o->output = argv[++i];
            }
        } else if (arg[1] == 'O' && arg[2] >= '0' && arg[2] <= '3' &&
                   arg[3] == '\0') {
            o->opt = arg;
        } else if (strcmp(arg, "-g") == 0) {
            o->debug = true;
        } else if (strcmp(arg, "-v") == 0) {
            o->verbose = true;
        } else if (arg[1] == 'j') {
            const char *val = arg + 2;
            if (*val == '\0') {
                if (i + 1 >= argc)
                    usage_error("option '-j' needs a number of jobs");
                val = argv[++i];
            }
            o->jobs = parse_jobs(val);
            if (o->jobs == 0)
                usage_error("invalid -j value '%s' (expected a number of "
                            "jobs from 1 to %d)", val, MAX_JOBS);
        } else {
            usage_error("unknown option '%s'", arg);
        }
    }
    if (o->input == NULL)
        usage_error("no input file");
    if (o->output == NULL && o->emit == EMIT_LIB)
        o->output = default_lib_output(a, o->input);
    if (o->output == NULL || o->output[0] == '\0')
        usage_error("no output file: use -o OUTPUT");
    if (o->emit != EMIT_EXE &&
        o->env.n + o->pass_env.n + o->dirs.n + o->listen.n > 0)
        usage_error("--dir, --env, --pass-env and --listen grant "
                    "capabilities to executables; they do not apply to "
                    "--emit=%s", emit_mode_name(o->emit));
    if (driver_target_freestanding(o->target) && o->emit == EMIT_EXE) {
        fprintf(stderr, "w2c: error: --target=%s: a freestanding target "
                "has no executables; use --emit=lib, --emit=obj or "
                "--emit=c\n", o->target);
        exit(EXIT_USAGE);
    }
    if (o->bounds == BOUNDS_GUARD && !driver_target_guard(o->target)) {
        fprintf(stderr, "w2c: error: --bounds=guard needs a hosted 64-bit "
                "target (guard regions reserve 8 GiB of address space "
                "per memory); %s is not one: use --bounds=check\n",
                o->target ? o->target : "this machine");
        exit(EXIT_USAGE);
    }
    /* $CC names a compiler for this machine: a cross build ignores it. */
    if (o->cc == NULL && o->target == NULL)
        o->cc = env_command("CC", W2C_DEFAULT_CC);
}

/*
 * The default --name: the output's file name without its extension (and,
 * for --emit=lib, without a leading "lib" when more follows: libX.a gives
 * X), every character outside [A-Za-z0-9_] replaced by '_', "wasm" when
 * nothing is left, cut to the 40 characters --name allows, and "wasm_" in
 * front of a leading digit or of a name --name refuses (the runtime's
 * prefixes wrt, wasi, guest, and the names the C API uses itself).
 */
static const char *
default_name(Arena *a, const Options *o)
{
    const char *base = base_name(o->output);
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char *s, *p;

    if (o->emit == EMIT_LIB && n > 3 && strncmp(base, "lib", 3) == 0) {
        base += 3;
        n -= 3;
    }
    s = arena_strndup(a, base, n);

    for (p = s; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9')))
            *p = '_';
    }
    if (*s == '\0')
        return "wasm";
    /* --name allows 40 characters: a long file name is cut short. */
    if (strlen(s) > 40)
        s[40] = '\0';
    /* A digit cannot start it; names the emitter refuses get a prefix. */
    if ((*s >= '0' && *s <= '9') || emit_prefix_problem(s, o->emit) != NULL) {
        s = arena_printf(a, "wasm_%s", s);
        if (strlen(s) > 40)
            s[40] = '\0';
    }
    return s;
}

/* Read the whole file; NULL after printing the I/O error. */
static uint8_t *
read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;

    if (fd < 0)
        goto fail;
    for (;;) {
        ssize_t r;
        if (n == cap) {
            uint8_t *nb;
            cap = cap ? cap * 2 : 65536;
            nb = realloc(buf, cap);
            if (nb == NULL) {
                errno = ENOMEM;
                goto fail;
            }
            buf = nb;
        }
        r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    *len = n;
    return buf;
fail:
    fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

/*
 * Write buf to path through a temporary file and rename, so a reader never
 * sees half a file and a failure leaves the old one.  Prints the error.
 */
static bool
write_file(Arena *a, const char *path, const char *buf, size_t len)
{
    char *tmp = arena_printf(a, "%s.w2c-tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    size_t off = 0;

    if (fd < 0)
        goto fail;
    while (off < len) {
        ssize_t r = write(fd, buf + off, len - off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        off += (size_t)r;
    }
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto fail;
    return true;
fail:
    fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return false;
}

/* A fresh directory under $TMPDIR (or /tmp), malloc'd; NULL on error. */
static char *
make_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    size_t n;
    char *dir;

    if (base == NULL || *base == '\0')
        base = "/tmp";
    n = strlen(base) + sizeof "/w2c-XXXXXX";
    dir = malloc(n);
    if (dir == NULL)
        return NULL;
    snprintf(dir, n, "%s/w2c-XXXXXX", base);
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "w2c: error: cannot create a directory in %s: %s\n",
                base, strerror(errno));
        free(dir);
        return NULL;
    }
    return dir;
}

static void
phase_done(const Options *o, const char *phase, double *t)
{
    double now = driver_now();

    if (o->verbose)
        fprintf(stderr, "w2c: phase %s: %.2f ms\n", phase, (now - *t) * 1e3);
    *t = now;
}

/* Where the generated C goes. */
typedef struct CFiles {
    const char *c_path, *h_path;    /* written before the C compiler runs */
    const char *public_h;   /* obj, lib: the header the user gets, or NULL */
} CFiles;

/* OUTPUT with its ending `ext` replaced by ".h", else with ".h" added. */
static const char *
header_beside(Arena *a, const char *out, const char *ext)
{
    size_t n = strlen(out), e = strlen(ext);

    if (n > e && strcmp(out + n - e, ext) == 0 && out[n - e - 1] != '/')
        return arena_printf(a, "%.*s.h", (int)(n - e), out);
    return arena_printf(a, "%s.h", out);
}

/*
 * Where each file goes.  --emit=c: OUTPUT itself and its header beside it
 * (X.c gives X.h, any other name gets .h appended).  The public header of
 * obj (X.o gives X.h, any other name gets .h appended) and of lib
 * (PREFIX.h, PREFIX being the --name, in OUTPUT's directory) is left beside
 * the output; with --keep the build writes it there directly, and the C
 * goes to OUTPUT.c.  exe: OUTPUT.c and OUTPUT.h with --keep.  Otherwise
 * the files go to the scratch directory tmpdir, under the same base names
 * (tmpdir NULL when only the names matter).
 */
static CFiles
c_files(Arena *a, const Options *o, const char *prefix, const char *tmpdir)
{
    CFiles f = { NULL, NULL, NULL };
    const char *out = o->output, *base = base_name(out);

    if (tmpdir == NULL)
        tmpdir = ".";

    if (o->emit == EMIT_C) {
        f.c_path = out;
        f.h_path = header_beside(a, out, ".c");
        return f;
    }
    if (o->emit == EMIT_OBJ)
        f.public_h = header_beside(a, out, ".o");
    else if (o->emit == EMIT_LIB)
        f.public_h = arena_printf(a, "%.*s%s.h", (int)(base - out), out,
                                  prefix);
    if (o->keep) {
        f.c_path = arena_printf(a, "%s.c", out);
        f.h_path = f.public_h ? f.public_h : arena_printf(a, "%s.h", out);
    } else {
        f.c_path = arena_printf(a, "%s/%s.c", tmpdir, base);
        f.h_path = arena_printf(a, "%s/%s", tmpdir,
                                f.public_h ? base_name(f.public_h)
                                           : arena_printf(a, "%s.h", base));
    }
    return f;
}

/*
 * Choose the reader.  A binary module starts with "\0asm" and text never
 * holds a NUL byte, so a leading NUL means binary.  Otherwise the name
 * decides: a .wasm file with a damaged magic is still reported by the
 * binary reader ("bad magic" at offset 0), anything else is text.
 */
static bool
is_binary(const char *path, const uint8_t *buf, size_t len)
{
    size_t n = strlen(path);

    if (len > 0 && buf[0] == '\0')
        return true;
    return n >= 5 && strcmp(path + n - 5, ".wasm") == 0;
}

/*
 * Hand the written C (csrc and the nparts files parts of split output) to
 * the C compiler; returns the exit status.
 */
static int
build(const Options *o, const char *argv0, const char *csrc,
      const char *const *parts, uint32_t nparts, const char *prefix,
      const char *tmpdir)
{
    DriverOpts d;
    DriverStatus s;

    memset(&d, 0, sizeof d);
    d.mode = o->emit == EMIT_OBJ ? DRIVER_OBJ
           : o->emit == EMIT_LIB ? DRIVER_LIB : DRIVER_EXE;
    d.prefix = prefix;
    /* NULL for a cross build: the driver runs TRIPLE-ar, TRIPLE-gcc. */
    d.target = o->target;
    d.ar = env_command("AR", o->target != NULL ? NULL : "ar");
    d.cc = o->cc;
    d.opt = o->opt;
    d.debug = o->debug;
    d.cflags = o->cflags.v;
    d.ncflags = o->cflags.n;
    d.ldflags = o->ldflags.v;
    d.nldflags = o->ldflags.n;
    d.tmpdir = tmpdir;
    d.verbose = o->verbose;
    d.parts = parts;
    d.nparts = nparts;
    d.jobs = o->jobs;
    d.runtime_dir = driver_find_runtime(argv0);
    if (d.runtime_dir == NULL)
        return EXIT_USAGE;
    s = driver_build(&d, csrc, o->output);
    free((char *)d.runtime_dir);
    /* DRIVER_INTERRUPTED: main re-raises the signal after clean-up. */
    return s == DRIVER_OK ? EXIT_OK
         : s == DRIVER_CC_FAILED ? EXIT_CC : EXIT_USAGE;
}

/* The signal that interrupted us, re-raised once the scratch files are gone. */
static volatile sig_atomic_t caught_signal;

static void
on_signal(int sig)
{
    caught_signal = sig;
    driver_interrupt();
}

/*
 * Catch SIGINT, SIGTERM and SIGHUP without SA_RESTART, so waiting for the
 * C compiler returns and the temporary directory can be removed.
 */
static void
catch_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;
    size_t i;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

/*
 * Part k of split output beside the main file c_path: c_path without its
 * ".c", then "-<k>.c" (app.c gives app-1.c, app-2.c, ...).
 */
static const char *
part_path(Arena *a, const char *c_path, uint32_t k)
{
    size_t n = strlen(c_path);

    if (n > 2 && strcmp(c_path + n - 2, ".c") == 0)
        n -= 2;
    return arena_printf(a, "%.*s-%u.c", (int)n, c_path, (unsigned)k);
}

/* Translate part k into tmp; 0, 1 (invalid: diagnostics in d) or 2 (I/O
   error, printed).  With verbose, says how long it took. */
static int
translate_part(Arena *a, const Options *o, Emitter *em, uint32_t k,
               const char *path, const char *tmp)
{
    CWriter w;
    int st = 0;
    double t0 = driver_now();

    cw_init(&w);
    if (!emit_part(em, k, &w))
        st = 1;
    else if (!write_file(a, tmp, w.buf, w.len))
        st = 2;
    cw_free(&w);
    if (o->verbose && st == 0)
        fprintf(stderr, "w2c: phase part %u (%u functions, %llu bytes "
                "of code): %.2f ms (%s)\n", (unsigned)k,
                (unsigned)emit_part_funcs(em, k),
                (unsigned long long)emit_part_code(em, k),
                (driver_now() - t0) * 1e3, path);
    return st;
}

/*
 * Translate the nparts parts of split output into paths[1..nparts]: with
 * one job here, else in `jobs` child processes (fork), child j taking
 * parts j, j + jobs, j + 2 * jobs, ... (the parts are balanced by code
 * size).  One child per job, not per part: forking copies the page tables
 * of the whole read module, which for a large one costs more than
 * translating a part.  Each part is written under a temporary name and
 * renamed into place only once all of them are done, so a failure leaves
 * no part behind.  A child's status (the worst of its parts) stands for
 * each of its parts; a part that cannot be translated is translated again
 * here, in part order, for its diagnostics (recorded in the Diag given to
 * emit_begin, the same as from one file).  Returns EXIT_OK, EXIT_INVALID,
 * or EXIT_USAGE after printing an I/O error.
 */
static int
translate_parts(Arena *a, const Options *o, Emitter *em,
                const char *const *paths, uint32_t nparts, unsigned jobs)
{
    const char **tmps = arena_array(a, (size_t)nparts + 1, sizeof *tmps);
    int *st = arena_array(a, (size_t)nparts + 1, sizeof *st);
    pid_t *pids;
    uint32_t k;
    unsigned j, running = 0;
    int status = EXIT_OK;

    if (jobs > nparts)
        jobs = nparts;
    if (jobs < 1)
        jobs = 1;
    pids = arena_array(a, jobs, sizeof *pids);
    for (k = 1; k <= nparts; k++)
        tmps[k] = arena_printf(a, "%s.w2c-tmp%ld", paths[k],
                               (long)getpid());
    for (j = 0; j < jobs && !caught_signal; j++) {
        if (jobs == 1) {
            for (k = 1; k <= nparts && !caught_signal; k++)
                st[k] = translate_part(a, o, em, k, paths[k], tmps[k]);
            break;
        }
        fflush(NULL);
        pids[j] = fork();
        if (pids[j] == 0) {
            /* the child: its own diagnostics are redone by the parent */
            int r = 0, rk;
            for (k = j + 1; k <= nparts && !caught_signal; k += jobs) {
                rk = translate_part(a, o, em, k, paths[k], tmps[k]);
                r = rk > r ? rk : r;
            }
            fflush(NULL);
            _exit(caught_signal ? 2 : r);
        }
        if (pids[j] < 0) {
            fprintf(stderr, "w2c: error: cannot start a process: %s\n",
                    strerror(errno));
            for (k = j + 1; k <= nparts; k += jobs)
                st[k] = 2;
            continue;
        }
        running++;
    }
    while (running > 0) {
        int ws, r;
        pid_t pid = waitpid(-1, &ws, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "w2c: error: waiting for a translator: %s\n",
                    strerror(errno));
            return EXIT_USAGE;      /* no child is left to wait for */
        }
        for (j = 0; j < jobs && pids[j] != pid; j++)
            ;
        if (j == jobs)
            continue;
        pids[j] = 0;
        running--;
        if (WIFEXITED(ws) && WEXITSTATUS(ws) <= 2) {
            r = WEXITSTATUS(ws);
        } else {
            fprintf(stderr, "w2c: error: translating parts %u, %u, ... "
                    "failed (%s %d)\n", j + 1, j + 1 + jobs,
                    WIFSIGNALED(ws) ? "signal" : "status",
                    WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws));
            r = 2;
        }
        for (k = j + 1; k <= nparts; k += jobs)
            st[k] = r;
    }
    for (k = 1; k <= nparts; k++) {
        if (st[k] == 2)
            status = EXIT_USAGE;
        else if (st[k] == 1 && status == EXIT_OK)
            status = EXIT_INVALID;
    }
    if (caught_signal)
        status = EXIT_USAGE;
    /* only translation failures: their diagnostics, in order */
    for (k = 1; k <= nparts && status == EXIT_INVALID && jobs > 1; k++) {
        CWriter w;
        bool again;
        if (st[k] != 1)
            continue;
        cw_init(&w);
        again = emit_part(em, k, &w);   /* false, with its diagnostics */
        cw_free(&w);
        (void)again;
    }
    for (k = 1; k <= nparts; k++) {
        if (status == EXIT_OK && rename(tmps[k], paths[k]) != 0) {
            fprintf(stderr, "%s: error: cannot write: %s\n", paths[k],
                    strerror(errno));
            status = EXIT_USAGE;
        }
        (void)unlink(tmps[k]);
    }
    return status;
}

/* The pipeline: read, validate, emit, write, compile. */
static int
compile(const Options *o, const char *argv0)
{
    Arena *a = arena_new();
    Diag d;
    Module *m = NULL;
    EmitOpts eo;
    CWriter c, h;
    CFiles f;
    Emitter *em = NULL;
    const char **parts = NULL;
    uint32_t nparts = 0, k;
    uint8_t *buf;
    size_t len = 0;
    char *tmpdir = NULL;
    int status = EXIT_INVALID;
    double t = driver_now();
    const char *prefix = o->name ? o->name : default_name(a, o);
    bool ok;

    f = c_files(a, o, prefix, NULL);
    if (f.public_h != NULL && strcmp(f.public_h, o->output) == 0) {
        fprintf(stderr, "w2c: error: the header %s would replace the "
                "output; choose another -o or --name\n", f.public_h);
        arena_free(a);
        return EXIT_USAGE;
    }
    buf = read_file(o->input, &len);
    if (buf == NULL) {
        arena_free(a);
        return EXIT_USAGE;
    }
    if (is_binary(o->input, buf, len)) {
        diag_init(&d, o->input, NULL, 0);
        m = binread_module(a, buf, len, &d);
    } else {
        diag_init(&d, o->input, buf, len);
        m = watparse_module(a, buf, 0, len, &d);
    }
    phase_done(o, "read", &t);
    ok = m != NULL && validate_module(a, m, &d);
    phase_done(o, "validate", &t);

    memset(&eo, 0, sizeof eo);
    eo.mode = o->emit;
    eo.prefix = prefix;
    /* The .c includes its header by base name, found beside it. */
    eo.header_name = base_name(f.h_path);
    eo.env = o->env.v;
    eo.nenv = (uint32_t)o->env.n;
    eo.pass_env = o->pass_env.v;
    eo.npass_env = (uint32_t)o->pass_env.n;
    eo.dirs = o->dirs.v;
    eo.ndirs = (uint32_t)o->dirs.n;
    eo.listen = o->listen.v;
    eo.nlisten = (uint32_t)o->listen.n;
    eo.max_memory_pages = o->max_memory_pages;
    eo.max_call_depth = o->max_call_depth;
    eo.offsets = o->offsets;
    eo.freestanding = driver_target_freestanding(o->target);
    /*
     * guard by default for executables only: a library would install a
     * process-wide signal handler in its host, which the host must ask for
     */
    eo.stack_guard = driver_target_guard(o->target);
    eo.guard = o->bounds == BOUNDS_GUARD ||
               (o->bounds == BOUNDS_DEFAULT && o->emit == EMIT_EXE &&
                driver_target_guard(o->target));
    eo.part_size = o->part_size;
    cw_init(&c);
    cw_init(&h);
    ok = ok && emit_check_imports(m, &eo, &d) && names_assign(a, m, &d) &&
         (em = emit_begin(a, m, &eo, &d)) != NULL;
    if (ok) {
        nparts = emit_nparts(em);
        if (nparts > 0)
            names_split(a, m, prefix);
        if (o->verbose && nparts > 0)
            fprintf(stderr, "w2c: phase split: %llu bytes of code in %u "
                    "functions, %u parts\n",
                    (unsigned long long)emit_code_total(em),
                    (unsigned)(m->nfuncs - m->nimported_funcs),
                    (unsigned)nparts);
        ok = emit_main(em, &c, &h);
    }
    if (ok) {
        /* The module is fine; what fails from here on is I/O. */
        status = EXIT_USAGE;
        if (o->emit != EMIT_C)
            tmpdir = make_tmpdir();
        f = c_files(a, o, prefix, tmpdir);
        ok = o->emit == EMIT_C || tmpdir != NULL;
    }
    if (ok && nparts > 0) {
        parts = arena_array(a, (size_t)nparts + 1, sizeof *parts);
        for (k = 1; k <= nparts; k++)
            parts[k] = part_path(a, f.c_path, k);
        status = translate_parts(a, o, em, parts, nparts,
                                 o->jobs ? o->jobs : driver_jobs());
        ok = status == EXIT_OK;
        if (ok)
            status = EXIT_USAGE;
    }
    ok = ok && write_file(a, f.h_path, h.buf, h.len) &&
         write_file(a, f.c_path, c.buf, c.len);
    if (em != NULL)
        emit_finish(em);
    phase_done(o, "emit", &t);
    if (ok && o->emit == EMIT_C)
        status = EXIT_OK;
    else if (ok)
        status = build(o, argv0, f.c_path, parts ? parts + 1 : NULL, nparts,
                       prefix, tmpdir);
    if (ok && f.public_h != NULL && !o->keep) {
        /*
         * The header joins the output only once that is built; a failed
         * build removes an old one too, as the driver removed the output.
         */
        if (status != EXIT_OK)
            (void)unlink(f.public_h);
        else if (!write_file(a, f.public_h, h.buf, h.len)) {
            (void)unlink(o->output);
            status = EXIT_USAGE;
        }
    }
    if (tmpdir != NULL)
        driver_remove_dir(tmpdir);
    if (status == EXIT_INVALID && d.nmsgs == 0)
        diag_error(&d, "invalid module");
    diag_print(&d, stderr);
    diag_free(&d);
    cw_free(&c);
    cw_free(&h);
    free(tmpdir);
    free(buf);
    arena_free(a);
    return status;
}

int
main(int argc, char **argv)
{
    Arena *a = arena_new();
    Options o;
    int status;

    parse_options(a, &o, argc, argv);
    catch_signals();
    status = compile(&o, argv[0]);
    if (caught_signal) {
        signal(caught_signal, SIG_DFL);
        raise(caught_signal);
    }
    free(o.cflags.v);
    free(o.ldflags.v);
    free(o.env.v);
    free(o.pass_env.v);
    free(o.dirs.v);
    free(o.listen.v);
    arena_free(a);
    return status;
}
