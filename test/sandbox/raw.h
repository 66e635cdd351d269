/*
 * raw.h - the WASI preview1 imports declared with plain integers for every
 * guest pointer and length, for the sandbox test programs.  wasi-libc's
 * <wasi/api.h> wrappers take C strings and typed pointers and compute
 * lengths themselves; these let a program hand the runtime any address and
 * any length (past the end of memory, wrapping around 4 GiB), so the
 * runtime's own checks are what is tested, not libc's.
 *
 * Each returns the WASI errno.  The signatures are those of the witx (and
 * of compiler/wasi.def): i32 for pointers, lengths, fds and flags, i64 for
 * rights, offsets and timestamps.
 */
#ifndef SANDBOX_RAW_H
#define SANDBOX_RAW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define RAW_IMPORT(n)                                                       \
    __attribute__((__import_module__("wasi_snapshot_preview1"),             \
                   __import_name__(#n)))

uint32_t raw_args_get(uint32_t argv, uint32_t argv_buf)
    RAW_IMPORT(args_get);
uint32_t raw_args_sizes_get(uint32_t argc_out, uint32_t size_out)
    RAW_IMPORT(args_sizes_get);
uint32_t raw_environ_get(uint32_t environ, uint32_t environ_buf)
    RAW_IMPORT(environ_get);
uint32_t raw_environ_sizes_get(uint32_t count_out, uint32_t size_out)
    RAW_IMPORT(environ_sizes_get);
uint32_t raw_clock_time_get(uint32_t id, uint64_t precision,
                            uint32_t time_out)
    RAW_IMPORT(clock_time_get);
uint32_t raw_fd_close(uint32_t fd) RAW_IMPORT(fd_close);
uint32_t raw_fd_fdstat_get(uint32_t fd, uint32_t stat_out)
    RAW_IMPORT(fd_fdstat_get);
uint32_t raw_fd_filestat_get(uint32_t fd, uint32_t stat_out)
    RAW_IMPORT(fd_filestat_get);
uint32_t raw_fd_filestat_set_size(uint32_t fd, uint64_t size)
    RAW_IMPORT(fd_filestat_set_size);
uint32_t raw_fd_filestat_set_times(uint32_t fd, uint64_t atim, uint64_t mtim,
                                   uint32_t fst_flags)
    RAW_IMPORT(fd_filestat_set_times);
uint32_t raw_fd_allocate(uint32_t fd, uint64_t offset, uint64_t len)
    RAW_IMPORT(fd_allocate);
uint32_t raw_fd_fdstat_set_flags(uint32_t fd, uint32_t flags)
    RAW_IMPORT(fd_fdstat_set_flags);
uint32_t raw_fd_pread(uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                      uint64_t offset, uint32_t nread_out)
    RAW_IMPORT(fd_pread);
uint32_t raw_fd_prestat_get(uint32_t fd, uint32_t prestat_out)
    RAW_IMPORT(fd_prestat_get);
uint32_t raw_fd_prestat_dir_name(uint32_t fd, uint32_t path,
                                 uint32_t path_len)
    RAW_IMPORT(fd_prestat_dir_name);
uint32_t raw_fd_pwrite(uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                       uint64_t offset, uint32_t nwritten_out)
    RAW_IMPORT(fd_pwrite);
uint32_t raw_fd_read(uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                     uint32_t nread_out)
    RAW_IMPORT(fd_read);
uint32_t raw_fd_readdir(uint32_t fd, uint32_t buf, uint32_t buf_len,
                        uint64_t cookie, uint32_t bufused_out)
    RAW_IMPORT(fd_readdir);
uint32_t raw_fd_renumber(uint32_t fd, uint32_t to) RAW_IMPORT(fd_renumber);
uint32_t raw_fd_write(uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                      uint32_t nwritten_out)
    RAW_IMPORT(fd_write);
uint32_t raw_path_create_directory(uint32_t fd, uint32_t path,
                                   uint32_t path_len)
    RAW_IMPORT(path_create_directory);
uint32_t raw_path_filestat_get(uint32_t fd, uint32_t flags, uint32_t path,
                               uint32_t path_len, uint32_t stat_out)
    RAW_IMPORT(path_filestat_get);
uint32_t raw_path_filestat_set_times(uint32_t fd, uint32_t flags,
                                     uint32_t path, uint32_t path_len,
                                     uint64_t atim, uint64_t mtim,
                                     uint32_t fst_flags)
    RAW_IMPORT(path_filestat_set_times);
uint32_t raw_path_link(uint32_t old_fd, uint32_t old_flags,
                       uint32_t old_path, uint32_t old_path_len,
                       uint32_t new_fd, uint32_t new_path,
                       uint32_t new_path_len)
    RAW_IMPORT(path_link);
uint32_t raw_path_open(uint32_t fd, uint32_t dirflags, uint32_t path,
                       uint32_t path_len, uint32_t oflags,
                       uint64_t rights_base, uint64_t rights_inheriting,
                       uint32_t fdflags, uint32_t fd_out)
    RAW_IMPORT(path_open);
uint32_t raw_path_readlink(uint32_t fd, uint32_t path, uint32_t path_len,
                           uint32_t buf, uint32_t buf_len,
                           uint32_t bufused_out)
    RAW_IMPORT(path_readlink);
uint32_t raw_path_remove_directory(uint32_t fd, uint32_t path,
                                   uint32_t path_len)
    RAW_IMPORT(path_remove_directory);
uint32_t raw_path_rename(uint32_t fd, uint32_t old_path,
                         uint32_t old_path_len, uint32_t new_fd,
                         uint32_t new_path, uint32_t new_path_len)
    RAW_IMPORT(path_rename);
uint32_t raw_path_symlink(uint32_t old_path, uint32_t old_path_len,
                          uint32_t fd, uint32_t new_path,
                          uint32_t new_path_len)
    RAW_IMPORT(path_symlink);
uint32_t raw_path_unlink_file(uint32_t fd, uint32_t path, uint32_t path_len)
    RAW_IMPORT(path_unlink_file);
uint32_t raw_poll_oneoff(uint32_t in, uint32_t out, uint32_t nsubscriptions,
                         uint32_t nevents_out)
    RAW_IMPORT(poll_oneoff);
uint32_t raw_random_get(uint32_t buf, uint32_t len) RAW_IMPORT(random_get);
uint32_t raw_sock_accept(uint32_t fd, uint32_t flags, uint32_t fd_out)
    RAW_IMPORT(sock_accept);

/* A guest address as the i32 the imports take. */
#define ADDR(p) ((uint32_t)(uintptr_t)(p))
/* A C string as the (pointer, length) pair of a WASI path. */
#define STR(s) ADDR(s), (uint32_t)strlen(s)

/* The first address past linear memory (its size now). */
static inline uint32_t
mem_end(void)
{
    return (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
}

#endif /* SANDBOX_RAW_H */
