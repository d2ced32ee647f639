"""One batch per ledger at a time: an exclusive OS lock on ``<ledger>.lock``.

Two processes running the same ledger would each create every pending input. The lock is
taken when a ledger file is opened and held until it is closed; the operating system drops
it when the process ends, however it ends (a SIGKILL leaves no stale lock). The file holds
the process id and host of the holder, for the message that refuses a second process; it is
left in place (removing it could let two processes lock two different files).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time

if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # the first byte; OSError if taken

else:
    import fcntl

    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # OSError if taken


class LedgerInUse(ValueError):
    """Another process (or another open :class:`~replicate.batching.Ledger` of this one)
    is running a batch on this ledger."""


class LedgerLock:
    """The lock of one ledger file, held from creation until :meth:`release`."""

    _fd: int | None = None  # set once the lock is held

    def __init__(self, ledger: str) -> None:
        path = ledger + ".lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _try_lock(fd)
        except OSError:
            holder = _holder(fd)
            os.close(fd)
            raise LedgerInUse(
                f"ledger {ledger} is in use by {holder}: a batch is running on it (the same "
                "command started twice?); wait for that one to end, or use another ledger"
            ) from None
        with contextlib.suppress(OSError):  # who holds it is a courtesy for the message
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        """Let another process use the ledger."""
        if self._fd is not None:
            os.close(self._fd)  # closing the file drops the lock
            self._fd = None

    def __del__(self) -> None:
        # A ledger dropped without close() (a batch never iterated) frees its file too.
        self.release()


_HOLDER_WAIT = 0.5  # seconds: the holder writes its line right after taking the lock


def _holder(fd: int) -> str:
    # The holder takes the lock first and writes its line next, so a file read in between
    # is empty (or half written): read again for a moment before giving up on naming it.
    deadline = time.monotonic() + _HOLDER_WAIT
    while True:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            pid, host = os.read(fd, 300).decode().split()
            break
        except (OSError, UnicodeDecodeError, ValueError):
            if time.monotonic() >= deadline:
                return "another process"  # a platform that hides it, or a holder that died
            time.sleep(0.01)
    if pid == str(os.getpid()) and host == socket.gethostname():
        return "this process (another open Ledger of the same file)"
    return f"process {pid} on {host}"
