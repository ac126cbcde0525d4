"""The run's parent tuned for its write phase: allocators that give back what it frees.

Once every file is read, the parent builds and frees row groups, rendered rows and results again and
again (for hours in a national run); allocators that keep what was freed for reuse make its peak grow
with the length of the run. Measured on 20,000 reports: Arrow's own allocator (mimalloc) held ~30 MB
more at the peak than the system's; glibc's malloc raises its threshold for returning large blocks as
they are freed (then keeps them in its heap) and gives each thread (Arrow's) an arena of its own — a
fixed 64 KB threshold and two arenas took 20–37 MB off the peak.

Both settings are the process's, and a forked process inherits them: ``lean_for_writing`` is called
once the workers are done and the writers' own processes are started (``api.run``), so no worker —
where the 64 KB threshold costs page faults, ~2 s of system time in 16 scanned pages — runs with them.
"""
from __future__ import annotations

import ctypes

M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8  # glibc's mallopt parameters


def lean_for_writing() -> None:
    """Arrow's system allocator, and (on glibc) a fixed 64 KB threshold for returning large blocks and
    two arenas."""
    import pyarrow as pa  # (already imported with the packing of results)

    pa.set_memory_pool(pa.system_memory_pool())
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library Python runs on (``find_library`` costs ~15 ms)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return
    mallopt(M_MMAP_THRESHOLD, 64 * 1024)
    mallopt(M_ARENA_MAX, 2)
