/*
 * escape.c - tries to get out of its one preopened directory, run by
 * test/test_sandbox.py.  Every attempt goes straight to the runtime through
 * the raw imports of raw.h (no libc path handling in between) and prints
 * one line:
 *     NAME refused ERRNO want W[,W]     the call failed with ERRNO
 *     NAME ALLOWED want W[,W]           the call succeeded: a hole
 * Controls, which do the same thing inside the sandbox and must work (so
 * that a runtime refusing everything, or refusing for the wrong reason,
 * is caught), print "control NAME ok" or "control NAME FAILED ERRNO".
 * The last line is "done N" with the number of attempts, so a crash part
 * way is seen.  The test judges the lines; this program only reports.
 *
 * argv[1] is the host path of the tree holding sandbox/ (the preopen),
 * outside/ (with the file "secret") and landing/; argv[2] is a host path
 * that must never be created.  Standard input is the harness's read-only
 * descriptor on the file rootfile, beside the sandbox.  The harness made
 * these inside the sandbox:
 *     file, scratch                   regular files
 *     sub/deep/                       directories
 *     abs_secret_link  -> ROOT/outside/secret
 *     abs_outside_link -> ROOT/outside
 *     rel_secret_link  -> ../outside/secret
 *     dirlink          -> ../outside
 *     link1 -> link2 -> ../outside    a chain
 *     dangling_out     -> ../outside/newfile (does not exist)
 *     sub/up_link      -> ../../outside
 *     self_parent      -> ..
 *     etc_link         -> /etc
 *     sub/inner        -> ../file     (stays inside: a control)
 */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include "raw.h"

/* WASI errnos (witx numbering) */
#define E_BADF 8u
#define E_FAULT 21u
#define E_INVAL 28u
#define E_LOOP 32u
#define E_NOTDIR 54u
#define E_NOTCAPABLE 76u
/*
 * What the runtime answers for a path that leaves the preopen (through
 * "..", an absolute path or a symlink): wasi-rt/path.c resolves every path
 * itself and refuses with ENOTCAPABLE.
 */
#define E_ESCAPE E_NOTCAPABLE

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define O_CREAT __WASI_OFLAGS_CREAT
#define O_DIR __WASI_OFLAGS_DIRECTORY
#define O_EXCL __WASI_OFLAGS_EXCL
#define O_TRUNC __WASI_OFLAGS_TRUNC

/* Rights asked for files and directories; the controls show they are
   within what the preopen passes on, so a refusal is never about rights. */
#define FILE_RIGHTS                                                         \
    (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |                       \
     __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |                        \
     __WASI_RIGHTS_FD_FILESTAT_GET)
#define DIR_RIGHTS                                                          \
    (__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR |                   \
     __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_PATH_FILESTAT_GET)

static unsigned nattempts;
static uint32_t dirfd;          /* where the *_at helpers work: the
                                   preopen (a subdirectory for a while) */
static const char *root;        /* host path of the tree */
static char buf[4096];

/* Report one attempt: err is its WASI errno, 0 if it got through. */
static void
attempt(const char *name, uint32_t err, uint32_t want, uint32_t want2,
        const char *note)
{
    nattempts++;
    if (err == 0)
        printf("%s ALLOWED want %u", name, want);
    else
        printf("%s refused %u want %u", name, err, want);
    if (want2 != 0)
        printf(",%u", want2);
    if (note != NULL)
        printf(" %s", note);
    printf("\n");
    fflush(stdout);
}

static void
escape(const char *name, uint32_t err)
{
    attempt(name, err, E_ESCAPE, 0, NULL);
}

static void
fault(const char *name, uint32_t err)
{
    attempt(name, err, E_FAULT, 0, NULL);
}

static void
control(const char *name, uint32_t err)
{
    if (err == 0)
        printf("control %s ok\n", name);
    else
        printf("control %s FAILED %u\n", name, err);
    fflush(stdout);
}

/* A host path under the tree: ROOT/rest, in a static buffer per slot. */
static const char *
host(int slot, const char *rest)
{
    static char paths[4][1024];

    snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", root, rest);
    return paths[slot];
}

/* path_open under the preopen; a descriptor that was opened is closed. */
static uint32_t
open_at(uint32_t flags, const char *path, uint32_t oflags)
{
    uint32_t fd = 0, err;
    uint64_t rights = (oflags & O_DIR) ? DIR_RIGHTS : FILE_RIGHTS;

    err = raw_path_open(dirfd, flags, STR(path), oflags, rights, rights, 0,
                        ADDR(&fd));
    if (err == 0)
        raw_fd_close(fd);
    return err;
}

/* path_open for reading and writing, truncating: a write through. */
static uint32_t
open_write(uint32_t flags, const char *path, uint32_t oflags)
{
    uint32_t fd = 0, err;
    __wasi_ciovec_t iov = { (const uint8_t *)"owned\n", 6 };
    uint32_t n;

    err = raw_path_open(dirfd, flags, STR(path), oflags | O_TRUNC,
                        FILE_RIGHTS, FILE_RIGHTS, 0, ADDR(&fd));
    if (err == 0) {
        raw_fd_write(fd, ADDR(&iov), 1, ADDR(&n));
        raw_fd_close(fd);
    }
    return err;
}

