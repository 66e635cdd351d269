/*
 * path.c - guest paths resolved beneath a directory descriptor, and every
 * path_* call of WASI preview1.
 *
 * Confinement.  The directory descriptor a path is relative to stands for
 * the root of everything the guest may reach through it.  walk_resolve()
 * takes the path one component at a time: openat(O_DIRECTORY | O_NOFOLLOW)
 * steps into a directory and pushes its fd on a stack, "." is skipped and
 * ".." pops the stack (it never asks the kernel for ".."), so ".." at the
 * root is refused.  A symbolic link met on the way is read with
 * readlinkat and its target spliced in front of what is left of the path,
 * to be walked from the directory holding the link; absolute targets are
 * refused and at most MAX_LINKS links are expanded per call.  The kernel
 * thus never resolves more than one name and never follows a link, so a
 * component the host swaps for a symlink between two steps cannot lead
 * the walk anywhere else.  The last component is left to the caller, who
 * applies the *at() call to the innermost directory and a name without
 * slashes, never following a link there (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW):
 * when a call asks to follow a final symlink, walk_resolve() has already
 * expanded it through the same loop, so the object finally touched was
 * reached through confined directory fds only.
 *
 * Errnos, chosen where the wasi-testsuite accepts several: an absolute
 * path, ".." above the root, and a symlink whose target is absolute or
 * climbs above the root give ENOTCAPABLE (the tests allow it or EPERM;
 * ENOTCAPABLE says "outside your capabilities"); too many symlinks give
 * ELOOP; an empty path ENOENT; a NUL byte in a path EINVAL; a path of
 * PATH_LIMIT bytes or more ENAMETOOLONG.  A descriptor that is not a
 * directory gives ENOTDIR, one lacking the call's right ENOTCAPABLE.
 *
 * Trailing slashes follow POSIX, with Linux's answers where POSIX leaves a
 * choice, on every host: for path_open, filestat_get/set_times and
 * readlink, "x/" names the directory x (following x if it is a symlink);
 * unlink_file("x/") gives EISDIR for a directory and ENOTDIR otherwise;
 * link and symlink to "x/" give ENOENT when x does not exist, ENOTDIR
 * when it is a file, EEXIST when it is a directory or a link;
 * create_directory, remove_directory and rename drop the slash (rename
 * then insists that the source is a directory).
 *
 * path_symlink also refuses a relative target that climbs above the root
 * when read lexically from the link's directory, so that a guest cannot
 * plant a link out of the sandbox for host programs to follow; path_link
 * and path_rename check a link they give a new name the same way.  That
 * check is lexical: it cannot see that a component of the target is
 * itself a link (made before or after), and renaming a whole directory
 * does not look at the links inside it, so a chain of links, or a moved
 * directory holding one, can still lead a host program that follows links
 * without confinement above the root.  The
 * guest itself never gets out that way: every path it uses goes through
 * walk_resolve().
 *
 * Descriptors and rights live in fd.c; guest memory is reached only
 * through guest.c.
 */
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#elif defined(__linux__)
#define _GNU_SOURCE         /* O_PATH */
#endif
#define _POSIX_C_SOURCE 200809L

#include "ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Guest path strings of this many bytes or more are refused. */
#define PATH_LIMIT 4096u
/* What is left to walk after splicing symlink targets stays below this. */
#define WALK_LIMIT 65536u
/* Symlinks expanded in one resolution before ELOOP (Linux allows 40). */
#define MAX_LINKS 32u
/* Largest symlink target read (PATH_MAX on Linux; longer is refused). */
#define LINK_BUF 4096

/*
 * How walk_resolve() opens each directory on the way.  O_NOFOLLOW makes a
 * symlink fail (ELOOP; ENOTDIR with O_DIRECTORY on Linux; EMLINK on
 * FreeBSD, EFTYPE on NetBSD) instead of being followed.  Linux's O_PATH
 * needs only search permission, as the kernel's own walk does.
 */
