/*
 * echo.c - a TCP echo server on a granted listening socket, for
 * test/test_sandbox.py.  It finds the socket among its descriptors (the
 * first stream socket from fd 3 up), then accepts N clients one after the
 * other (argv[1]), sends back everything each one sends until it closes,
 * and exits 0 after the Nth, printing "served N".  Without a socket it
 * prints "no listening socket: sock_accept(3) errno E" and exits 3.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wasi/api.h>

static char buf[65536];

static int
find_listener(void)
{
    __wasi_fdstat_t st;
    int fd;

    for (fd = 3; fd < 256; fd++)
        if (__wasi_fd_fdstat_get((__wasi_fd_t)fd, &st) == 0 &&
            st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM)
            return fd;
    return -1;
}

/* Echo one client until it closes; 0, or -1 after printing why. */
static int
serve(int c)
{
    for (;;) {
        ssize_t n = recv(c, buf, sizeof(buf), 0), off = 0;

        if (n == 0)
            return 0;
        if (n < 0) {
            printf("recv: errno %d\n", errno);
            return -1;
        }
        while (off < n) {
            ssize_t m = send(c, buf + off, (size_t)(n - off), 0);

            if (m <= 0) {
                printf("send: errno %d\n", m < 0 ? errno : 0);
                return -1;
            }
            off += m;
        }
    }
}

int
main(int argc, char **argv)
{
    int lfd, nclients, i;

    nclients = argc > 1 ? atoi(argv[1]) : 1;
    lfd = find_listener();
    if (lfd < 0) {
        __wasi_fd_t out;
        __wasi_errno_t e = __wasi_sock_accept(3, 0, &out);

        printf("no listening socket: sock_accept(3) errno %u\n",
               (unsigned)e);
        return 3;
    }
    for (i = 0; i < nclients; i++) {
        struct sockaddr addr;
        socklen_t len = sizeof(addr);
        int c = accept(lfd, &addr, &len);

        if (c < 0) {
            printf("accept: errno %d\n", errno);
            return 1;
        }
        if (serve(c) != 0)
            return 1;
        close(c);
    }
    printf("served %d\n", nclients);
    return 0;
}