static uint32_t
stat_at(uint32_t flags, const char *path)
{
    return raw_path_filestat_get(dirfd, flags, STR(path), ADDR(buf));
}

static uint32_t
mkdir_at(const char *path)
{
    return raw_path_create_directory(dirfd, STR(path));
}

static uint32_t
rmdir_at(const char *path)
{
    return raw_path_remove_directory(dirfd, STR(path));
}

static uint32_t
unlink_at(const char *path)
{
    return raw_path_unlink_file(dirfd, STR(path));
}

static uint32_t
rename_at(const char *from, const char *to)
{
    return raw_path_rename(dirfd, STR(from), dirfd, STR(to));
}

static uint32_t
link_at(uint32_t flags, const char *from, const char *to)
{
    return raw_path_link(dirfd, flags, STR(from), dirfd, STR(to));
}

static uint32_t
symlink_at(const char *target, const char *path)
{
    return raw_path_symlink(STR(target), dirfd, STR(path));
}

static uint32_t
times_at(uint32_t flags, const char *path)
{
    /* set both timestamps to the epoch: the snapshot would see it */
    return raw_path_filestat_set_times(dirfd, flags, STR(path), 0, 0,
                                       __WASI_FSTFLAGS_ATIM |
                                           __WASI_FSTFLAGS_MTIM);
}

static uint32_t
readlink_at(const char *path)
{
    uint32_t used = 0;

    return raw_path_readlink(dirfd, STR(path), ADDR(buf), sizeof(buf),
                             ADDR(&used));
}

/* ---- the preopen and guessed descriptors ------------------------------ */

/*
 * Find the preopens (fd_prestat_get from 3 until EBADF); there must be
 * exactly one, a directory, at fd 3.
 */
static int
find_preopen(void)
{
    __wasi_prestat_t ps;
    uint32_t fd;

    for (fd = 3; raw_fd_prestat_get(fd, ADDR(&ps)) == 0; fd++)
        ;
    if (fd != 4 || raw_fd_prestat_get(3, ADDR(&ps)) != 0 ||
        ps.tag != __WASI_PREOPENTYPE_DIR) {
        printf("setup FAILED: expected one preopened directory at fd 3, "
               "found %u\n", fd - 3);
        return -1;
    }
    dirfd = 3;
    return 0;
}

/* One call on a guessed descriptor; err is its errno. */
typedef uint32_t (*FdCall)(uint32_t fd);

static uint32_t
guess_read(uint32_t fd)
{
    __wasi_iovec_t iov = { (uint8_t *)buf, 1 };
    uint32_t n;

    return raw_fd_read(fd, ADDR(&iov), 1, ADDR(&n));
}

static uint32_t
guess_write(uint32_t fd)
{
    __wasi_ciovec_t iov = { (const uint8_t *)"x", 1 };
    uint32_t n;

    return raw_fd_write(fd, ADDR(&iov), 1, ADDR(&n));
}

static uint32_t
guess_fdstat(uint32_t fd)
{
    return raw_fd_fdstat_get(fd, ADDR(buf));
}

static uint32_t
guess_filestat(uint32_t fd)
{
    return raw_fd_filestat_get(fd, ADDR(buf));
}

static uint32_t
guess_prestat(uint32_t fd)
{
    return raw_fd_prestat_get(fd, ADDR(buf));
}

static uint32_t
guess_open(uint32_t fd)
{
    uint32_t out = 0, err;

    err = raw_path_open(fd, 0, STR("file"), 0, FILE_RIGHTS, FILE_RIGHTS, 0,
                        ADDR(&out));
    if (err == 0)
        raw_fd_close(out);
    return err;
}

static uint32_t
guess_renumber(uint32_t fd)
{
    /* moving an unknown fd onto stdout must not work either */
    return raw_fd_renumber(fd, 1);
}

/*
 * Every fd from 3 to 1000 but the preopen, and a few far ones: each call
 * must give EBADF.  One line per call; the first fd that differs is named.
 */
static void
guess_fds(const char *name, FdCall call)
{
    static const uint32_t far[] = {
        1001, 4095, 4096, 65535, 65536, 0x7fffffffu, 0x80000000u,
        0xfffffffeu, 0xffffffffu
    };
    uint32_t fd, err, i;
    char note[64];

    for (i = 0, fd = 3; fd <= 1000 || i < sizeof(far) / sizeof(far[0]);) {
        if (fd > 1000)
            fd = far[i++];
        if (fd != dirfd) {
            err = call(fd);
            if (err != E_BADF) {
                snprintf(note, sizeof(note), "fd=%u", fd);
                attempt(name, err, E_BADF, 0, note);
                return;
            }
        }
        if (fd <= 1000)
            fd++;
    }
    attempt(name, E_BADF, E_BADF, 0, NULL);
}

