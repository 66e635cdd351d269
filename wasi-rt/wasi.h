/*
 * wasi.h - WASI preview1 for generated executables: the context API used by
 * the generated main() and the import functions generated code calls.
 *
 * Every import is  uint32_t wasi_<name>(void *ctx, <wasm params>)  returning
 * a WASI errno (0 = success); ctx is the WasiCtx.  The signatures match
 * compiler/wasi.def, which the compiler checks imports against.  Every guest
 * pointer and length is checked against the bound memory before use (guest.c
 * is the only file that turns guest addresses into host pointers).
 */
#ifndef WASI_H
#define WASI_H

#include <stdint.h>

#include "wrt.h"

typedef struct WasiCtx WasiCtx;

/*
 * A context for one instance: the guest's argv (argc/argv, passed untouched),
 * its environment (env: NULL-terminated "NAME=VALUE" strings granted at build
 * time; the host environment is never passed through), stdin/stdout/stderr
 * inherited.  Returns NULL when out of memory.
 */
WasiCtx *wasi_ctx_new(int argc, char **argv, const char *const *env);
/* Attach the instance's runtime header and exported memory ("memory"). */
void wasi_ctx_bind(WasiCtx *w, WrtRt *rt, WrtMemory *mem);
void wasi_ctx_free(WasiCtx *w);

/*
 * Run entry(arg) (instantiate, then call _start) through wrt_call on a thread
 * with a large stack, and turn the outcome into a process exit status:
 * 0 when entry returns, the proc_exit code, or 134 after printing
 * "<prog>: wasm trap: <message> in "<function>"" on stderr.  prog is the
 * base name of argv[0].
 */
int wasi_run(WasiCtx *w, WrtRt *rt, void (*entry)(void *), void *arg);

/* The imports (see wasi.def). */
uint32_t wasi_args_get(void *ctx, uint32_t argv, uint32_t argv_buf);
uint32_t wasi_args_sizes_get(void *ctx, uint32_t argc_out,
                             uint32_t argv_buf_size_out);
uint32_t wasi_environ_get(void *ctx, uint32_t environ, uint32_t environ_buf);
uint32_t wasi_environ_sizes_get(void *ctx, uint32_t count_out,
                                uint32_t buf_size_out);
uint32_t wasi_clock_res_get(void *ctx, uint32_t id, uint32_t res_out);
uint32_t wasi_clock_time_get(void *ctx, uint32_t id, uint64_t precision,
                             uint32_t time_out);
uint32_t wasi_random_get(void *ctx, uint32_t buf, uint32_t len);
uint32_t wasi_fd_write(void *ctx, uint32_t fd, uint32_t iovs,
                       uint32_t iovs_len, uint32_t nwritten_out);
uint32_t wasi_fd_read(void *ctx, uint32_t fd, uint32_t iovs,
                      uint32_t iovs_len, uint32_t nread_out);
uint32_t wasi_fd_close(void *ctx, uint32_t fd);
uint32_t wasi_fd_seek(void *ctx, uint32_t fd, uint64_t offset,
                      uint32_t whence, uint32_t newoffset_out);
uint32_t wasi_fd_fdstat_get(void *ctx, uint32_t fd, uint32_t stat_out);
uint32_t wasi_fd_fdstat_set_flags(void *ctx, uint32_t fd, uint32_t flags);
uint32_t wasi_fd_filestat_get(void *ctx, uint32_t fd, uint32_t stat_out);
uint32_t wasi_fd_prestat_get(void *ctx, uint32_t fd, uint32_t prestat_out);
uint32_t wasi_fd_prestat_dir_name(void *ctx, uint32_t fd, uint32_t path,
                                  uint32_t path_len);
WRT_NORETURN void wasi_proc_exit(void *ctx, uint32_t code);
uint32_t wasi_sched_yield(void *ctx);
uint32_t wasi_poll_oneoff(void *ctx, uint32_t in, uint32_t out,
                          uint32_t nsubscriptions, uint32_t nevents_out);

#endif /* WASI_H */
