"""timekeys.text_and_key cuts the stored text and key out of the time as pydantic dumped it: it must
give exactly text() and key() of the moment, for every shape pydantic writes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, strategies as st
from pydantic import AwareDatetime, TypeAdapter

from sync.headoffice.timekeys import key, text, text_and_key

_TIMES = TypeAdapter(list[AwareDatetime])
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.builds(lambda d, tz: d.replace(tzinfo=tz),
                    st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1)), offsets | st.just(timezone.utc))


@given(st.lists(moments, min_size=1, max_size=5))
def test_text_and_key_are_the_moments(values):
    for dumped, moment in zip(_TIMES.dump_python(values, mode="json"), values):
        assert text_and_key(dumped, moment) == (text(moment), key(moment))


def test_the_common_shape():
    moment = datetime(2026, 11, 21, 1, 30, 0, 123, tzinfo=timezone(timedelta(hours=8)))
    assert text_and_key("2026-11-21T01:30:00.000123+08:00", moment) == (
        "2026-11-21T01:30:00.000123+08:00", "2026-11-20T17:30:00.000123")