static void
fd_attempts(void)
{
    guess_fds("guess_fd_read", guess_read);
    guess_fds("guess_fd_write", guess_write);
    guess_fds("guess_fd_fdstat_get", guess_fdstat);
    guess_fds("guess_fd_filestat_get", guess_filestat);
    guess_fds("guess_fd_prestat_get", guess_prestat);
    guess_fds("guess_path_open", guess_open);
    guess_fds("guess_fd_renumber", guess_renumber);
}

/* ---- "..", absolute paths --------------------------------------------- */

static void
controls(void)
{
    control("open_file", open_at(0, "file", 0));
    control("open_dotdot_inside", open_at(0, "sub/../file", 0));
    control("open_deep_dotdot_inside",
            open_at(0, "sub/deep/../../sub/./deep/../../file", 0));
    control("open_dir", open_at(0, "sub", O_DIR));
    control("open_dot", open_at(0, ".", O_DIR));
    control("open_write", open_write(0, "scratch", 0));
    control("open_creat", open_at(0, "made_file", O_CREAT | O_EXCL));
    control("stat_file", stat_at(0, "sub/deep/../../file"));
    control("stat_dot", stat_at(0, "."));
    control("mkdir", mkdir_at("sub/made_dir"));
    control("rmdir", rmdir_at("sub/made_dir"));
    control("rename", rename_at("made_file", "sub/../renamed_file"));
    control("link", link_at(0, "renamed_file", "linked_file"));
    control("unlink", unlink_at("linked_file"));
    control("symlink_inside", symlink_at("file", "made_link"));
    control("open_made_link", open_at(FOLLOW, "made_link", 0));
    control("open_inner_link", open_at(FOLLOW, "sub/inner", 0));
    control("stat_inner_link", stat_at(FOLLOW, "sub/inner"));
    control("link_follow_inner", link_at(FOLLOW, "sub/inner", "linked2"));
    control("readlink", readlink_at("rel_secret_link"));
    control("stat_nofollow_link", stat_at(0, "abs_secret_link"));
    control("times_file", times_at(0, "renamed_file"));
}

static void
dotdot_attempts(void)
{
    static const char *const paths[] = {
        "..",
        "../outside/secret",
        "../outside",
        "a/../../outside",
        "sub/../../outside/secret",
        "./../..",
        "sub/deep/../../../outside/secret",
        "sub/deep/../../..",
        "sub/./deep/.././../../outside/./secret",
        "../sandbox/../outside/secret",
        "../../../../../../../../../../../../../../../../etc/passwd",
        "sub/deep/../../../../../../../../../../../../../../etc/passwd",
    };
    char name[64];
    size_t i;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        snprintf(name, sizeof(name), "open_dotdot_%zu", i);
        escape(name, open_at(0, paths[i], 0));
        snprintf(name, sizeof(name), "open_dir_dotdot_%zu", i);
        escape(name, open_at(0, paths[i], O_DIR));
        snprintf(name, sizeof(name), "stat_dotdot_%zu", i);
        escape(name, stat_at(0, paths[i]));
    }
    /* a chain long enough to pass any fixed depth a runtime might keep */
    {
        static char chain[3 * 300 + 32];
        char *p = chain;
        int k;

        for (k = 0; k < 300; k++, p += 3)
            memcpy(p, "../", 3);
        strcpy(p, "outside/secret");
        escape("open_dotdot_long_chain", open_at(0, chain, 0));
        escape("stat_dotdot_long_chain", stat_at(0, chain));
    }
    escape("open_write_dotdot", open_write(0, "../outside/secret", 0));
    escape("open_creat_dotdot", open_at(0, "../landing/new", O_CREAT));
    escape("open_creat_deep_dotdot",
           open_at(0, "sub/deep/../../../landing/new", O_CREAT));
    escape("mkdir_dotdot", mkdir_at(".."));
    escape("mkdir_dotdot_new", mkdir_at("../landing/newdir"));
    escape("mkdir_sub_dotdot_new", mkdir_at("sub/../../landing/newdir"));
    escape("unlink_dotdot_self", unlink_at(".."));
    escape("rmdir_dotdot_self", rmdir_at(".."));
    escape("rename_dotdot_self", rename_at("..", "stolen_parent"));
    escape("rename_sub_dotdot_self", rename_at("sub/../..", "stolen_parent"));
    escape("rmdir_dotdot", rmdir_at("../outside/subdir"));
    escape("rmdir_dotdot_sandbox", rmdir_at("../landing"));
    escape("unlink_dotdot", unlink_at("../outside/secret"));
    escape("unlink_sub_dotdot", unlink_at("sub/../../outside/secret"));
    escape("rename_out", rename_at("file", "../outside/file"));
    escape("rename_out_landing", rename_at("file", "../landing/file"));
    escape("rename_in", rename_at("../outside/secret", "stolen"));
    escape("rename_dir_out", rename_at("sub", "../landing/sub"));
    escape("rename_over_outside", rename_at("file", "../outside/secret"));
    escape("link_out_src", link_at(0, "../outside/secret", "x"));
    escape("link_out_dst", link_at(0, "file", "../landing/linked"));
    escape("times_dotdot", times_at(0, "../outside/secret"));
    escape("times_dotdot_follow", times_at(FOLLOW, "../outside/secret"));
    escape("readlink_dotdot", readlink_at("../outside/olink"));
    escape("symlink_at_dotdot", symlink_at("file", "../landing/sl"));
}

