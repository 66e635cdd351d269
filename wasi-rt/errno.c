/*
 * errno.c - host errno values to WASI preview1 errno values.
 * The WASI numbering is the witx `errno` enum (success = 0, 2big = 1, ...,
 * xdev = 75, notcapable = 76), which follows the enum's declaration order.
 * Host values are matched by name, each under #ifdef since not every host
 * defines every one; anything unknown becomes EIO.
 */
#define _POSIX_C_SOURCE 200809L

#include "ctx.h"

#include <errno.h>

uint32_t
wasi_errno_from_host(int err)
{
    if (err == 0)
        return WASI_ESUCCESS;
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
    if (err == EWOULDBLOCK)
        return 6;   /* again */
#endif
#if defined(EOPNOTSUPP) && EOPNOTSUPP != ENOTSUP
    if (err == EOPNOTSUPP)
        return 58;  /* notsup */
#endif
    switch (err) {
#ifdef E2BIG
    case E2BIG:
        return 1;
#endif
#ifdef EACCES
    case EACCES:
        return 2;
#endif
#ifdef EADDRINUSE
    case EADDRINUSE:
        return 3;
#endif
#ifdef EADDRNOTAVAIL
    case EADDRNOTAVAIL:
        return 4;
#endif
#ifdef EAFNOSUPPORT
    case EAFNOSUPPORT:
        return 5;
#endif
#ifdef EAGAIN
    case EAGAIN:
        return 6;
#endif
#ifdef EALREADY
    case EALREADY:
        return 7;
#endif
#ifdef EBADF
    case EBADF:
        return 8;
#endif
#ifdef EBADMSG
    case EBADMSG:
        return 9;
#endif
#ifdef EBUSY
    case EBUSY:
        return 10;
#endif
#ifdef ECANCELED
    case ECANCELED:
        return 11;
#endif
#ifdef ECHILD
    case ECHILD:
        return 12;
#endif
#ifdef ECONNABORTED
    case ECONNABORTED:
        return 13;
#endif
#ifdef ECONNREFUSED
    case ECONNREFUSED:
        return 14;
#endif
#ifdef ECONNRESET
    case ECONNRESET:
        return 15;
#endif
#ifdef EDEADLK
    case EDEADLK:
        return 16;
#endif
#ifdef EDESTADDRREQ
    case EDESTADDRREQ:
        return 17;
#endif
#ifdef EDOM
    case EDOM:
        return 18;
#endif
#ifdef EDQUOT
    case EDQUOT:
        return 19;
#endif
#ifdef EEXIST
    case EEXIST:
        return 20;
#endif
#ifdef EFAULT
    case EFAULT:
        return 21;
#endif
#ifdef EFBIG
    case EFBIG:
        return 22;
#endif
#ifdef EHOSTUNREACH
    case EHOSTUNREACH:
        return 23;
#endif
#ifdef EIDRM
    case EIDRM:
        return 24;
#endif
#ifdef EILSEQ
    case EILSEQ:
        return 25;
#endif
#ifdef EINPROGRESS
    case EINPROGRESS:
        return 26;
#endif
#ifdef EINTR
    case EINTR:
        return 27;
#endif
#ifdef EINVAL
    case EINVAL:
        return 28;
#endif
#ifdef EIO
    case EIO:
        return 29;
#endif
#ifdef EISCONN
    case EISCONN:
        return 30;
#endif
#ifdef EISDIR
    case EISDIR:
        return 31;
#endif
#ifdef ELOOP
    case ELOOP:
        return 32;
#endif
#ifdef EMFILE
    case EMFILE:
        return 33;
#endif
#ifdef EMLINK
    case EMLINK:
        return 34;
#endif
#ifdef EMSGSIZE
    case EMSGSIZE:
        return 35;
#endif
#ifdef EMULTIHOP
    case EMULTIHOP:
        return 36;
#endif
#ifdef ENAMETOOLONG
    case ENAMETOOLONG:
        return 37;
#endif
#ifdef ENETDOWN
    case ENETDOWN:
        return 38;
#endif
#ifdef ENETRESET
    case ENETRESET:
        return 39;
#endif
#ifdef ENETUNREACH
    case ENETUNREACH:
        return 40;
#endif
#ifdef ENFILE
    case ENFILE:
        return 41;
#endif
#ifdef ENOBUFS
    case ENOBUFS:
        return 42;
#endif
#ifdef ENODEV
    case ENODEV:
        return 43;
#endif
#ifdef ENOENT
    case ENOENT:
        return 44;
#endif
#ifdef ENOEXEC
    case ENOEXEC:
        return 45;
#endif
#ifdef ENOLCK
    case ENOLCK:
        return 46;
#endif
#ifdef ENOLINK
    case ENOLINK:
        return 47;
#endif
#ifdef ENOMEM
    case ENOMEM:
        return 48;
#endif
#ifdef ENOMSG
    case ENOMSG:
        return 49;
#endif
#ifdef ENOPROTOOPT
    case ENOPROTOOPT:
        return 50;
#endif
#ifdef ENOSPC
    case ENOSPC:
        return 51;
#endif
#ifdef ENOSYS
    case ENOSYS:
        return 52;
#endif
#ifdef ENOTCONN
    case ENOTCONN:
        return 53;
#endif
#ifdef ENOTDIR
    case ENOTDIR:
        return 54;
#endif
#ifdef ENOTEMPTY
    case ENOTEMPTY:
        return 55;
#endif
#ifdef ENOTRECOVERABLE
    case ENOTRECOVERABLE:
        return 56;
#endif
#ifdef ENOTSOCK
    case ENOTSOCK:
        return 57;
#endif
#ifdef ENOTSUP
    case ENOTSUP:
        return 58;
#endif
#ifdef ENOTTY
    case ENOTTY:
        return 59;
#endif
#ifdef ENXIO
    case ENXIO:
        return 60;
#endif
#ifdef EOVERFLOW
    case EOVERFLOW:
        return 61;
#endif
#ifdef EOWNERDEAD
    case EOWNERDEAD:
        return 62;
#endif
#ifdef EPERM
    case EPERM:
        return 63;
#endif
#ifdef EPIPE
    case EPIPE:
        return 64;
#endif
#ifdef EPROTO
    case EPROTO:
        return 65;
#endif
#ifdef EPROTONOSUPPORT
    case EPROTONOSUPPORT:
        return 66;
#endif
#ifdef EPROTOTYPE
    case EPROTOTYPE:
        return 67;
#endif
#ifdef ERANGE
    case ERANGE:
        return 68;
#endif
#ifdef EROFS
    case EROFS:
        return 69;
#endif
#ifdef ESPIPE
    case ESPIPE:
        return 70;
#endif
#ifdef ESRCH
    case ESRCH:
        return 71;
#endif
#ifdef ESTALE
    case ESTALE:
        return 72;
#endif
#ifdef ETIMEDOUT
    case ETIMEDOUT:
        return 73;
#endif
#ifdef ETXTBSY
    case ETXTBSY:
        return 74;
#endif
#ifdef EXDEV
    case EXDEV:
        return 75;
#endif
    default:
        return WASI_EIO;
    }
}
