"""Take away a process's ability to open network connections, with a seccomp-BPF filter.

Why: pyoxigraph 0.5 evaluates SPARQL ``SERVICE <url> {...}`` by making the HTTP request
itself, and has no switch to turn that off. The server refuses SERVICE when it analyses a
query; this module is the second, independent layer, for the processes that evaluate
queries: even if the analysis misses something, the request cannot be made.

What it does: ``forbid_network()`` installs, in every thread of the calling process, a filter
under which ``socket(2)`` fails with EACCES (Python: PermissionError) for every address family
except AF_UNIX. It allows only AF_UNIX rather than denying a list, because about twenty
families can reach another machine (INET, INET6, PACKET, VSOCK, TIPC, RDS, SMC, XDP, CAN,
BLUETOOTH, X25, ...) and new ones appear, while a worker needs only AF_UNIX (the
``multiprocessing`` pipe to its parent is a ``socketpair(AF_UNIX)``). It also denies the
``io_uring_*`` calls (an io_uring can create sockets without calling ``socket(2)``), x32
system calls on x86_64, and system calls of another ABI (i386, arm32), which name other
numbers. The filter is inherited by threads and children created later, and cannot be removed;
the ``no_new_privs`` it needs also stops programs run later from gaining privileges by setuid.
``network_forbidden()`` reports what this process did: a child that inherited the filter says
False, and a second ``forbid_network()`` in the same process does nothing.

What it does not cover:

- sockets that already exist: descriptors inherited or received over an AF_UNIX socket
  (SCM_RIGHTS) keep working, so call it before anything opens a network socket;
- local daemons reached over AF_UNIX that talk to the network for us: a name lookup through
  nscd or systemd-resolved still sends a DNS query, a small channel for data to leave by;
- files, other processes, and every other system call: this is not a general sandbox;
- platforms other than Linux on x86_64 or aarch64: there it installs nothing and says why.
"""

from __future__ import annotations

import ctypes
import os
import platform
import sys
from dataclasses import dataclass
from typing import NamedTuple

# Facts from the kernel's uapi headers: linux/filter.h, linux/bpf_common.h, linux/seccomp.h,
# linux/audit.h, linux/prctl.h, asm/unistd_64.h (x86_64) and asm-generic/unistd.h (aarch64).
_BPF_LD_W_ABS = 0x00 | 0x00 | 0x20  # BPF_LD | BPF_W | BPF_ABS
_BPF_JEQ_K = 0x05 | 0x10 | 0x00  # BPF_JMP | BPF_JEQ | BPF_K
_BPF_JGE_K = 0x05 | 0x30 | 0x00  # BPF_JMP | BPF_JGE | BPF_K
_BPF_RET_K = 0x06 | 0x00  # BPF_RET | BPF_K

_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000  # the low 16 bits are the errno

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
_OFFSET_NR = 0
_OFFSET_ARCH = 4
# The low half of args[0] on little-endian ABIs; both arches below are little-endian (the
# __AUDIT_ARCH_LE bit is part of their audit arch value, so a big-endian kernel never matches).
_OFFSET_ARG0_LOW = 16

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_X32_SYSCALL_BIT = 0x40000000

_EPERM = 1
_EACCES = 13
_AF_UNIX = 1


@dataclass(frozen=True)
class _Arch:
    """The numbers the filter needs for one architecture."""

    audit_arch: int
    seccomp: int
    socket: int
    io_uring: tuple[int, ...]
    has_x32: bool


_ARCHES = {
    "x86_64": _Arch(0xC000003E, seccomp=317, socket=41, io_uring=(425, 426, 427), has_x32=True),
    "aarch64": _Arch(0xC00000B7, seccomp=277, socket=198, io_uring=(425, 426, 427),
                     has_x32=False),
}


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


_installed = False


def network_forbidden() -> bool:
    """Whether ``forbid_network()`` has installed its filter in this process."""
    return _installed