static void
absolute_attempts(const char *never)
{
    const char *out_secret = host(0, "outside/secret");
    const char *out_dir = host(1, "outside");
    const char *landing = host(2, "landing/x");

    escape("open_abs_etc_passwd", open_at(0, "/etc/passwd", 0));
    escape("open_abs_root", open_at(0, "/", O_DIR));
    escape("open_abs_double_slash", open_at(0, "//etc/passwd", 0));
    escape("open_abs_outside_secret", open_at(0, out_secret, 0));
    escape("open_abs_outside_dir", open_at(0, out_dir, O_DIR));
    escape("open_abs_follow_secret", open_at(FOLLOW, out_secret, 0));
    escape("open_write_abs_secret", open_write(0, out_secret, 0));
    escape("open_creat_abs_landing", open_at(0, landing, O_CREAT));
    escape("stat_abs_etc_passwd", stat_at(0, "/etc/passwd"));
    escape("stat_abs_outside", stat_at(FOLLOW, out_secret));
    escape("mkdir_abs_landing", mkdir_at(landing));
    escape("unlink_abs_secret", unlink_at(out_secret));
    escape("rmdir_abs", rmdir_at(host(3, "outside/subdir")));
    escape("rename_abs_tmp", rename_at("file", never));
    escape("rename_abs_landing", rename_at("file", landing));
    escape("rename_abs_in", rename_at(out_secret, "stolen"));
    escape("link_abs_src", link_at(0, out_secret, "x"));
    escape("link_abs_dst", link_at(0, "file", landing));
    escape("times_abs", times_at(0, out_secret));
    escape("symlink_at_abs", symlink_at("file", landing));
}

/*
 * A directory descriptor the guest opened itself is a root of its own: what
 * is above it (even inside the preopen) is out of reach through it, as with
 * the preopen.  wasi-rt/path.c resolves every path beneath the descriptor
 * it is relative to.
 */
static void
subdir_attempts(void)
{
    uint32_t sub = 0, err, saved = dirfd;

    err = raw_path_open(dirfd, 0, STR("sub"), O_DIR,
                        DIR_RIGHTS | __WASI_RIGHTS_PATH_CREATE_FILE,
                        DIR_RIGHTS | FILE_RIGHTS, 0, ADDR(&sub));
    control("open_subdir_fd", err);
    if (err != 0)
        return;
    dirfd = sub;
    control("subfd_open_file", open_at(0, "subfile", 0));
    control("subfd_open_dotdot_inside", open_at(0, "deep/../subfile", 0));
    escape("subfd_open_dotdot", open_at(0, "..", O_DIR));
    escape("subfd_open_dotdot_file", open_at(0, "../file", 0));
    escape("subfd_open_dotdot_outside", open_at(0, "../../outside/secret",
                                                0));
    escape("subfd_open_deep_dotdot", open_at(0, "deep/../../file", 0));
    escape("subfd_stat_dotdot", stat_at(0, ".."));
    escape("subfd_stat_dotdot_outside", stat_at(0, "../../outside/secret"));
    escape("subfd_follow_inner", open_at(FOLLOW, "inner", 0));
    escape("subfd_follow_up_link", open_at(FOLLOW, "up_link", O_DIR));
    escape("subfd_via_up_link", open_at(0, "up_link/secret", 0));
    escape("subfd_creat_dotdot", open_at(0, "../landed", O_CREAT));
    escape("subfd_abs", open_at(0, "/etc/passwd", 0));
    dirfd = saved;
    raw_fd_close(sub);
}

/* ---- symlinks the harness made ---------------------------------------- */

