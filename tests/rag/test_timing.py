import time

from rag.timing import Stopwatch, ms_since


def test_milliseconds_between_two_clock_readings_are_rounded():
    assert ms_since(10.0, 10.0123456) == 12.35
    assert ms_since(10.0, 10.0123456, ndigits=1) == 12.3


def test_without_an_end_the_time_until_now_is_given():
    assert ms_since(0.0) > 0


def test_stages_are_timed_once_or_added_up_and_the_total_comes_last(monkeypatch):
    clock = iter([100.0, 100.010, 100.020, 100.025, 100.030, 100.040, 100.100])
    monkeypatch.setattr(time, "perf_counter", lambda: next(clock))
    watch = Stopwatch()  # started at 100.0
    watch.mark("validate")  # 10 ms since the start
    with watch.lap("retrieve"):  # 5 ms
        pass
    with watch.lap("retrieve"):  # and 10 ms more, for a second part
        pass
    timings = watch.total({"generate": 7.0})
    assert timings == {"validate": 10.0, "retrieve": 15.0, "generate": 7.0, "total": 100.0}
    assert list(timings) == ["validate", "retrieve", "generate", "total"]
