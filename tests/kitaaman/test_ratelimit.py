"""The limiter: sliding windows (no more than the limit in any window, across
any boundary), checked and counted in one step (no overshoot under
concurrency), in Redis and in the process (no Redis, or Redis down)."""

import threading
import time

import pytest

from kitaaman import ratelimit
from kitaaman.ratelimit import Bucket, LocalWindows, Rate, hold_all
from tests.figures import record
from tests.kitaaman.test_faults_cache import cache_at, own_redis  # noqa: F401 (fixtures)

THREADS = 30


class FakeClock:
    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def race(take, threads=THREADS):
    """`threads` calls of take() released at once; the answers."""
    barrier = threading.Barrier(threads)
    answers = []
    lock = threading.Lock()

    def run():
        barrier.wait()
        answer = take()
        with lock:
            answers.append(answer)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return answers


# -- in the process ----------------------------------------------------------


def test_local_no_overshoot_under_concurrency():
    store = LocalWindows()
    bucket = Bucket("test", "race", Rate(10, 3600))
    answers = race(lambda: store.acquire([bucket])[0])
    assert answers.count(0) == 10
    assert all(a > 0 for a in answers if a)


def test_local_sliding_window_holds_across_a_fixed_boundary():
    clock = FakeClock(now=3600 * 1000 - 1)  # one second before a whole hour
    store = LocalWindows(clock=clock)
    bucket = Bucket("test", "edge", Rate(10, 3600))
    assert [store.acquire([bucket])[0] for _ in range(10)] == [0] * 10
    clock.now += 2  # past the hour: a fixed window would start again from zero
    waits = [store.acquire([bucket])[0] for _ in range(10)]
    assert all(w > 0 for w in waits)
    # The wait says when the first of the ten leaves the window.
    assert waits[0] == 3600 - 2
    clock.now += 3600 - 2  # the ten counted an hour ago leave together
    assert [store.acquire([bucket])[0] for _ in range(11)] == [0] * 10 + [3600]


def test_local_store_is_bounded():
    store = LocalWindows(max_buckets=100)
    for n in range(1000):
        store.acquire([Bucket("test", f"ip{n}", Rate(1, 60))])
    assert store.buckets() == 100


def test_local_store_stays_small_when_full():
    import tracemalloc

    store = LocalWindows()
    tracemalloc.start()
    try:
        for n in range(1000):
            bucket = Bucket("report_address", f"36.66.{n // 256}.{n % 256}", Rate(200, 3600))
            for _ in range(201):
                store.acquire([bucket])
        used, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 1000 buckets full to their count of 200 (the largest default rate).
    assert store.used(bucket) == 200
    assert used < 10_000_000, f"{used / 1e6:.1f} MB"
    record(f"local limiter: 1000 full buckets of 200 take {used / 1e6:.1f} MB")


def test_local_hold_released_gives_the_room_back(monkeypatch):
    monkeypatch.setattr(ratelimit, "local_windows", LocalWindows())
    bucket = Bucket("test", "release", Rate(1, 3600))
    with hold_all([bucket]) as hold:
        assert hold.wait == 0
        assert bucket.take() > 0  # held
    assert bucket.take() == 0  # given back, then taken
    with hold_all([bucket]) as hold:
        assert hold.wait > 0


def test_all_buckets_or_none():
    store = LocalWindows()
    small = Bucket("test", "small", Rate(1, 3600))
    big = Bucket("test", "big", Rate(100, 3600))
    assert store.acquire([small, big])[0] == 0
    assert store.acquire([small, big])[0] > 0
    # The refused attempt took nothing from the bucket that had room.
    assert store.used(big) == 1


# -- in Redis ----------------------------------------------------------------


@pytest.fixture
def redis_limiter(own_redis, cache_at):  # noqa: F811 (fixtures)
    cache_at(own_redis.url)
    return own_redis


def test_redis_no_overshoot_under_concurrency(redis_limiter):
    bucket = Bucket("test", "race", Rate(10, 3600))
    answers = race(bucket.take)
    assert answers.count(0) == 10
    # Counted in Redis, not in the process.
    assert ratelimit.local_windows.buckets() == 0


def test_redis_report_holds_under_concurrency(redis_limiter):
    own = Bucket("report_submit", "device:x", Rate(10, 3600))
    crowd = Bucket("report_address", "36.66.10.1", Rate(200, 3600))
    holds = race(lambda: hold_all([own, crowd]))
    kept = [h for h in holds if h.wait == 0]
    assert len(kept) == 10
    for h in kept[:4]:
        h.release()  # four of them turned out to be refused reports
    assert sum(1 for _ in range(10) if own.take() == 0) == 4


def test_redis_sliding_window_holds_across_a_boundary(redis_limiter):
    bucket = Bucket("test", "edge", Rate(5, 1))
    # Fill the window late in one second, then keep asking into the next one.
    while time.time() % 1 < 0.6:
        time.sleep(0.01)
    accepted = []
    deadline = time.monotonic() + 2.2
    while time.monotonic() < deadline:
        if bucket.take() == 0:
            accepted.append(time.monotonic())
        time.sleep(0.005)
    # A fixed window would have let 10 through around the boundary; a sliding one 5 per second.
    for i, first in enumerate(accepted):
        assert sum(1 for t in accepted[i:] if t - first < 0.9) <= 5
    assert 5 <= len(accepted) <= 15


def test_redis_down_falls_back_to_the_process(redis_limiter):
    bucket = Bucket("test", "fallback", Rate(10, 3600))
    redis_limiter.stop()
    answers = race(bucket.take)
    assert answers.count(0) == 10
    assert ratelimit.local_windows.used(bucket) == 10