static void
symlink_attempts(void)
{
    escape("open_follow_abs_secret_link", open_at(FOLLOW, "abs_secret_link",
                                                  0));
    escape("open_follow_rel_secret_link", open_at(FOLLOW, "rel_secret_link",
                                                  0));
    escape("open_follow_abs_outside_link",
           open_at(FOLLOW, "abs_outside_link", O_DIR));
    escape("open_follow_dirlink", open_at(FOLLOW, "dirlink", O_DIR));
    escape("open_follow_chain", open_at(FOLLOW, "link1", O_DIR));
    escape("open_follow_self_parent", open_at(FOLLOW, "self_parent", O_DIR));
    escape("open_follow_etc_link", open_at(FOLLOW, "etc_link", O_DIR));
    /* without follow the last component is the link itself: refused too */
    attempt("open_nofollow_abs_secret_link",
            open_at(0, "abs_secret_link", 0), E_LOOP, E_ESCAPE, NULL);
    attempt("open_nofollow_dirlink", open_at(0, "dirlink", O_DIR), E_LOOP,
            E_NOTDIR, NULL);

    /* as intermediate components (always followed) */
    escape("open_via_dirlink", open_at(0, "dirlink/secret", 0));
    escape("open_via_abs_outside_link", open_at(0, "abs_outside_link/secret",
                                                0));
    escape("open_via_chain", open_at(0, "link1/secret", 0));
    escape("open_via_sub_up_link", open_at(0, "sub/up_link/secret", 0));
    escape("open_via_self_parent",
           open_at(0, "self_parent/outside/secret", 0));
    escape("open_via_etc_link", open_at(0, "etc_link/passwd", 0));
    escape("open_via_dirlink_dotdot",
           open_at(0, "dirlink/../outside/secret", 0));
    escape("open_via_dirlink_sub", open_at(0, "dirlink/subdir", O_DIR));

    /* stat with follow */
    escape("stat_follow_abs_secret_link", stat_at(FOLLOW, "abs_secret_link"));
    escape("stat_follow_rel_secret_link", stat_at(FOLLOW, "rel_secret_link"));
    escape("stat_follow_chain", stat_at(FOLLOW, "link1"));
    escape("stat_follow_dirlink", stat_at(FOLLOW, "dirlink"));
    escape("stat_via_dirlink", stat_at(0, "dirlink/secret"));
    escape("stat_via_chain", stat_at(0, "link1/secret"));
    escape("stat_follow_dangling_out", stat_at(FOLLOW, "dangling_out"));

    /* writes through */
    escape("write_follow_abs_secret_link",
           open_write(FOLLOW, "abs_secret_link", 0));
    escape("write_follow_rel_secret_link",
           open_write(FOLLOW, "rel_secret_link", 0));
    escape("write_via_dirlink", open_write(0, "dirlink/secret", 0));
    escape("write_via_chain", open_write(0, "link1/secret", 0));
    escape("creat_follow_dangling_out",
           open_at(FOLLOW, "dangling_out", O_CREAT));
    escape("creat_via_dirlink", open_at(0, "dirlink/newfile",
                                        O_CREAT | O_EXCL));
    escape("creat_via_sub_up_link", open_at(0, "sub/up_link/newfile",
                                            O_CREAT));
    escape("mkdir_via_dirlink", mkdir_at("dirlink/newdir"));
    escape("mkdir_via_chain", mkdir_at("link1/newdir"));
    escape("rmdir_via_dirlink", rmdir_at("dirlink/subdir"));
    escape("unlink_via_dirlink", unlink_at("dirlink/secret"));
    escape("unlink_via_chain", unlink_at("link1/secret"));
    escape("times_follow_abs_secret_link", times_at(FOLLOW,
                                                    "abs_secret_link"));
    escape("times_follow_rel_secret_link", times_at(FOLLOW,
                                                    "rel_secret_link"));
    escape("times_via_dirlink", times_at(0, "dirlink/secret"));
    escape("times_follow_dirlink", times_at(FOLLOW, "dirlink"));
    escape("readlink_via_dirlink", readlink_at("dirlink/olink"));
    escape("symlink_via_dirlink", symlink_at("file", "dirlink/sl"));

    /* renames and links through them */
    escape("rename_via_dirlink_src", rename_at("dirlink/secret", "stolen"));
    escape("rename_via_dirlink_dst", rename_at("file", "dirlink/file"));
    escape("rename_via_chain_dst", rename_at("file", "link1/file"));
    escape("rename_via_sub_up_link", rename_at("sub/up_link/secret",
                                               "stolen"));
    escape("link_follow_rel_secret_link",
           link_at(FOLLOW, "rel_secret_link", "y"));
    escape("link_follow_abs_secret_link",
           link_at(FOLLOW, "abs_secret_link", "y"));
    escape("link_via_dirlink_src", link_at(0, "dirlink/secret", "y"));
    escape("link_via_dirlink_dst", link_at(0, "file", "dirlink/linked"));
    escape("link_follow_chain", link_at(FOLLOW, "link1", "y"));
}

/*
 * Symlinks the guest makes itself.  Making one that points out may be
 * refused, or allowed while every use of it is refused; each use is an
 * attempt, and reports the creation's errno when there is no link.
 */
