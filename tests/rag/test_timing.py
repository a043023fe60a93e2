from rag.timing import ms_since


def test_milliseconds_between_two_clock_readings_are_rounded():
    assert ms_since(10.0, 10.0123456) == 12.35
    assert ms_since(10.0, 10.0123456, ndigits=1) == 12.3


def test_without_an_end_the_time_until_now_is_given():
    assert ms_since(0.0) > 0
