"""The dashboard's process, set for steady interactions: memory freed by one cache miss
kept for the next, and the objects loaded at start out of the garbage collector's way.

**Memory.**
A ranking formed on the fly allocates and frees the same few tens of megabytes on every
cache miss: the fetched claims, then the rule's arrays of codes (a two-year ranking at
1,000,000 claims reads 82,000 claims, and each of its arrays is 0.1 to 1 MB). With glibc's
defaults, freed memory above its trim threshold goes back to the operating system, and
arrays above its mmap threshold get fresh mappings of their own, so each miss touches new
pages and pays a page fault for each: 11 of the 75 ms of that ranking
(bench/README.md, "Memory kept for the next miss"). Keeping up to
:data:`KEPT_FREE_BYTES` of freed heap, and serving arrays up to
:data:`HEAP_ARRAY_BYTES` from it, makes the next miss reuse pages already mapped. The
process holds at most that much more memory than it uses; memory use is otherwise
unchanged.

Elsewhere than glibc (musl, macOS) there is no ``mallopt`` and nothing is changed.

**Garbage collection.** Streamlit, pandas, Plotly and the pages load some 130,000 Python
objects that live as long as the process; CPython's full collection walks all of them,
40 ms here, and it runs whenever enough objects have been made since the last one: in
the middle of one interaction in ten or twenty, which is what its p95 showed.
:func:`freeze_loaded_objects` moves the objects alive once the first page has run into
the permanent generation (``gc.freeze``): a full collection then walks only what was made
since. Frozen objects are still freed when nothing refers to them; only a reference cycle
among them would outlive its use, and the collection run just before freezing has cleared
those.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache

# Freed memory glibc keeps at the top of its heap before giving it back (M_TRIM_THRESHOLD).
KEPT_FREE_BYTES = 256 << 20
# Allocations up to this size come from the heap, not from a mapping of their own
# (M_MMAP_THRESHOLD; 32 MiB is glibc's largest on 64-bit systems).
HEAP_ARRAY_BYTES = 32 << 20
_M_TRIM_THRESHOLD = -1  # glibc's malloc.h
_M_MMAP_THRESHOLD = -3


@cache
def keep_freed_memory() -> bool:
    """Set the process's allocator to keep freed memory for reuse (see the module
    docstring); True when it was set. Once per process: later calls change nothing."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(
        mallopt(_M_TRIM_THRESHOLD, KEPT_FREE_BYTES) and mallopt(_M_MMAP_THRESHOLD, HEAP_ARRAY_BYTES)
    )


@cache
def freeze_loaded_objects() -> int:
    """Collect, then move every object alive into the permanent generation (see the
    module docstring); how many were frozen. Once per process: later calls change
    nothing."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