def forbid_network() -> str | None:
    """Make this process unable to open network sockets; None, or why it could not."""
    global _installed
    if _installed:
        return None  # already in force for every thread; a second copy would add nothing
    if not sys.platform.startswith("linux"):
        return f"seccomp needs Linux, this is {sys.platform}"
    machine = platform.machine()
    arch = _ARCHES.get(machine)
    if arch is None:
        return f"no seccomp filter for the {machine or 'unknown'} architecture"
    if ctypes.sizeof(ctypes.c_void_p) != 8:
        # A 32-bit Python on a 64-bit kernel makes i386/arm32 calls: the filter would deny them.
        return f"no seccomp filter for a 32-bit Python on {machine}"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl, syscall = libc.prctl, libc.syscall
    except (OSError, AttributeError) as exc:
        return f"cannot call prctl and syscall from the C library: {exc}"
    if prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return _failure("prctl(PR_SET_NO_NEW_PRIVS)", ctypes.get_errno())
    program = _filter_for(arch)
    instructions = (_SockFilter * len(program))(*program)
    fprog = _SockFprog(len(program), instructions)
    result = syscall(
        ctypes.c_long(arch.seccomp),
        ctypes.c_ulong(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_ulong(_SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(fprog),
    )
    if result < 0:
        return _failure("seccomp(SECCOMP_SET_MODE_FILTER)", ctypes.get_errno())
    if result > 0:
        # TSYNC reports the thread that could not take the filter; none of them has it then.
        return f"seccomp could not apply the filter to thread {result}"
    _installed = True
    return None


def _failure(call: str, errno: int) -> str:
    """A reason that names the call and its errno."""
    return f"{call} failed: {os.strerror(errno)} (errno {errno})"


class _Op(NamedTuple):
    """One instruction before assembly: jumps name their targets; "" means the next one."""

    code: int
    k: int
    jt: str = ""
    jf: str = ""


def _filter_for(arch: _Arch) -> list[_SockFilter]:
    """The BPF program for one architecture."""
    rows: list[_Op | str] = [
        _Op(_BPF_LD_W_ABS, _OFFSET_ARCH),
        _Op(_BPF_JEQ_K, arch.audit_arch, jf="eperm"),  # another ABI numbers its calls otherwise
        _Op(_BPF_LD_W_ABS, _OFFSET_NR),
    ]
    if arch.has_x32:
        rows.append(_Op(_BPF_JGE_K, _X32_SYSCALL_BIT, jt="eperm"))
    rows.append(_Op(_BPF_JEQ_K, arch.socket, jt="socket"))
    rows += [_Op(_BPF_JEQ_K, number, jt="eperm") for number in arch.io_uring]
    rows += [
        _Op(_BPF_RET_K, _RET_ALLOW),
        "socket",
        _Op(_BPF_LD_W_ABS, _OFFSET_ARG0_LOW),  # the kernel reads the domain as an int
        _Op(_BPF_JEQ_K, _AF_UNIX, jt="allow"),
        _Op(_BPF_RET_K, _RET_ERRNO | _EACCES),
        "eperm",
        _Op(_BPF_RET_K, _RET_ERRNO | _EPERM),
        "allow",
        _Op(_BPF_RET_K, _RET_ALLOW),
    ]
    return _assemble(rows)


def _assemble(rows: list[_Op | str]) -> list[_SockFilter]:
    """Resolve the labels (the strings in ``rows``) into relative jump offsets."""
    labels: dict[str, int] = {}
    ops: list[_Op] = []
    for row in rows:
        if isinstance(row, str):
            labels[row] = len(ops)
        else:
            ops.append(row)

    def offset(label: str, at: int) -> int:
        jump = labels[label] - at - 1 if label else 0
        if not 0 <= jump <= 255:  # BPF jumps are forward only, by an unsigned byte
            raise ValueError(f"cannot jump to {label!r} from instruction {at}")
        return jump

    return [_SockFilter(op.code, offset(op.jt, at), offset(op.jf, at), op.k)
            for at, op in enumerate(ops)]
