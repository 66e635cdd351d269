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
 * A context for one instance, denied everything by default: the guest's
 * argv is argc/argv (borrowed, passed untouched), its environment is
 * empty, no directory or socket is preopened, and stdin/stdout/stderr are
 * the host's fds 0-2.  Returns NULL when out of memory.
 */
WasiCtx *wasi_ctx_new(int argc, char **argv);
/*
 * A context for a plugin instance (generated library API): no arguments,
 * no environment and no descriptors at all (guest fds 0-2 closed until
 * wasi_ctx_grant_stdio); the host's stdio flags are neither saved nor
 * restored.  Returns NULL when out of memory.
 */
WasiCtx *wasi_ctx_new_embedded(void);
/* The guest's argv: copied.  0, or -1 with wasi_ctx_error(). */
int wasi_ctx_set_args(WasiCtx *w, int argc, const char *const *argv);
/*
 * Guest fd 0, 1 or 2 becomes host_fd, borrowed (never closed; it must stay
 * open while the context lives), with the rights its access mode allows
 * except fd_fdstat_set_flags: a plugin may not change the host's file
 * status flags.  host_fd -1 closes guest_fd.  0, or -1 with the error.
 */
int wasi_ctx_grant_stdio(WasiCtx *w, int guest_fd, int host_fd);
/* Attach the instance's runtime header and exported memory ("memory"). */
void wasi_ctx_bind(WasiCtx *w, WrtRt *rt, WrtMemory *mem);
void wasi_ctx_free(WasiCtx *w);

/*
 * Capability grants.  Each returns 0, or -1 with a one-line message
 * (naming what failed and why) for wasi_ctx_error.
 *
 * grant_env:        add "NAME=VALUE" to the guest environment (a later
 *                   grant of the same NAME replaces the earlier one);
 * grant_env_from_host: add NAME with the host's value, if the host has it;
 * grant_dir:        preopen host directory `host` as guest path `guest`
 *                   (NULL: the host path as written); the next free guest
 *                   fd from 3 upwards, in grant order;
 * grant_listen:     bind and listen on "ADDR:PORT" (IPv4, [IPv6] or a host
 *                   name) and preopen the socket for sock_accept.
 */
int wasi_ctx_grant_env(WasiCtx *w, const char *name_value);
int wasi_ctx_grant_env_from_host(WasiCtx *w, const char *name);
int wasi_ctx_grant_dir(WasiCtx *w, const char *host, const char *guest);
int wasi_ctx_grant_listen(WasiCtx *w, const char *addr_port);
const char *wasi_ctx_error(const WasiCtx *w);

/*
 * The grants an executable was built with (w2c --env, --pass-env, --dir,
 * --listen).  Each list is NULL-terminated; dirs holds pairs host, guest.
 */
typedef struct WasiGrants {
    const char *const *env;         /* "NAME=VALUE" */
    const char *const *pass_env;    /* host variable names */
    const char *const *dirs;        /* host, guest, host, guest, ... */
    const char *const *listen;      /* "ADDR:PORT" */
} WasiGrants;

/*
 * What a generated main() does: apply the build-time grants g (may be
 * NULL), then the run-time grants in the host environment:
 *   W2C_DIR=HOST[::GUEST][;HOST[::GUEST]...]   preopened directories
 *   W2C_ENV_<NAME>=VALUE                       guest variable NAME=VALUE
 *   W2C_PASS_ENV=NAME[;NAME...]                host variables passed on
 *   W2C_LISTEN=ADDR:PORT[;ADDR:PORT...]        listening sockets
 * The guest never sees these variables.  Returns 0 or -1 (message in
 * wasi_ctx_error).
 */
int wasi_ctx_grant_all(WasiCtx *w, const WasiGrants *g);

/*
 * Run entry(arg) (instantiate, then call _start) through wrt_call on a thread
 * with a large stack, and turn the outcome into a process exit status:
 * 0 when entry returns, the proc_exit code, or 134 after printing
 * "<prog>: wasm trap: <message> in "<function>"" on stderr.  prog is the
 * base name of argv[0].
 */
int wasi_run(WasiCtx *w, WrtRt *rt, void (*entry)(void *), void *arg);

/* The imports (see compiler/wasi.def), in the order of the witx. */
uint32_t wasi_args_get(void *ctx, uint32_t argv, uint32_t argv_buf);
uint32_t wasi_args_sizes_get(void *ctx, uint32_t argc_out,
                             uint32_t argv_buf_size_out);
uint32_t wasi_environ_get(void *ctx, uint32_t environ, uint32_t environ_buf);
uint32_t wasi_environ_sizes_get(void *ctx, uint32_t count_out,
                                uint32_t buf_size_out);
uint32_t wasi_clock_res_get(void *ctx, uint32_t id, uint32_t res_out);
uint32_t wasi_clock_time_get(void *ctx, uint32_t id, uint64_t precision,
                             uint32_t time_out);
uint32_t wasi_fd_advise(void *ctx, uint32_t fd, uint64_t offset,
                        uint64_t len, uint32_t advice);
uint32_t wasi_fd_allocate(void *ctx, uint32_t fd, uint64_t offset,
                          uint64_t len);
