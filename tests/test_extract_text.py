"""crawler.extract.textnorm: NFC, prefixes, bylines, author names, title suffixes."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.textnorm import (
    clean_author,
    clean_text,
    is_vietnamese,
    parse_byline,
    split_byline,
    split_source_prefix,
    strip_site_suffix,
    word_count,
)


@pytest.mark.parametrize(("text", "prefix", "rest"), [
    ("(kontumtv.vn) – Chiều ngày 21/9, Tỉnh ủy", "(kontumtv.vn) –", "Chiều ngày 21/9, Tỉnh ủy"),
    ("(Baokontum.com.vn) - Sáng nay", "(Baokontum.com.vn) -", "Sáng nay"),
    ("KTO – Sáng nay", "KTO –", "Sáng nay"),
    ("KTO- Sáng nay", "KTO-", "Sáng nay"),
    ("TTXVN: Sáng nay", "TTXVN:", "Sáng nay"),
    ("VOV.VN - Sáng nay", "VOV.VN -", "Sáng nay"),
    ("(Dân trí) — Sáng nay", "(Dân trí) —", "Sáng nay"),
    ("Kontumtv.vn – Sáng nay", "Kontumtv.vn –", "Sáng nay"),
    ("(KTO)-Sáng nay", "(KTO)-", "Sáng nay"),
])
def test_source_prefix(text, prefix, rest):
    assert split_source_prefix(text, vietnamese=True) == (prefix, rest)


@pytest.mark.parametrize("text", [
    "Sáng nay, Tỉnh ủy Kon Tum tổ chức hội nghị.",
    "(Theo báo cáo của Sở, năm nay có nhiều dự án mới) – tỉnh đã",
    "Kon Tum – Quảng Ngãi: sẵn sàng hợp nhất",
    "(2017) – năm bản lề",
])
def test_no_source_prefix(text):
    assert split_source_prefix(text, vietnamese=True) == (None, text)


def test_prefix_only_on_vietnamese_pages():
    # "(Leipzig) -" and "LONDON —" are datelines that belong to a foreign story
    assert split_source_prefix("(Leipzig) - Von Preisbremsen", vietnamese=False)[0] is None
    assert split_source_prefix("LONDON — The", vietnamese=False)[0] is None


@pytest.mark.parametrize(("line", "names"), [
    ("Thanh Tùng – Công Luận", ["Thanh Tùng", "Công Luận"]),
    ("Thanh Tùng - Công Luận", ["Thanh Tùng", "Công Luận"]),
    ("Quốc Khánh, Thu Hằng", ["Quốc Khánh", "Thu Hằng"]),
    ("Minh Hương (TTXVN)", ["Minh Hương"]),
    ("Tin, ảnh: Văn Sơn", ["Văn Sơn"]),
    ("Bài và ảnh: Hồng Nhung", ["Hồng Nhung"]),
    ("Văn Sơn", ["Văn Sơn"]),
    ("Y Blin", ["Y Blin"]),
])
def test_byline(line, names):
    assert parse_byline(line) == names


@pytest.mark.parametrize("line", [
    "Hội nghị kết thúc cùng ngày.",
    "Đồng chí Nguyễn Văn Hùng phát biểu",
    "Kon Tum có 10 huyện",
    "Xem thêm:",
    "Theo kế hoạch, năm 2025 tỉnh sẽ hoàn thành việc sắp xếp",
    "",
])
def test_not_a_byline(line):
    assert parse_byline(line) is None


def test_split_byline_needs_a_body_before_it():
    assert split_byline("Một đoạn.\nThanh Tùng – Công Luận") == (
        "Thanh Tùng – Công Luận", ["Thanh Tùng", "Công Luận"], "Một đoạn.")
    assert split_byline("Thanh Tùng – Công Luận") == (None, [], "Thanh Tùng – Công Luận")


@pytest.mark.parametrize(("raw", "names"), [
    ("Bởi Hồng Nhung", ["Hồng Nhung"]),
    ("Tác giả: Văn Sơn", ["Văn Sơn"]),
    ("Đăng bởi: An Nhiên", ["An Nhiên"]),
    ("By John Smith and Jane Doe", ["John Smith", "Jane Doe"]),
    ("Thanh Tùng – Công Luận", ["Thanh Tùng", "Công Luận"]),
    ("https://kontumtv.vn/author/admin/", []),
    ("", []),
])
def test_clean_author(raw, names):
    assert clean_author(raw) == names


@pytest.mark.parametrize(("title", "sites", "headline", "expected"), [
    ("Tổng kết 20 năm – Đài PT-TH Kon Tum", ["Đài PT-TH Kon Tum"], None,
     ("Tổng kết 20 năm", "Đài PT-TH Kon Tum")),
    ("Tổng kết 20 năm | KONTUMTV", ["kontumtv.vn", "kontumtv"], None,
     ("Tổng kết 20 năm", "KONTUMTV")),
    ("Tin Tây Nguyên - Nông dân thu hoạch", ["Tin Tây Nguyên"], None,
     ("Nông dân thu hoạch", "Tin Tây Nguyên")),
    ("Nông dân thu hoạch - Báo X", [], "Nông dân thu hoạch", ("Nông dân thu hoạch", "Báo X")),
    ("Kon Tum - Quảng Ngãi: sẵn sàng", ["Đài PT-TH Kon Tum"], None,
     ("Kon Tum - Quảng Ngãi: sẵn sàng", None)),
])
def test_strip_site_suffix(title, sites, headline, expected):
    assert strip_site_suffix(title, sites, headline=headline) == expected


def test_clean_text_and_word_count():
    raw = unicodedata.normalize("NFD", "  Một\u00a0 đoạn \n\n\tHai  đoạn\u200b \n")
    assert clean_text(raw) == "Một đoạn\nHai đoạn"
    assert word_count("Chiều ngày 21/9, Tỉnh ủy") == 6


def test_is_vietnamese():
    assert is_vietnamese("Chiều ngày 21/9, Tỉnh ủy Kon Tum đã tổ chức Hội nghị tổng kết")
    assert not is_vietnamese("The quick brown fox jumps over the lazy dog again and again")
    assert not is_vietnamese("ngắn")


@given(st.text(max_size=200))
def test_clean_text_is_nfc_and_idempotent(raw):
    once = clean_text(raw)
    assert unicodedata.is_normalized("NFC", once)
    assert clean_text(once) == once
    assert "\n\n" not in once


@given(st.text(max_size=120))
def test_prefix_and_byline_never_lose_text(raw):
    prefix, rest = split_source_prefix(raw, vietnamese=True)
    assert (prefix is None and rest == raw) or raw.startswith(prefix)
    byline, names, body = split_byline(raw)
    assert (byline is None and body == raw) or (names and byline)
