"""gc_paused: the cyclic collector off for a unit of bulk work, on again after, and nothing it made
lost to it or kept from it."""

from __future__ import annotations

import gc
import threading
import weakref

from sync.gc_pause import gc_paused


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def _cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_the_collector_is_off_inside_and_on_after():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: the inner one leaves it to the outer
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_stays_off_after_when_it_was_off_before():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_turns_it_back_on():
    try:
        with gc_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_what_the_work_made_is_promoted_unexamined_not_frozen():
    seen: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            seen.append(info["generation"])

    kept = []
    gc.collect()
    gc.callbacks.append(count)
    try:
        with gc_paused():
            kept.extend([i] for i in range(50_000))  # alive after the work, as a built page is
        more = [[i] for i in range(100)]  # the first allocations after the pause
    finally:
        gc.callbacks.remove(count)
    assert seen == []  # no collection went through the 50,000 lists, at the pause's end or after
    assert gc.get_freeze_count() == 0  # promoted, not left frozen
    oldest = {id(x) for x in gc.get_objects(generation=2)}
    assert all(id(x) in oldest for x in kept[:100]) and more


def test_a_cycle_made_inside_is_still_collected():
    with gc_paused():
        ref = _cycle()
    assert ref() is not None  # a cycle: reference counting alone never frees it
    gc.collect()
    assert ref() is None


def test_a_thread_working_inside_a_pause_does_not_turn_the_collector_on_early():
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with gc_paused():  # found it off: leaves it as it is
            inside.set()
            release.wait(5)

    with gc_paused():
        th = threading.Thread(target=other)
        th.start()
        assert inside.wait(5)
        release.set()
        th.join(5)
        assert not gc.isenabled()
    assert gc.isenabled()
