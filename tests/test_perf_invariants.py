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


def _class_page() -> lxml.html.HtmlElement:
    spans = "".join(f'<span class="{v}">{i}</span>' for i, v in enumerate(CLASS_VALUES))
    return extract_html.parse_html(
        f'<html><body><div class="date"><p class="post-date">a{spans}</p></div>'
        f'<section class="updated"><div class="entry-date"><h2 class="date">b</h2></div>'
        f'</section><p>{spans}</p></body></html>')


@pytest.mark.parametrize("tokens", [("date", "entry-date", "post-date"), ("updated",),
                                    ("post-date", "date"), ("entry-date", "jeg_meta_date"),
                                    ("nowhere",)])
def test_class_index_finds_what_the_class_predicate_selects(tokens: tuple[str, ...]) -> None:
    tree = _class_page()
    index = extract_html.ClassIndex(tree)
    pred = extract_html.class_pred(*tokens)
    assert index.find(frozenset(tokens)) == tree.xpath(f"//*[{pred}]")
    for within in tree.iter("div", "section", "p"):
        assert index.find(frozenset(tokens), within=within) == within.xpath(f".//*[{pred}]")
    assert index.find(frozenset(tokens), tags=frozenset(("h2", "p"))) == tree.xpath(
        f"//*[(self::h2 or self::p) and {pred}]")


HEADINGS = ["Tin liên quan", "  Xem\n thêm: ", "<span>Related</span> posts", "Read <b>more</b>",
            "» Tin mới", "Related posts and more text that is far too long to be a heading",
            "<span>Tin</span> <i>liên</i> quan", "tin", "Most popular", "MOST\u00a0POPULAR"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["h3", "div", "p", "span", "strong", "li"]),
                          st.sampled_from(HEADINGS)), min_size=1, max_size=6),
       st.booleans())
def test_heading_candidates_hold_every_related_heading(
        blocks: list[tuple[str, str]], nest: bool) -> None:
    """The elements _prune_related looks at (found from short texts) include every element
    whose whole text is a related heading, as measuring each element's text finds them."""
    from crawler.extract import boilerplate

    inner = "".join(f"<{tag}>{text}</{tag}> tail " for tag, text in blocks)
    if nest:
        inner = f"<div><section>{inner}</section>after</div>"
    tree = extract_html.parse_html(f"<html><body>{inner}<p>story</p></body></html>")
    slow = [el for el in tree.iter(*boilerplate._HEADING_TAGS)
            if not extract_html.text_longer(el, 60)
            and boilerplate.heading_key("".join(el.itertext())) in boilerplate._RELATED_HEADINGS]
    fast = [el for el in boilerplate._heading_candidates(tree)
            if boilerplate.heading_key("".join(el.itertext())) in boilerplate._RELATED_HEADINGS]
    assert fast == slow