uint32_t wasi_fd_close(void *ctx, uint32_t fd);
uint32_t wasi_fd_datasync(void *ctx, uint32_t fd);
uint32_t wasi_fd_fdstat_get(void *ctx, uint32_t fd, uint32_t stat_out);
uint32_t wasi_fd_fdstat_set_flags(void *ctx, uint32_t fd, uint32_t flags);
uint32_t wasi_fd_fdstat_set_rights(void *ctx, uint32_t fd, uint64_t base,
                                   uint64_t inheriting);
uint32_t wasi_fd_filestat_get(void *ctx, uint32_t fd, uint32_t stat_out);
uint32_t wasi_fd_filestat_set_size(void *ctx, uint32_t fd, uint64_t size);
uint32_t wasi_fd_filestat_set_times(void *ctx, uint32_t fd, uint64_t atim,
                                    uint64_t mtim, uint32_t fst_flags);
uint32_t wasi_fd_pread(void *ctx, uint32_t fd, uint32_t iovs,
                       uint32_t iovs_len, uint64_t offset,
                       uint32_t nread_out);
uint32_t wasi_fd_prestat_get(void *ctx, uint32_t fd, uint32_t prestat_out);
uint32_t wasi_fd_prestat_dir_name(void *ctx, uint32_t fd, uint32_t path,
                                  uint32_t path_len);
uint32_t wasi_fd_pwrite(void *ctx, uint32_t fd, uint32_t iovs,
                        uint32_t iovs_len, uint64_t offset,
                        uint32_t nwritten_out);
uint32_t wasi_fd_read(void *ctx, uint32_t fd, uint32_t iovs,
                      uint32_t iovs_len, uint32_t nread_out);
uint32_t wasi_fd_readdir(void *ctx, uint32_t fd, uint32_t buf,
                         uint32_t buf_len, uint64_t cookie,
                         uint32_t bufused_out);
uint32_t wasi_fd_renumber(void *ctx, uint32_t fd, uint32_t to);
uint32_t wasi_fd_seek(void *ctx, uint32_t fd, uint64_t offset,
                      uint32_t whence, uint32_t newoffset_out);
uint32_t wasi_fd_sync(void *ctx, uint32_t fd);
uint32_t wasi_fd_tell(void *ctx, uint32_t fd, uint32_t offset_out);
uint32_t wasi_fd_write(void *ctx, uint32_t fd, uint32_t iovs,
                       uint32_t iovs_len, uint32_t nwritten_out);
uint32_t wasi_path_create_directory(void *ctx, uint32_t fd, uint32_t path,
                                    uint32_t path_len);
uint32_t wasi_path_filestat_get(void *ctx, uint32_t fd, uint32_t flags,
                                uint32_t path, uint32_t path_len,
                                uint32_t stat_out);
uint32_t wasi_path_filestat_set_times(void *ctx, uint32_t fd, uint32_t flags,
                                      uint32_t path, uint32_t path_len,
                                      uint64_t atim, uint64_t mtim,
                                      uint32_t fst_flags);
uint32_t wasi_path_link(void *ctx, uint32_t old_fd, uint32_t old_flags,
                        uint32_t old_path, uint32_t old_path_len,
                        uint32_t new_fd, uint32_t new_path,
                        uint32_t new_path_len);
uint32_t wasi_path_open(void *ctx, uint32_t fd, uint32_t dirflags,
                        uint32_t path, uint32_t path_len, uint32_t oflags,
                        uint64_t rights_base, uint64_t rights_inheriting,
                        uint32_t fdflags, uint32_t fd_out);
uint32_t wasi_path_readlink(void *ctx, uint32_t fd, uint32_t path,
                            uint32_t path_len, uint32_t buf,
                            uint32_t buf_len, uint32_t bufused_out);
uint32_t wasi_path_remove_directory(void *ctx, uint32_t fd, uint32_t path,
                                    uint32_t path_len);
uint32_t wasi_path_rename(void *ctx, uint32_t fd, uint32_t old_path,
                          uint32_t old_path_len, uint32_t new_fd,
                          uint32_t new_path, uint32_t new_path_len);
uint32_t wasi_path_symlink(void *ctx, uint32_t old_path,
                           uint32_t old_path_len, uint32_t fd,
                           uint32_t new_path, uint32_t new_path_len);
uint32_t wasi_path_unlink_file(void *ctx, uint32_t fd, uint32_t path,
                               uint32_t path_len);
uint32_t wasi_poll_oneoff(void *ctx, uint32_t in, uint32_t out,
                          uint32_t nsubscriptions, uint32_t nevents_out);
/* Unwinds with WRT_TRAP_EXIT; returns only when no runtime is bound. */
void wasi_proc_exit(void *ctx, uint32_t code);
uint32_t wasi_proc_raise(void *ctx, uint32_t sig);
uint32_t wasi_sched_yield(void *ctx);
uint32_t wasi_random_get(void *ctx, uint32_t buf, uint32_t len);
uint32_t wasi_sock_accept(void *ctx, uint32_t fd, uint32_t flags,
                          uint32_t fd_out);
uint32_t wasi_sock_recv(void *ctx, uint32_t fd, uint32_t ri_data,
                        uint32_t ri_data_len, uint32_t ri_flags,
                        uint32_t ro_datalen_out, uint32_t ro_flags_out);
uint32_t wasi_sock_send(void *ctx, uint32_t fd, uint32_t si_data,
                        uint32_t si_data_len, uint32_t si_flags,
                        uint32_t so_datalen_out);
uint32_t wasi_sock_shutdown(void *ctx, uint32_t fd, uint32_t how);

#endif /* WASI_H */