static void
guest_symlink(const char *tag, const char *target, const char *link,
              const char *through)
{
    char name[96];
    uint32_t made = symlink_at(target, link);

    printf("info %s_create %u\n", tag, made);
    snprintf(name, sizeof(name), "%s_open", tag);
    escape(name, made != 0 ? made : open_at(FOLLOW, link, 0));
    snprintf(name, sizeof(name), "%s_open_dir", tag);
    escape(name, made != 0 ? made : open_at(FOLLOW, link, O_DIR));
    snprintf(name, sizeof(name), "%s_stat", tag);
    escape(name, made != 0 ? made : stat_at(FOLLOW, link));
    snprintf(name, sizeof(name), "%s_write", tag);
    escape(name, made != 0 ? made : open_write(FOLLOW, link, 0));
    snprintf(name, sizeof(name), "%s_through", tag);
    escape(name, made != 0 ? made : open_at(0, through, 0));
    snprintf(name, sizeof(name), "%s_creat_through", tag);
    escape(name, made != 0 ? made : open_at(0, through, O_CREAT));
    snprintf(name, sizeof(name), "%s_link", tag);
    escape(name, made != 0 ? made : link_at(FOLLOW, link, "z"));
}

static void
guest_symlink_attempts(void)
{
    guest_symlink("guest_symlink_rel", "../outside/secret", "mylink",
                  "mylink/x");
    guest_symlink("guest_symlink_rel_dir", "../outside", "mydirlink",
                  "mydirlink/secret");
    guest_symlink("guest_symlink_etc", "/etc", "myetc", "myetc/passwd");
    guest_symlink("guest_symlink_abs_host", host(0, "outside"), "myabs",
                  "myabs/secret");
    guest_symlink("guest_symlink_via_sub", "../../outside", "sub/myup",
                  "sub/myup/secret");
    guest_symlink("guest_symlink_dotdot", "..", "myparent",
                  "myparent/outside/secret");
    /*
     * Targets that stay inside when read as text but lead out through
     * links: one of the harness's, and a chain the guest makes itself
     * (sub/g_up -> ".." is the sandbox, so "sub/g_up/.." is its parent).
     */
    guest_symlink("guest_symlink_via_harness_link", "dirlink", "my_h",
                  "my_h/secret");
    guest_symlink("guest_symlink_via_harness_chain", "link1/secret",
                  "my_hc", "my_hc/x");
    control("symlink_up_to_root", symlink_at("..", "sub/g_up"));
    guest_symlink("guest_symlink_chain", "sub/g_up/..", "g_esc",
                  "g_esc/outside/secret");
    guest_symlink("guest_symlink_chain_deep", "sub/g_up/../outside",
                  "g_esc2", "g_esc2/secret");
}

/*
 * A relative link that stays inside where the guest made it leads out once
 * moved nearer the root: sub/plant -> ../file is the sandbox's file, but a
 * rename or hard link of it to the sandbox itself points at ROOT/file,
 * beside the sandbox, for any host program that follows it.  path_symlink
 * refuses to make such a link in place; moving one there must be refused
 * too.
 */
static void
planted_link_attempts(void)
{
    control("symlink_climbing_inside", symlink_at("../file", "sub/plant"));
    escape("plant_link_by_hard_link", link_at(0, "sub/plant", "planted2"));
    escape("plant_link_by_rename", rename_at("sub/plant", "planted"));
    control("symlink_climbing_inside_2",
            symlink_at("../../file", "sub/deep/plant"));
    escape("plant_link_by_rename_up_one",
           rename_at("sub/deep/plant", "sub/planted"));
}

/*
 * Standard input is a read-only descriptor on a file outside the sandbox
 * (the harness's): the guest may read it, but not change the file, not
 * even its timestamps, nor leave the harness's open file description
 * changed after it exits (the harness checks its status flags).
 */
static void
stdio_attempts(void)
{
    /* 2008-01-10: not the time the harness gave every file */
    const uint64_t when = 1200000000ull * 1000000000ull;

    attempt("stdin_readonly_set_times",
            raw_fd_filestat_set_times(0, when, when,
                                      __WASI_FSTFLAGS_ATIM |
                                          __WASI_FSTFLAGS_MTIM),
            E_NOTCAPABLE, 0, NULL);
    attempt("stdin_readonly_set_times_now",
            raw_fd_filestat_set_times(0, 0, 0,
                                      __WASI_FSTFLAGS_ATIM_NOW |
                                          __WASI_FSTFLAGS_MTIM_NOW),
            E_NOTCAPABLE, 0, NULL);
    /* the host refuses these on a read-only descriptor anyway */
    attempt("stdin_readonly_set_size", raw_fd_filestat_set_size(0, 0),
            E_NOTCAPABLE, E_INVAL, NULL);
    attempt("stdin_readonly_allocate", raw_fd_allocate(0, 0, 1 << 20),
            E_NOTCAPABLE, E_BADF, NULL);
    printf("info stdin_set_flags %u\n",
           raw_fd_fdstat_set_flags(0, __WASI_FDFLAGS_NONBLOCK |
                                          __WASI_FDFLAGS_APPEND));
    fflush(stdout);
}

/* ---- pointers and lengths past memory --------------------------------- */

/*
 * The end of memory, read again at each use: should this program's own
 * allocations grow the memory, an address past the old end would become
 * valid.
 */
#define END mem_end()

