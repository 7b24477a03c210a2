"""Speed-ups that must not change behaviour: each fast path against the slow one."""

from __future__ import annotations

import lxml.etree
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.errors import NewsarchiveError
from crawler.extract import html as extract_html
from crawler.rebuild import AUTO_WORKERS_MAX, resolve_workers


def _slow_cls(*tokens: str) -> str:
    return " or ".join(
        f"contains(concat(' ', normalize-space(@class), ' '), ' {t} ')" for t in tokens)


CLASS_VALUES = ["date", "entry-date", "xdate", "date-x", "post date", "\tdate\n", "a\rdate",
                "entry-dates", "DATE", "ngày date", "published updated", "", "  ",
                "post-date\u00a0x", "date\u00a0", "td-post-date jeg_meta_date"]


@pytest.mark.parametrize("tokens", [("date", "entry-date", "post-date"), ("updated",),
                                    ("post-date", "date"), ("entry-date", "jeg_meta_date")])
def test_class_predicate_matches_the_plain_token_test(tokens: tuple[str, ...]) -> None:
    body = "".join(f'<span class="{v}">{i}</span>' for i, v in enumerate(CLASS_VALUES))
    tree = lxml.html.fromstring(f"<html><body><div>{body}</div><p>x</p></body></html>")
    fast = tree.xpath(f".//*[{extract_html.class_pred(*tokens)}]")
    slow = tree.xpath(f".//*[{_slow_cls(*tokens)}]")
    assert fast == slow
    assert slow  # the values above do hold some of the tokens


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=" \t\nab\u00a0c", max_size=12), min_size=0, max_size=6),
       st.integers(min_value=0, max_value=20))
def test_text_longer_is_text_len_greater(pieces: list[str], limit: int) -> None:
    html = "<div>" + "".join(f"<span>{p}</span>{p}" for p in pieces) + "</div>"
    el = lxml.html.fragment_fromstring(html)
    assert extract_html.text_longer(el, limit) == (extract_html.text_len(el) > limit)


def test_parsed_elements_have_the_lxml_html_classes() -> None:
    tree = extract_html.parse_html('<html><body><form><input name="q"><label>Tìm</label>'
                                   '<select><option>a</option></select><textarea></textarea>'
                                   '</form><p>Chào</p></body></html>')
    assert tree is not None
    reference = lxml.html.document_fromstring(lxml.etree.tostring(tree))
    assert [type(e) for e in tree.iter()] == [type(e) for e in reference.iter()]
    assert isinstance(tree.find(".//form"), lxml.html.FormElement)
    assert tree.find(".//p").text_content() == "Chào"


def test_extract_workers_setting() -> None:
    assert resolve_workers(3) == 3
    assert resolve_workers("2") == 2
    assert 1 <= resolve_workers("auto") <= AUTO_WORKERS_MAX
    assert resolve_workers(" AUTO ") == resolve_workers("auto")
    for bad in (0, "0", "-1", "many", None):
        with pytest.raises(NewsarchiveError, match="EXTRACT_WORKERS"):
            resolve_workers(bad)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=" \t\n\u00a0\u2003a", max_size=5), min_size=0, max_size=5))
def test_has_text_is_text_len_positive(pieces: list[str]) -> None:
    html = "<div>" + "".join(f"<b>{p}</b>{p}" for p in pieces) + "</div>"
    el = lxml.html.fragment_fromstring(html)
    assert extract_html.has_text(el) == (extract_html.text_len(el) > 0)


def test_auto_workers_leave_a_cpu_to_the_reactor(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    for cpus, expected in ((1, 1), (2, 1), (3, 2), (16, AUTO_WORKERS_MAX)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cpus: set(range(n)),
                            raising=False)
        assert resolve_workers("auto") == expected
