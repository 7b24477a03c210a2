"""crawler.extract.dates: every date form we promise, URL dates, and never-raise properties."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.dates import (
    date_from_url,
    is_date_line,
    parse_date,
    parse_iso,
    to_datetime,
    url_date,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Thứ Năm, 21/09/2017 - 16:30", "2017-09-21T16:30:00+07:00"),
    ("Thứ năm, 21/9/2017 | 16:30", "2017-09-21T16:30:00+07:00"),
    ("21/09/2017 16:30", "2017-09-21T16:30:00+07:00"),
    ("16:30 21/09/2017", "2017-09-21T16:30:00+07:00"),
    ("21/09/2017", "2017-09-21"),
    ("21-09-2017", "2017-09-21"),
    ("21.09.2017", "2017-09-21"),
    ("2017/09/21", "2017-09-21"),
    ("ngày 21 tháng 9 năm 2017", "2017-09-21"),
    ("21 tháng 9, 2017", "2017-09-21"),
    ("21 Tháng Chín, 2017", "2017-09-21"),
    ("5 Tháng Mười Một, 2017", "2017-11-05"),
    ("Tháng Chín 21, 2017", "2017-09-21"),
    ("Cập nhật lúc 16h30 ngày 21/9/2017", "2017-09-21T16:30:00+07:00"),
    ("14 giờ 05 phút, 21/09/2017", "2017-09-21T14:05:00+07:00"),
    ("3:30 chiều 21/09/2017", "2017-09-21T15:30:00+07:00"),
    ("September 21, 2017 at 4:30 pm", "2017-09-21T16:30:00+07:00"),
    ("21 September 2017", "2017-09-21"),
    ("21/09/2017 16:30 GMT+7", "2017-09-21T16:30:00+07:00"),
    ("21/09/2017 09:30 UTC+0", "2017-09-21T09:30:00+00:00"),
    ("2017-09-21T16:30:00+07:00", "2017-09-21T16:30:00+07:00"),
    ("2017-09-21T09:30:00Z", "2017-09-21T09:30:00+00:00"),
    ("2017-09-21T16:30:00+0700", "2017-09-21T16:30:00+07:00"),
    ("2017-09-21 16:30:00", "2017-09-21T16:30:00+07:00"),
    ("2017-09-21", "2017-09-21"),
])
def test_date_forms(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", [
    "", "Thứ Hai", "31/02/2017", "21/13/2017", "Chiều ngày 21/9", "2 giờ trước",
    "Giấy phép số 46/GP-TTĐT", "1/2/3",
])
def test_not_dates_without_context(raw):
    assert parse_date(raw) is None


def test_impossible_time_keeps_the_day():
    assert parse_date("25:99 21/09/2017") == "2017-09-21"


def test_day_month_takes_the_default_year():
    assert parse_date("Chiều ngày 21/9", default_year=2017) == "2017-09-21"
    assert parse_date("Sáng ngày 12/5", default_year=2019) == "2019-05-12"
    assert parse_date("ngày 31/2", default_year=2019) is None


def test_relative_ages_need_the_fetch_time():
    now = datetime(2024, 5, 1, 3, 0, tzinfo=UTC)
    assert parse_date("2 giờ trước", now=now) == "2024-05-01T08:00:00+07:00"
    assert parse_date("30 phút trước", now=now) == "2024-05-01T09:30:00+07:00"
    assert parse_date("3 ngày trước", now=now) == "2024-04-28"
    assert parse_date("2 days ago", now=now) == "2024-04-29"


def test_parse_iso_rejects_non_iso():
    assert parse_iso("21/09/2017") is None
    assert parse_iso("2017-02-30T10:00:00Z") is None
    assert parse_iso(" 2017-09-21T16:30:00.123+07:00 ") == "2017-09-21T16:30:00+07:00"


@pytest.mark.parametrize(("url", "expected"), [
    ("http://x.test/2017/09/21/slug/", (2017, 9, 21)),
    ("http://x.test/2017/09/slug/", (2017, 9, None)),
    ("http://x.test/thoi-su/slug-20170921.html", (2017, 9, 21)),
    ("http://x.test/thoi-su/slug/", None),
    ("http://x.test/tag/2017/", None),
    ("http://x.test/p/12345678901/", None),
])
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("http://x.test/2017/09/21/slug/", "2017-09-21"),
    ("http://x.test/2017/09/slug/", "2017-09-01"),
    ("http://x.test/2017/9/5/slug/", "2017-09-05"),  # the one URL-date pattern: zero optional
    ("http://x.test/thoi-su/slug-20170921.html", None),  # compact dates: extraction only
    ("http://x.test/thoi-su/slug/?d=/2017/09/21/", None),  # the path only
    ("http://x.test/thoi-su/bai-2017/", None),
])
def test_url_date_is_the_iso_form_of_the_permalink_date(url, expected):
    assert url_date(url) == expected


def test_to_datetime():
    assert to_datetime("2017-09-21") == datetime.fromisoformat("2017-09-21T00:00:00+07:00")
    assert to_datetime("2017-09-21T09:30:00+00:00").utcoffset().total_seconds() == 0
    assert to_datetime("nonsense") is None


@given(st.text(max_size=80), st.one_of(st.none(), st.integers(1990, 2100)))
def test_parse_date_never_raises_and_output_is_iso(raw, year):
    result = parse_date(raw, default_year=year, now=datetime(2024, 5, 1, tzinfo=UTC))
    assert result is None or to_datetime(result) is not None


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
def test_visible_form_round_trip(moment):
    raw = moment.strftime("%d/%m/%Y %H:%M")
    assert parse_date(raw) == moment.replace(second=0, microsecond=0).isoformat() + "+07:00"


@pytest.mark.parametrize("line", [
    "Thứ Năm, 21/09/2017 - 16:30",
    "Chủ nhật, 01/12/2025 08:05 (GMT+7)",
    "21 tháng 9 năm 2017",
    "Stand: 22.04.2024, 06:00 Uhr",
    "30. Januar 2024",
    "10.11.2025 17:59",
    "May 5, 2024 at 3:00 pm EDT",
])
def test_a_line_holding_only_a_date_is_a_date_line(line):
    assert is_date_line(line)


@pytest.mark.parametrize("line", [
    "Ngày 21/9/2025",                      # dates the post from its lead: kept
    "Chiều ngày 21/9, Tỉnh ủy tổ chức hội nghị",
    "Kon Tum, 21/09/2025",                 # a place: a letter's or a document's line
    "Năm 2025 tỉnh có 10 dự án mới",
    "On May 5, 2024 the council met",
    "2024",
    "Tỉnh ủy Kon Tum",
])
def test_a_line_with_more_than_a_date_is_not(line):
    assert not is_date_line(line)
