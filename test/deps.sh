#!/bin/sh
# deps.sh - make sure the Debian packages the tests need are installed.
#
# Run by `make check`.  As root on Debian it installs whatever is missing
# (one apt-get update, then apt-get install, non-interactively); otherwise
# it prints the command to run and carries on, so the tests that can run
# still do.  Building w2c itself needs only a C compiler and make.
#
#   python3-pytest   the test runner
#   clang, lld       compile the C test programs to wasm32-wasi
#   wasi-libc        the C library for those programs
#   libclang-rt-dev-wasm32   compiler-rt builtins for wasm32
#   pkgconf          pkg-config, to check the installed w2c-rt.pc and to
#                    build generated C the way the manual shows
#   g++              checks that generated plugin headers compile as C++
#   gcc-TRIPLE       cross compilers for the targets of test/targets.py
#                    (aarch64, arm hard float, riscv64, i686, s390x,
#                    powerpc), with their C libraries (libc6-dev-ARCH-cross,
#                    only recommended by the compilers, hence named here)
#   gcc-arm-none-eabi    the bare-metal ARM compiler (freestanding runtime)
#   libnewlib-arm-none-eabi  newlib for it (recommended only): the test
#                    firmware prints through semihosting (rdimon.specs)
#   qemu-user        runs the cross-compiled tests (make check-cross, and
#                    test/test_cross.py in make check)
#   distcc           test/test_split.py builds split output through a
#                    distccd it starts on loopback
# node (nodejs) is optional: where present, program tests also compare
# against node's WASI.  It is not installed here.

set -u

pkgs="python3-pytest clang lld wasi-libc libclang-rt-dev-wasm32 pkgconf g++
gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-riscv64-linux-gnu
gcc-i686-linux-gnu gcc-s390x-linux-gnu gcc-powerpc-linux-gnu
libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-riscv64-cross
libc6-dev-i386-cross libc6-dev-s390x-cross libc6-dev-powerpc-cross
gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-user distcc"

if ! command -v dpkg >/dev/null 2>&1
then
    echo "test/deps.sh: not a Debian system; the tests need: pytest," \
         "clang with the wasm32-wasi target, wasm-ld, wasi-libc," \
         "pkg-config, g++, the cross compilers of test/targets.py" \
         "(TRIPLE-gcc with a C library), arm-none-eabi-gcc with newlib," \
         "qemu-user and distcc"
    exit 0
fi

installed() {
    # A versioned compiler-rt (libclang-rt-14-dev-wasm32) serves as well as
    # the unversioned package that depends on it.
    if test "$1" = libclang-rt-dev-wasm32
    then
        dpkg-query -W -f '${db:Status-Status}\n' 'libclang-rt-*-dev-wasm32' \
            2>/dev/null | grep -qx installed
        return
    fi
    dpkg-query -W -f '${db:Status-Status}\n' "$1" 2>/dev/null |
        grep -qx installed
}

missing=
for p in $pkgs
do
    installed "$p" || missing="$missing $p"
done
test -z "$missing" && exit 0

if test "$(id -u)" != 0
then
    echo "test/deps.sh: missing packages:$missing"
    echo "test/deps.sh: install them with: sudo apt-get install$missing"
    echo "test/deps.sh: continuing; tests that need them will fail or skip"
    exit 0
fi

echo "test/deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
if apt-get update -q && \
    apt-get install -y -q --no-install-recommends $missing
then
    exit 0
fi
echo "test/deps.sh: warning: apt-get failed; continuing without$missing" >&2
exit 0