static void
memory_attempts(void)
{
    static __wasi_iovec_t iov;
    static __wasi_ciovec_t ciov;
    static uint32_t ptrs[64];
    static uint8_t subs[48 * 2], events[32 * 2];
    uint32_t n = 0, rd = 0, wr = 0, e;

    e = raw_path_open(dirfd, 0, STR("file"), 0, FILE_RIGHTS, FILE_RIGHTS, 0,
                      ADDR(&rd));
    control("open_file_for_read", e);
    e = raw_path_open(dirfd, 0, STR("scratch"), 0, FILE_RIGHTS, FILE_RIGHTS,
                      0, ADDR(&wr));
    control("open_scratch_for_write", e);

    /* fd_write */
    ciov.buf = (const uint8_t *)"x";
    ciov.buf_len = 1;
    fault("fd_write_iovs_past_end", raw_fd_write(wr, END, 1, ADDR(&n)));
    fault("fd_write_iovs_straddle", raw_fd_write(wr, END - 4, 1, ADDR(&n)));
    fault("fd_write_iovs_wrap", raw_fd_write(wr, 0xfffffff8u, 1, ADDR(&n)));
    fault("fd_write_iovs_len_2^29",
          raw_fd_write(wr, ADDR(&ciov), 0x20000000u, ADDR(&n)));
    fault("fd_write_iovs_len_max",
          raw_fd_write(wr, ADDR(&ciov), 0xffffffffu, ADDR(&n)));
    ciov.buf = (const uint8_t *)(uintptr_t)(END - 4);
    ciov.buf_len = 16;
    fault("fd_write_buf_past_end", raw_fd_write(wr, ADDR(&ciov), 1,
                                                ADDR(&n)));
    ciov.buf = (const uint8_t *)(uintptr_t)0xfffffff0u;
    ciov.buf_len = 0x20;
    fault("fd_write_buf_wrap", raw_fd_write(wr, ADDR(&ciov), 1, ADDR(&n)));
    ciov.buf = (const uint8_t *)"x";
    ciov.buf_len = 0xffffffffu;
    fault("fd_write_buf_len_max", raw_fd_write(wr, ADDR(&ciov), 1,
                                               ADDR(&n)));
    ciov.buf_len = 1;
    fault("fd_write_nwritten_past_end", raw_fd_write(wr, ADDR(&ciov), 1,
                                                     END));
    fault("fd_write_nwritten_straddle", raw_fd_write(wr, ADDR(&ciov), 1,
                                                     END - 2));
    ciov.buf = (const uint8_t *)(uintptr_t)END;
    ciov.buf_len = 8;
    fault("fd_write_stdout_buf_past_end",
          raw_fd_write(1, ADDR(&ciov), 1, ADDR(&n)));
    ciov.buf = (const uint8_t *)"x";
    ciov.buf_len = 1;
    fault("fd_pwrite_iovs_len_2^29",
          raw_fd_pwrite(wr, ADDR(&ciov), 0x20000000u, 0, ADDR(&n)));

    /* fd_read */
    iov.buf = (uint8_t *)buf;
    iov.buf_len = 1;
    fault("fd_read_iovs_past_end", raw_fd_read(rd, END, 1, ADDR(&n)));
    fault("fd_read_iovs_wrap", raw_fd_read(rd, 0xfffffff8u, 1, ADDR(&n)));
    fault("fd_read_iovs_len_2^29",
          raw_fd_read(rd, ADDR(&iov), 0x20000000u, ADDR(&n)));
    fault("fd_read_iovs_len_max",
          raw_fd_read(rd, ADDR(&iov), 0xffffffffu, ADDR(&n)));
    iov.buf = (uint8_t *)(uintptr_t)(END - 2);
    iov.buf_len = 16;
    fault("fd_read_buf_past_end", raw_fd_read(rd, ADDR(&iov), 1, ADDR(&n)));
    iov.buf = (uint8_t *)(uintptr_t)0xfffffff0u;
    iov.buf_len = 0x20;
    fault("fd_read_buf_wrap", raw_fd_read(rd, ADDR(&iov), 1, ADDR(&n)));
    iov.buf = (uint8_t *)buf;
    iov.buf_len = 0xffffffffu;
    fault("fd_read_buf_len_max", raw_fd_read(rd, ADDR(&iov), 1, ADDR(&n)));
    iov.buf_len = 1;
    fault("fd_read_nread_past_end", raw_fd_read(rd, ADDR(&iov), 1, END));
    iov.buf = (uint8_t *)(uintptr_t)(END - 2);
    iov.buf_len = 16;
    fault("fd_pread_buf_past_end",
          raw_fd_pread(rd, ADDR(&iov), 1, 0, ADDR(&n)));

    /* paths */
    fault("path_open_path_past_end",
          raw_path_open(dirfd, 0, END - 2, 10, 0, FILE_RIGHTS, FILE_RIGHTS,
                        0, ADDR(&n)));
    fault("path_open_path_len_max",
          raw_path_open(dirfd, 0, ADDR("file"), 0xffffffffu, 0, FILE_RIGHTS,
                        FILE_RIGHTS, 0, ADDR(&n)));
    fault("path_open_path_wrap",
          raw_path_open(dirfd, 0, 0xfffffff0u, 0x20, 0, FILE_RIGHTS,
                        FILE_RIGHTS, 0, ADDR(&n)));
    fault("path_open_fd_out_past_end",
          raw_path_open(dirfd, 0, STR("file"), 0, FILE_RIGHTS, FILE_RIGHTS,
                        0, END));
    fault("path_open_fd_out_straddle",
          raw_path_open(dirfd, 0, STR("file"), 0, FILE_RIGHTS, FILE_RIGHTS,
                        0, END - 2));
    fault("path_filestat_get_path_past_end",
          raw_path_filestat_get(dirfd, 0, END - 2, 10, ADDR(buf)));
    fault("path_filestat_get_path_len_max",
          raw_path_filestat_get(dirfd, 0, ADDR("file"), 0xffffffffu,
                                ADDR(buf)));
    fault("path_filestat_get_out_straddle",
          raw_path_filestat_get(dirfd, 0, STR("file"), END - 8));
    fault("path_create_directory_path_past_end",
          raw_path_create_directory(dirfd, END - 3, 10));
    fault("path_symlink_target_past_end",
          raw_path_symlink(END - 2, 10, dirfd, STR("sym_fault")));
    fault("path_rename_new_past_end",
          raw_path_rename(dirfd, STR("file"), dirfd, END - 2, 10));
    fault("path_readlink_buf_past_end",
          raw_path_readlink(dirfd, STR("rel_secret_link"), END - 2, 64,
                            ADDR(&n)));
    fault("fd_prestat_dir_name_past_end",
          raw_fd_prestat_dir_name(dirfd, END, 1));
    fault("fd_readdir_buf_past_end",
          raw_fd_readdir(dirfd, END - 4, 256, 0, ADDR(&n)));
    fault("fd_fdstat_get_out_straddle", raw_fd_fdstat_get(1, END - 4));
    fault("fd_filestat_get_out_straddle", raw_fd_filestat_get(rd, END - 8));
    fault("clock_time_get_out_straddle", raw_clock_time_get(0, 0, END - 4));

    /* args and environ (the test grants one variable, so both are
       non-empty and there is something to write) */
    fault("args_sizes_get_past_end", raw_args_sizes_get(END, ADDR(&n)));
    fault("args_get_argv_past_end", raw_args_get(END - 4, ADDR(buf)));
    fault("args_get_buf_past_end", raw_args_get(ADDR(ptrs), END - 2));
    fault("args_get_argv_wrap", raw_args_get(0xfffffffcu, ADDR(buf)));
    fault("environ_sizes_get_past_end",
          raw_environ_sizes_get(ADDR(&n), END));
    fault("environ_get_environ_past_end",
          raw_environ_get(END - 2, ADDR(buf)));
    fault("environ_get_buf_past_end", raw_environ_get(ADDR(ptrs), END - 2));

    /* random_get */
    fault("random_get_past_end", raw_random_get(END - 8, 64));
    fault("random_get_len_max", raw_random_get(ADDR(buf), 0xffffffffu));
    fault("random_get_wrap", raw_random_get(0xfffffff0u, 0x20));

    /* poll_oneoff: 48-byte subscriptions, 32-byte events */
    memset(subs, 0, sizeof(subs));  /* a clock subscription, timeout 0 */
    fault("poll_oneoff_nsubs_2^29",
          raw_poll_oneoff(ADDR(subs), ADDR(events), 0x20000000u, ADDR(&n)));
    fault("poll_oneoff_nsubs_max",
          raw_poll_oneoff(ADDR(subs), ADDR(events), 0xffffffffu, ADDR(&n)));
    /* 0x5555556 * 48 wraps to 0x20 in 32 bits */
    fault("poll_oneoff_nsubs_wrap",
          raw_poll_oneoff(ADDR(subs), ADDR(events), 0x5555556u, ADDR(&n)));
    fault("poll_oneoff_in_past_end",
          raw_poll_oneoff(END - 8, ADDR(events), 1, ADDR(&n)));
    fault("poll_oneoff_out_past_end",
          raw_poll_oneoff(ADDR(subs), END - 8, 1, ADDR(&n)));
    fault("poll_oneoff_nevents_past_end",
          raw_poll_oneoff(ADDR(subs), ADDR(events), 1, END));

    raw_fd_close(rd);
    raw_fd_close(wr);
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: escape ROOT NEVER\n");
        return 2;
    }
    root = argv[1];
    if (find_preopen() != 0)
        return 1;
    /* first, before this program opens anything itself */
    fd_attempts();
    controls();
    dotdot_attempts();
    absolute_attempts(argv[2]);
    subdir_attempts();
    symlink_attempts();
    guest_symlink_attempts();
    planted_link_attempts();
    stdio_attempts();
    memory_attempts();
    /* the preopen still works after all that */
    control("open_file_at_end", open_at(0, "file", 0));
    printf("done %u\n", nattempts);
    return 0;
}
