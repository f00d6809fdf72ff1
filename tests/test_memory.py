import platform

import pytest

from stance.inference.memory import retain_freed_memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the setting is glibc's")
def test_retaining_freed_memory_takes_on_glibc_and_can_be_asked_twice():
    assert retain_freed_memory() and retain_freed_memory()
    big = bytearray(64 * 2**20)  # above glibc's largest mmap threshold: served from the heap now, and freed fine
    assert len(big) == 64 * 2**20