#if defined(__linux__) && defined(O_PATH)
#define DIR_OPEN_FLAGS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#else
#define DIR_OPEN_FLAGS                                                      \
    (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
#endif

/* walk_resolve() flags */
#define RF_FOLLOW 0x1u      /* expand a symlink in the last component */
#define RF_SLASH_DIR 0x2u   /* "x/" walks into x (following it), name "." */

/*
 * One resolution.  fds[0..depth) are the directories opened below root,
 * innermost last; walk_dir() is the one the next name is looked up in.
 * After walk_resolve() succeeds, `name` (no slashes; "." for the directory
 * itself) is the last component, to be used with walk_dir(), and `slash`
 * says whether a slash followed it.  A walk holds one host fd per level it
 * is below the root, so a path nested deeper than the host descriptors
 * left fails with EMFILE.
 */
typedef struct Walk {
    int root;           /* the guest directory's host fd (borrowed) */
    int *fds;           /* owned */
    size_t depth;
    size_t cap;
    char *path;         /* what is left to walk (owned, NUL-terminated) */
    const char *name;
    int slash;
    unsigned links;     /* symlinks expanded so far */
} Walk;

static void
walk_init(Walk *wk)
{
    memset(wk, 0, sizeof(*wk));
    wk->root = -1;
    wk->name = ".";
}

/* Close everything the walk holds; safe to call twice. */
static void
walk_free(Walk *wk)
{
    while (wk->depth > 0)
        close(wk->fds[--wk->depth]);
    free(wk->fds);
    free(wk->path);
    walk_init(wk);
}

static int
walk_dir(const Walk *wk)
{
    return wk->depth > 0 ? wk->fds[wk->depth - 1] : wk->root;
}

/* Push fd (owned from now on: closed here when it cannot be kept). */
static uint32_t
walk_push(Walk *wk, int fd)
{
    int *fds;
    size_t cap;

    if (wk->depth == wk->cap) {
        cap = wk->cap != 0 ? wk->cap * 2 : 16;
        fds = realloc(wk->fds, cap * sizeof(*fds));
        if (fds == NULL) {
            close(fd);
            return WASI_ENOMEM;
        }
        wk->fds = fds;
        wk->cap = cap;
    }
    wk->fds[wk->depth++] = fd;
    return 0;
}

/* The host errors openat(O_NOFOLLOW) may give for a symlink. */
static int
maybe_link_error(int e)
{
    if (e == ELOOP || e == ENOTDIR || e == EMLINK)
        return 1;
#ifdef EFTYPE
    if (e == EFTYPE)
        return 1;
#endif
    return 0;
}

static int
is_link(int dir, const char *name)
{
    struct stat st;

    return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISLNK(st.st_mode);
}

/*
 * Replace the path with the target of symlink `link` (in walk_dir())
 * followed by what comes after the link: `cut` points at the character
 * after the link's name in wk->path, temporarily overwritten by NUL, and
 * `save` is that character, restored here.  The walk goes on from the
 * directory holding the link.
 */
static uint32_t
walk_expand(Walk *wk, const char *link, char *cut, char save)
{
    char target[LINK_BUF];
    ssize_t n;
    size_t rest;
    char *p;
    int e;

    n = readlinkat(walk_dir(wk), link, target, sizeof(target));
    e = errno;
    *cut = save;
    if (n < 0)
        return wasi_errno_from_host(e);
    if (++wk->links > MAX_LINKS)
        return WASI_ELOOP;
    if ((size_t)n >= sizeof(target))
        return WASI_ENAMETOOLONG;
    if (n == 0)
        return WASI_ENOENT;
    if (target[0] == '/')
        return WASI_ENOTCAPABLE;
    rest = strlen(cut);
    if ((size_t)n + rest >= WALK_LIMIT)
        return WASI_ENAMETOOLONG;
    p = malloc((size_t)n + rest + 1);
    if (p == NULL)
        return WASI_ENOMEM;
    memcpy(p, target, (size_t)n);
    memcpy(p + n, cut, rest + 1);
    free(wk->path);
    wk->path = p;
    return 0;
}

/*
 * Walk wk->path (relative, set by the caller) from wk->root down to its
 * last component, as the file comment describes.  flags: RF_FOLLOW,
 * RF_SLASH_DIR.  On failure the walk still needs walk_free().
 */
static uint32_t
walk_resolve(Walk *wk, unsigned flags)
{
    size_t pos = 0, start, end;
    uint32_t err;
    char *p, save;
    int fd, e, last, slash;

    if (wk->path[0] == '/')
        return WASI_ENOTCAPABLE;
    for (;;) {
        p = wk->path;
        while (p[pos] == '/')
            pos++;
        if (p[pos] == '\0') {
            /* "", ".", "a/..", a link to ".": the directory itself */
            wk->name = ".";
            wk->slash = 0;
            return 0;
        }
        start = pos;
        while (p[pos] != '\0' && p[pos] != '/')
            pos++;
        end = pos;
        while (p[pos] == '/')
            pos++;
        last = p[pos] == '\0';
        slash = last && pos > end;
        if (end - start == 1 && p[start] == '.')
            continue;
        if (end - start == 2 && p[start] == '.' && p[start + 1] == '.') {
            if (wk->depth == 0)
                return WASI_ENOTCAPABLE;
            close(wk->fds[--wk->depth]);
            continue;
        }
        save = p[end];
        p[end] = '\0';
        if (last && !(slash && (flags & RF_SLASH_DIR))) {
            if ((flags & RF_FOLLOW) && is_link(walk_dir(wk), p + start)) {
                err = walk_expand(wk, p + start, p + end, save);
                if (err != 0)
                    return err;
                pos = 0;
                continue;
            }
            wk->name = p + start;
            wk->slash = slash;
            return 0;
        }
        fd = openat(walk_dir(wk), p + start, DIR_OPEN_FLAGS);
        if (fd >= 0) {
            p[end] = save;
            err = walk_push(wk, fd);
            if (err != 0)
                return err;
            continue;
        }
        e = errno;
        if (maybe_link_error(e) && is_link(walk_dir(wk), p + start)) {
            err = walk_expand(wk, p + start, p + end, save);
            if (err != 0)
                return err;
            pos = 0;
            continue;
        }
        p[end] = save;
        if (e == ENOTDIR)
            return WASI_ENOTDIR;
        return maybe_link_error(e) ? WASI_ELOOP : wasi_errno_from_host(e);
    }
}

/*
 * Copy guest string (ptr, len) into a new NUL-terminated *out (free()
 * it).  EFAULT outside memory, ENAMETOOLONG from PATH_LIMIT bytes, ENOENT
 * when empty, EINVAL when it holds a NUL byte.
 */
static uint32_t
copy_path(const WasiCtx *w, uint32_t ptr, uint32_t len, char **out)
{
    uint8_t *p;
    char *s;
    uint32_t err;

    *out = NULL;
    err = guest_range(w->mem, ptr, len, &p);
    if (err != 0)
        return err;
    if (len >= PATH_LIMIT)
        return WASI_ENAMETOOLONG;
    if (len == 0)
        return WASI_ENOENT;
    if (memchr(p, '\0', len) != NULL)
        return WASI_EINVAL;
    s = malloc((size_t)len + 1);
    if (s == NULL)
        return WASI_ENOMEM;
    memcpy(s, p, len);
    s[len] = '\0';
    *out = s;
    return 0;
}

/*
 * The start of every path_* call: guest fd must be an open directory
 * (EBADF, ENOTDIR) holding `rights` (ENOTCAPABLE); then the guest path is
 * copied and resolved beneath it with walk_resolve(flags).  *wk is
 * initialised here and always needs walk_free(), success or not.  *dirp
 * (if not NULL) gets the directory's entry, valid until the fd table
 * changes.
 */
static uint32_t
walk_begin(WasiCtx *w, uint32_t fd, uint64_t rights, uint32_t path,
           uint32_t path_len, unsigned flags, Walk *wk, WasiFd **dirp)
{
    WasiFd *d;
    uint32_t err;

    walk_init(wk);
    d = wasi_fd_lookup(w, fd);
    if (d == NULL)
        return WASI_EBADF;
    if (d->filetype != WASI_FILETYPE_DIRECTORY)
        return WASI_ENOTDIR;
    d = wasi_fd_get(w, fd, rights, &err);
    if (d == NULL)
        return err;
    err = copy_path(w, path, path_len, &wk->path);
    if (err != 0)
        return err;
    wk->root = d->host;
    if (dirp != NULL)
        *dirp = d;
    return walk_resolve(wk, flags);
}

/* walk_resolve() flags for guest lookupflags: following is opt-in. */
static unsigned
lookup_flags(uint32_t lookupflags)
{
    return RF_SLASH_DIR |
           ((lookupflags & WASI_LOOKUPFLAGS_SYMLINK_FOLLOW) ? RF_FOLLOW : 0);
}

/*
 * The error for a new name "x/" given to link or symlink, which can only
 * fail: ENOENT when x does not exist (a slash asks for a directory, which
 * these calls do not make), ENOTDIR when x is neither a directory nor a
 * link (as POSIX and the tests' unix mode have it), else EEXIST.  Decided
 * here on every host: the slash is not passed on, as it would make the
 * kernel follow x.
 */
static uint32_t
slash_create_error(const Walk *wk)
{
    struct stat st;

    if (fstatat(walk_dir(wk), wk->name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return wasi_errno_from_host(errno);
    if (!S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode))
        return WASI_ENOTDIR;
    return WASI_EEXIST;
}

/* The WASI errno for what the host call that just failed left in errno. */
static uint32_t
host_error(void)
{
    return wasi_errno_from_host(errno);
}

uint32_t
wasi_path_create_directory(void *ctx, uint32_t fd, uint32_t path,
                           uint32_t path_len)
{
    Walk wk;
    uint32_t err;

    err = walk_begin(ctx, fd, WASI_RIGHTS_PATH_CREATE_DIRECTORY, path,
                     path_len, 0, &wk, NULL);
    if (err == 0 && mkdirat(walk_dir(&wk), wk.name, 0777) != 0)
        err = host_error();
    walk_free(&wk);
    return err;
}

uint32_t
wasi_path_filestat_get(void *ctx, uint32_t fd, uint32_t flags, uint32_t path,
                       uint32_t path_len, uint32_t stat_out)
{
    WasiCtx *w = ctx;
    struct stat st;
    uint8_t *p;
    Walk wk;
    uint32_t err;

    err = guest_range(w->mem, stat_out, 64, &p);
    if (err != 0)
        return err;
    err = walk_begin(w, fd, WASI_RIGHTS_PATH_FILESTAT_GET, path, path_len,
                     lookup_flags(flags), &wk, NULL);
    if (err == 0 &&
        fstatat(walk_dir(&wk), wk.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        err = host_error();
    if (err == 0)
        wasi_put_filestat(p, &st);
    walk_free(&wk);
    return err;
}

uint32_t
wasi_path_filestat_set_times(void *ctx, uint32_t fd, uint32_t flags,
                             uint32_t path, uint32_t path_len, uint64_t atim,
                             uint64_t mtim, uint32_t fst_flags)
{
    struct timespec ts[2];
    Walk wk;
    uint32_t err;

    err = wasi_fst_times(atim, mtim, fst_flags, ts);
    if (err != 0)
        return err;
    err = walk_begin(ctx, fd, WASI_RIGHTS_PATH_FILESTAT_SET_TIMES, path,
                     path_len, lookup_flags(flags), &wk, NULL);
    /* A followed link was expanded by the walk: never follow here. */
    if (err == 0 &&
        utimensat(walk_dir(&wk), wk.name, ts, AT_SYMLINK_NOFOLLOW) != 0)
        err = host_error();
    walk_free(&wk);
    return err;
}

static uint32_t check_link_target(const char *t, size_t depth);

/*
 * When (dir, name) is a symbolic link about to get a new name `depth`
 * levels below the root of `to`'s walk (path_link, path_rename), the same
 * check path_symlink makes: its text must not lead out from there.
 * Otherwise a link made harmlessly deep inside could be moved up and point
 * out of the sandbox for host programs that follow links.
 */
static uint32_t
check_moved_link(int dir, const char *name, size_t depth)
{
    char target[LINK_BUF];
    struct stat st;
    ssize_t n;

    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISLNK(st.st_mode))
        return 0;   /* not a link: the *at() call reports any error */
    n = readlinkat(dir, name, target, sizeof target - 1);
    if (n < 0)
        return host_error();
    target[n] = '\0';
    return check_link_target(target, depth);
}

/*
 * The source is followed only with SYMLINK_FOLLOW, and then within the
 * sandbox; linkat itself never follows (flags 0), so the link is made to
 * what the walk reached.
 */
uint32_t
wasi_path_link(void *ctx, uint32_t old_fd, uint32_t old_flags,
               uint32_t old_path, uint32_t old_path_len, uint32_t new_fd,
               uint32_t new_path, uint32_t new_path_len)
{
    Walk from, to;
    uint32_t err;

    walk_init(&to);
    err = walk_begin(ctx, old_fd, WASI_RIGHTS_PATH_LINK_SOURCE, old_path,
                     old_path_len, lookup_flags(old_flags), &from, NULL);
    if (err == 0)
        err = walk_begin(ctx, new_fd, WASI_RIGHTS_PATH_LINK_TARGET, new_path,
                         new_path_len, 0, &to, NULL);
    if (err == 0 && to.slash)
        err = slash_create_error(&to);
    if (err == 0)
        err = check_moved_link(walk_dir(&from), from.name, to.depth);
    if (err == 0 &&
        linkat(walk_dir(&from), from.name, walk_dir(&to), to.name, 0) != 0)
        err = host_error();
    walk_free(&from);
    walk_free(&to);
    return err;
}

/*
 * Host open(2) flags for guest fdflags, or an errno: EINVAL for unknown
 * bits, ENOTSUP for a synchronisation mode the host lacks.
 */
static uint32_t
open_fdflags(uint32_t fdflags, int *out)
{
    int fl = 0;

    if (fdflags & ~(uint32_t)(WASI_FDFLAGS_APPEND | WASI_FDFLAGS_DSYNC |
                              WASI_FDFLAGS_NONBLOCK | WASI_FDFLAGS_RSYNC |
                              WASI_FDFLAGS_SYNC))
        return WASI_EINVAL;
    if (fdflags & WASI_FDFLAGS_APPEND)
        fl |= O_APPEND;
    if (fdflags & WASI_FDFLAGS_NONBLOCK)
        fl |= O_NONBLOCK;
    if (fdflags & WASI_FDFLAGS_DSYNC) {
#ifdef O_DSYNC
        fl |= O_DSYNC;
#else
        return WASI_ENOTSUP;
#endif
    }
    if (fdflags & WASI_FDFLAGS_RSYNC) {
#ifdef O_RSYNC
        fl |= O_RSYNC;
#else
        return WASI_ENOTSUP;
#endif
    }
    if (fdflags & WASI_FDFLAGS_SYNC)
        fl |= O_SYNC;
    *out = fl;
    return 0;
}

/*
 * The access mode comes from the rights the new descriptor can actually
 * get (asked for and inheritable): write for FD_WRITE, FD_ALLOCATE or
 * FD_FILESTAT_SET_SIZE, read for FD_READ or FD_READDIR, else read-only.
 * A directory opened for writing fails with EISDIR, as on POSIX.  The
 * final component is never followed by the kernel (O_NOFOLLOW): a link the
 * guest asked to follow was expanded by the walk, so what remains is ELOOP
 * for a link the guest asked not to follow.  O_CREAT | O_EXCL never
 * follows, as POSIX says.
 */
uint32_t
wasi_path_open(void *ctx, uint32_t fd, uint32_t dirflags, uint32_t path,
               uint32_t path_len, uint32_t oflags, uint64_t rights_base,
               uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_out)
{
    const uint64_t want_read = WASI_RIGHTS_FD_READ | WASI_RIGHTS_FD_READDIR;
    const uint64_t want_write = WASI_RIGHTS_FD_WRITE |
                                WASI_RIGHTS_FD_ALLOCATE |
                                WASI_RIGHTS_FD_FILESTAT_SET_SIZE;
    WasiCtx *w = ctx;
    uint64_t need = WASI_RIGHTS_PATH_OPEN, eff, inherit;
    unsigned rf = RF_SLASH_DIR;
    int hflags = O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, fl = 0, host, e;
    struct stat st;
    WasiFd nf, *d = NULL;
    uint8_t *outp;
    uint32_t err, newfd;
    Walk wk;

    err = guest_range(w->mem, fd_out, 4, &outp);
    if (err != 0)
        return err;
    if (oflags & ~(uint32_t)(WASI_OFLAGS_CREAT | WASI_OFLAGS_DIRECTORY |
                             WASI_OFLAGS_EXCL | WASI_OFLAGS_TRUNC))
        return WASI_EINVAL;
    /* Directories are neither created nor truncated by path_open. */
    if ((oflags & WASI_OFLAGS_DIRECTORY) &&
        (oflags & (WASI_OFLAGS_CREAT | WASI_OFLAGS_TRUNC)))
        return WASI_EINVAL;
    err = open_fdflags(fdflags, &fl);
    if (err != 0)
        return err;
    hflags |= fl;
    if (oflags & WASI_OFLAGS_CREAT) {
        need |= WASI_RIGHTS_PATH_CREATE_FILE;
        hflags |= O_CREAT;
    }
    if (oflags & WASI_OFLAGS_DIRECTORY)
        hflags |= O_DIRECTORY;
    if (oflags & WASI_OFLAGS_EXCL)
        hflags |= O_EXCL;
    if (oflags & WASI_OFLAGS_TRUNC) {
        need |= WASI_RIGHTS_PATH_FILESTAT_SET_SIZE;
        hflags |= O_TRUNC;
    }
    if ((dirflags & WASI_LOOKUPFLAGS_SYMLINK_FOLLOW) &&
        !((oflags & WASI_OFLAGS_CREAT) && (oflags & WASI_OFLAGS_EXCL)))
        rf |= RF_FOLLOW;

    err = walk_begin(w, fd, need, path, path_len, rf, &wk, &d);
    if (err != 0) {
        walk_free(&wk);
        return err;
    }
    /* d is valid until wasi_fd_insert: take what is needed from it now. */
    eff = rights_base & d->rights_inheriting;
    inherit = rights_inheriting & d->rights_inheriting;
    if (eff & want_write)
        hflags |= (eff & want_read) ? O_RDWR : O_WRONLY;
    else
        hflags |= O_RDONLY;
    host = openat(walk_dir(&wk), wk.name, hflags, 0666);
    e = errno;
    walk_free(&wk);
    /* FreeBSD and NetBSD report a link refused by O_NOFOLLOW otherwise. */
    if (host < 0)
        return maybe_link_error(e) && e != ENOTDIR ? WASI_ELOOP
                                                    : wasi_errno_from_host(e);
    if (fstat(host, &st) != 0) {
        e = errno;
        close(host);
        return wasi_errno_from_host(e);
    }
    memset(&nf, 0, sizeof(nf));
    nf.host = host;
    nf.is_open = 1;
    nf.is_owned = 1;
    nf.filetype = wasi_filetype_of(&st);
    nf.rights_base = eff & (S_ISDIR(st.st_mode) ? WASI_RIGHTS_DIR
                                                : WASI_RIGHTS_FILE);
    /* wasi-libc's isatty() looks for a tty without seek and tell. */
    if (isatty(host))
        nf.rights_base &= ~(WASI_RIGHTS_FD_SEEK | WASI_RIGHTS_FD_TELL);
    nf.rights_inheriting = inherit;
    err = wasi_fd_insert(w, &nf, &newfd);
    if (err != 0) {
        close(host);
        return err;
    }
    guest_put_u32(outp, newfd);
    return 0;
}

/* At most buf_len bytes of the target; a longer one is cut silently. */
uint32_t
wasi_path_readlink(void *ctx, uint32_t fd, uint32_t path, uint32_t path_len,
                   uint32_t buf, uint32_t buf_len, uint32_t bufused_out)
{
    WasiCtx *w = ctx;
    char target[LINK_BUF];
    uint8_t *bp, *up;
    ssize_t n = 0;
    size_t len;
    uint32_t err;
    Walk wk;

    err = guest_range(w->mem, buf, buf_len, &bp);
    if (err == 0)
        err = guest_range(w->mem, bufused_out, 4, &up);
    if (err != 0)
        return err;
    err = walk_begin(w, fd, WASI_RIGHTS_PATH_READLINK, path, path_len,
                     RF_SLASH_DIR, &wk, NULL);
    if (err == 0) {
        n = readlinkat(walk_dir(&wk), wk.name, target, sizeof(target));
        if (n < 0)
            err = host_error();
    }
    walk_free(&wk);
    if (err != 0)
        return err;
    len = (size_t)n < buf_len ? (size_t)n : buf_len;
    if (len > 0)
        memcpy(bp, target, len);
    guest_put_u32(up, (uint32_t)len);
    return 0;
}

uint32_t
wasi_path_remove_directory(void *ctx, uint32_t fd, uint32_t path,
                           uint32_t path_len)
{
    Walk wk;
    uint32_t err;

    err = walk_begin(ctx, fd, WASI_RIGHTS_PATH_REMOVE_DIRECTORY, path,
                     path_len, 0, &wk, NULL);
    if (err == 0 && unlinkat(walk_dir(&wk), wk.name, AT_REMOVEDIR) != 0)
        /* POSIX lets a non-empty directory give EEXIST too. */
        err = errno == EEXIST ? WASI_ENOTEMPTY : host_error();
    walk_free(&wk);
    return err;
}

/* Each path is resolved beneath its own descriptor; renameat joins them. */
uint32_t
wasi_path_rename(void *ctx, uint32_t fd, uint32_t old_path,
                 uint32_t old_path_len, uint32_t new_fd, uint32_t new_path,
                 uint32_t new_path_len)
{
    struct stat st;
    Walk from, to;
    uint32_t err;

    walk_init(&to);
    err = walk_begin(ctx, fd, WASI_RIGHTS_PATH_RENAME_SOURCE, old_path,
                     old_path_len, 0, &from, NULL);
    if (err == 0)
        err = walk_begin(ctx, new_fd, WASI_RIGHTS_PATH_RENAME_TARGET,
                         new_path, new_path_len, 0, &to, NULL);
    /* A trailing slash on either name is only for directories. */
    if (err == 0 && (from.slash || to.slash)) {
        if (fstatat(walk_dir(&from), from.name, &st, AT_SYMLINK_NOFOLLOW) !=
            0)
            err = host_error();
        else if (!S_ISDIR(st.st_mode))
            err = WASI_ENOTDIR;
    }
    if (err == 0)
        err = check_moved_link(walk_dir(&from), from.name, to.depth);
    if (err == 0 &&
        renameat(walk_dir(&from), from.name, walk_dir(&to), to.name) != 0)
        err = errno == EEXIST ? WASI_ENOTEMPTY : host_error();
    walk_free(&from);
    walk_free(&to);
    return err;
}

/*
 * ENOTCAPABLE when symlink target `t`, read from a directory `depth`
 * levels below the root, is absolute or climbs above the root.
 */
static uint32_t
check_link_target(const char *t, size_t depth)
{
    size_t n;

    if (t[0] == '/')
        return WASI_ENOTCAPABLE;
    while (*t != '\0') {
        n = strcspn(t, "/");
        if (n == 2 && t[0] == '.' && t[1] == '.') {
            if (depth == 0)
                return WASI_ENOTCAPABLE;
            depth--;
        } else if (n > 0 && !(n == 1 && t[0] == '.')) {
            depth++;
        }
        t += n;
        while (*t == '/')
            t++;
    }
    return 0;
}

uint32_t
wasi_path_symlink(void *ctx, uint32_t old_path, uint32_t old_path_len,
                  uint32_t fd, uint32_t new_path, uint32_t new_path_len)
{
    char *target;
    uint32_t err;
    Walk wk;

    walk_init(&wk);
    err = copy_path(ctx, old_path, old_path_len, &target);
    if (err == 0)
        err = walk_begin(ctx, fd, WASI_RIGHTS_PATH_SYMLINK, new_path,
                         new_path_len, 0, &wk, NULL);
    /* wk.depth: how far below the root the link's directory is. */
    if (err == 0)
        err = check_link_target(target, wk.depth);
    if (err == 0 && wk.slash)
        err = slash_create_error(&wk);
    if (err == 0 && symlinkat(target, walk_dir(&wk), wk.name) != 0)
        err = host_error();
    walk_free(&wk);
    free(target);
    return err;
}

/*
 * unlink_file never removes a directory: EISDIR, also where the host says
 * EPERM (macOS, the BSDs).  "x/" is refused without touching x, as Linux
 * does: EISDIR for a directory, ENOTDIR for anything else.
 */
uint32_t
wasi_path_unlink_file(void *ctx, uint32_t fd, uint32_t path,
                      uint32_t path_len)
{
    struct stat st;
    uint32_t err;
    Walk wk;
    int e;

    err = walk_begin(ctx, fd, WASI_RIGHTS_PATH_UNLINK_FILE, path, path_len,
                     0, &wk, NULL);
    if (err == 0 && wk.slash) {
        if (fstatat(walk_dir(&wk), wk.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            err = host_error();
        else
            err = S_ISDIR(st.st_mode) ? WASI_EISDIR : WASI_ENOTDIR;
    } else if (err == 0 && unlinkat(walk_dir(&wk), wk.name, 0) != 0) {
        e = errno;
        if (e == EPERM &&
            fstatat(walk_dir(&wk), wk.name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISDIR(st.st_mode))
            err = WASI_EISDIR;
        else
            err = wasi_errno_from_host(e);
    }
    walk_free(&wk);
    return err;
}
