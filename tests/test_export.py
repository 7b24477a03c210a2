"""Dataset export: filters, dedup, versions, sharding, formats loaded by datasets/pandas/DuckDB,
the dataset card, errors, re-extraction wiring, and an end-to-end export of a real crawl."""

from __future__ import annotations

import gzip
import json
import shutil
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.errors import ArchiveError
from crawler.cli import main
from crawler.export import (
    ExportOptions,
    Progress,
    export_dataset,
    hf_features,
    normalise_text,
    parse_bound,
    parse_date_value,
    parse_shard_size,
    text_schema,
)
from crawler.export import rows as dataset
from crawler.items import Article, Image, Provenance, article_to_dict

ICT = timezone(timedelta(hours=7))
NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731

# Real Vietnamese paragraphs (varied so that distinct articles are not near duplicates).
PARAGRAPHS = [
    "Sáng nay, Ủy ban nhân dân tỉnh Kon Tum tổ chức hội nghị tổng kết công tác phòng, "
    "chống thiên tai năm 2023 và triển khai nhiệm vụ năm 2024.",
    "Theo báo cáo, trong năm qua trên địa bàn tỉnh đã xảy ra nhiều đợt mưa lớn, lốc xoáy "
    "làm hư hỏng hàng trăm ngôi nhà và hàng nghìn héc-ta cây trồng của người dân.",
    "Phát biểu chỉ đạo, đồng chí Phó Chủ tịch Ủy ban nhân dân tỉnh đề nghị các sở, ngành "
    "chủ động xây dựng phương án ứng phó, không để bị động, bất ngờ.",
    "Huyện Ngọc Hồi đẩy mạnh phát triển cây mắc ca, sâm Ngọc Linh gắn với xây dựng "
    "nông thôn mới và giảm nghèo bền vững ở vùng đồng bào dân tộc thiểu số.",
    "Lễ hội cồng chiêng Tây Nguyên thu hút đông đảo du khách trong và ngoài nước đến "
    "tham quan, tìm hiểu văn hóa truyền thống của các dân tộc bản địa.",
    "Trường Cao đẳng Kon Tum khai giảng năm học mới với hơn một nghìn học sinh, sinh viên "
    "theo học các ngành nghề kỹ thuật, nông nghiệp và du lịch.",
]


def _text(i: int, words: int = 120) -> str:
    """A distinct multi-paragraph Vietnamese text for article i."""
    base = [PARAGRAPHS[(i + k) % len(PARAGRAPHS)] for k in range(3)]
    extra = f"Bài viết số {i} ghi nhận ý kiến của cử tri xã Đăk Hà về {i * 7} công trình."
    filler = " ".join(f"từ{i}x{k}" for k in range(max(0, words - 100)))
    return "\n".join([*base, extra, filler]).strip()


def make_article(i: int, *, text: str | None = None, url: str | None = None,
                 published: str | None = "default", fetched: str | None = None,
                 categories: list[str] | None = None, language: str = "vi",
                 nfd: bool = True) -> Article:
    url = url or f"http://kontumtv.test/thoi-su/bai-viet-so-{i}/"
    text = text if text is not None else _text(i)
    if published == "default":
        published = f"2024-05-{(i % 27) + 1:02d}T{8 + i % 10:02d}:30:00+07:00"
    fetched = fetched or f"2024-06-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z"
    conv = NFD if nfd else (lambda s: s)
    return Article(
        id=f"{i:016x}", url=url, canonical_url=url, title=conv(f"Tiêu đề bài viết số {i}"),
        text=conv(text), language=language, site_name="Đài PT-TH Kon Tum",
        authors=[conv("Thanh Tùng"), "Hồng Nhung"], authors_raw="Thanh Tùng, Hồng Nhung",
        byline=conv("Thanh Tùng – Công Luận"), date_published=published,
        date_published_raw="21/05/2024", categories=categories or [conv("Thời sự")],
        tags=["Kon Tum", conv("Phòng chống thiên tai")],
        description=conv("Tóm tắt: hội nghị tổng kết."), source_prefix="(kontumtv.vn) –",
        images=[Image(url="http://kontumtv.test/wp-content/uploads/anh.jpg",
                      caption=conv("Quang cảnh hội nghị"), alt=None)],
        video_urls=[], page_count=1, word_count=len(text.split()), extractor_version="1",
        provenance=[Provenance(warc_filename="NA-20240601-00000-kontumtv.test-1.warc.gz",
                               warc_offset=1000 + i, warc_length=500,
                               warc_record_id=f"<urn:uuid:00000000-0000-0000-0000-{i:012d}>",
                               warc_payload_digest="sha1:ABCDEF", url=url, fetched_at=fetched)],
    )


def write_crawl(folder: Path, articles: list[Article]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "articles.jsonl", "w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps(article_to_dict(a), ensure_ascii=False) + "\n")
    return folder


def run_export(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["export", *argv, "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def jsonl_rows(out: Path) -> list[dict[str, Any]]:
    rows = []
    for shard in sorted((out / "data").glob("*.jsonl")):
        rows += [json.loads(line) for line in shard.read_text(encoding="utf-8").splitlines()]
    return rows


@pytest.fixture()
def offline_datasets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    import datasets
    for name in ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE"):
        if hasattr(datasets.config, name):
            monkeypatch.setattr(datasets.config, name, True)
    datasets.disable_progress_bars()
    return datasets


# --- pure pieces -----------------------------------------------------------------------


def test_schema_has_every_article_field_and_flat_provenance() -> None:
    schema = dataset.article_schema()
    fields = [f for f in Article.__dataclass_fields__]
    assert schema.names == [*fields, *dataset.FLAT_PROVENANCE]
    assert schema.field("date_published").type == pa.timestamp("us", tz="+07:00")
    assert schema.field("fetched_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("categories").type == pa.list_(pa.string())
    img = schema.field("images").type.value_type
    assert pa.types.is_struct(img) and [f.name for f in img] == ["url", "caption", "alt"]
    docs = dataset.field_docs()
    assert set(docs) == set(schema.names) and all(docs.values())
    assert "Canonical URL" in docs["canonical_url"]


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "csv"])
def test_card_features_match_datasets_own_conversion(fmt: str) -> None:
    datasets = pytest.importorskip("datasets")
    schema = dataset.article_schema()
    file_schema = schema if fmt == "parquet" else text_schema(schema, flat=fmt == "csv")
    expected = datasets.Features.from_arrow_schema(file_schema)._to_yaml_list()
    assert hf_features(file_schema) == expected


def test_dates_compare_across_offsets_and_bare_dates() -> None:
    since = parse_bound("2024-05-01", end=False, default_offset=ICT)
    until = parse_bound("2024-05-01", end=True, default_offset=ICT)
    assert since == datetime(2024, 5, 1, tzinfo=ICT)
    assert until == datetime(2024, 5, 2, tzinfo=ICT)

    def inside(value: str) -> bool:
        dt = parse_date_value(value, ICT)[0]
        return since <= dt < until

    assert inside("2024-05-01")                           # bare date: that day
    assert inside("2024-04-30T20:00:00Z")                 # 03:00 on May 1st at +07:00
    assert not inside("2024-05-01T23:30:00+05:00")        # 01:30 on May 2nd at +07:00
    assert inside("2024-05-01T23:59:59+07:00")
    assert inside("2024-05-01T10:00:00")                  # no zone: +07:00
    assert not inside("2024-04-30")
    exact = parse_bound("2024-05-01T12:00:00+07:00", end=True, default_offset=ICT)
    assert parse_date_value("2024-05-01T05:00:00Z", ICT)[0] < exact   # 12:00 included
    with pytest.raises(ArchiveError, match="bad --since date"):
        parse_bound("01/05/2024", end=False, default_offset=ICT)


def test_shard_size_and_normalisation() -> None:
    assert parse_shard_size("5000") == (5000, None)
    assert parse_shard_size("64MB") == (None, 64_000_000)
    assert parse_shard_size("2KiB") == (None, 2048)
    with pytest.raises(ArchiveError, match="bad shard size"):
        parse_shard_size("lots")
    assert normalise_text(NFD("  Thời   SỰ\nKon Tum ")) == "thời sự kon tum"


def test_progress_is_throttled() -> None:
    import io
    now = [0.0]
    stream = io.StringIO()
    progress = Progress(stream, every=2.0, clock=lambda: now[0])
    for n in range(1, 101):
        now[0] = n * 0.1          # 10 s in total
        progress.tick("scanning", n)
    lines = stream.getvalue().splitlines()
    assert 4 <= len(lines) <= 5 and lines[0].startswith("export: scanning: 20 records")


# --- selection -------------------------------------------------------------------------


def test_filters_dedup_and_versions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arts = [make_article(i) for i in range(10)]
    # exact duplicate of 1 under another URL, captured later: different case/spacing/NFC
    dup_text = "  " + _text(1).upper().replace("\n", "  \n ") + " "
    arts.append(make_article(101, text=dup_text, url="http://kontumtv.test/copy-of-1/",
                             fetched="2024-06-02T00:00:00Z"))
    # exact duplicate captured EARLIER than article 2: the copy is kept, 2 is dropped
    arts.append(make_article(102, text=_text(2), url="http://kontumtv.test/earlier-2/",
                             fetched="2024-05-01T00:00:00Z"))
    # near duplicate of 3 (one word changed in ~120), captured later
    near = _text(3).replace("Lễ hội", "Ngày hội", 1)
    assert near != _text(3)
    arts.append(make_article(103, text=near, url="http://kontumtv.test/near-3/",
                             fetched="2024-06-03T00:00:00Z"))
    # an edited article: two captures of article 4's URL, the later one changed
    edited = make_article(4, text=_text(4) + "\nCập nhật: thêm thông tin mới.",
                          fetched="2024-07-01T00:00:00Z")
    arts.append(edited)
    # filtered: too short, other language, out of date range, other category
    arts.append(make_article(201, text="Tin ngắn.", url="http://kontumtv.test/ngan/"))
    arts.append(make_article(202, language="en", url="http://kontumtv.test/en/"))
    arts.append(make_article(203, published="2023-12-31", url="http://kontumtv.test/cu/"))
    arts.append(make_article(204, categories=["Thể thao"], url="http://kontumtv.test/tt/"))
    crawl = write_crawl(tmp_path / "crawl", arts)

    out = tmp_path / "ds"
    code, stdout, _ = run_export(capsys, str(crawl), "--out", str(out), "--since",
                                 "2024-01-01", "--until", "2024-12-31", "--min-words", "20",
                                 "--language", "vi", "--category", NFD("thời sự"))
    assert code == 0
    rows = jsonl_rows(out)
    urls = [r["canonical_url"] for r in rows]
    assert len(rows) == 10   # 0..9 with 2 replaced by its earlier copy
    assert "http://kontumtv.test/earlier-2/" in urls
    assert "http://kontumtv.test/thoi-su/bai-viet-so-2/" not in urls
    assert "http://kontumtv.test/copy-of-1/" not in urls
    assert "http://kontumtv.test/near-3/" not in urls
    v4 = [r for r in rows if r["canonical_url"].endswith("/bai-viet-so-4/")]
    assert len(v4) == 1 and v4[0]["text"].endswith("thêm thông tin mới.")
    assert "4 by filter, 1 old versions, 2 exact duplicates, 1 near duplicates" in stdout
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "Exact duplicates dropped: 2" in card and "Near duplicates dropped: 1" in card
    assert "Older versions of edited articles (same canonical_url, earlier capture) " \
           "dropped: 1" in card

    # --all-versions: both captures of article 4 (they are near duplicates of each other,
    # which never removes a version of the same article)
    out2 = tmp_path / "ds2"
    code, stdout, _ = run_export(capsys, str(crawl), "--out", str(out2), "--all-versions",
                                 "--min-words", "20")
    assert code == 0
    v4 = [r for r in jsonl_rows(out2) if r["canonical_url"].endswith("/bai-viet-so-4/")]
    assert len(v4) == 2
    assert "0 old versions" in stdout

    # dedup switched off keeps everything that passes the filters
    out3 = tmp_path / "ds3"
    code, stdout, _ = run_export(capsys, str(crawl), "--out", str(out3), "--no-exact-dedup",
                                 "--no-near-dedup", "--all-versions")
    assert code == 0 and len(jsonl_rows(out3)) == len(arts)


def test_near_threshold_is_settable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _text(5)
    words = a.split()
    b = " ".join(words[: len(words) * 7 // 10] + [f"khác{k}" for k in range(len(words) * 3
                                                                              // 10)])
    crawl = write_crawl(tmp_path / "c", [make_article(5, text=a),
                                         make_article(6, text=b, url="http://kontumtv.test/b/")])
    code, out, _ = run_export(capsys, str(crawl), "--out", str(tmp_path / "o1"))
    assert code == 0 and "0 near duplicates" in out
    code, out, _ = run_export(capsys, str(crawl), "--out", str(tmp_path / "o2"),
                              "--near-threshold", "0.3")
    assert code == 0 and "1 near duplicates" in out


def test_order_is_stable_and_shards_rotate(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    arts = [make_article(i) for i in range(23)]
    arts.append(make_article(50, published=None, url="http://kontumtv.test/no-date/"))
    arts.append(make_article(51, published="2024-05-03", url="http://kontumtv.test/bare/"))
    crawl_a = write_crawl(tmp_path / "a", arts[::2])
    crawl_b = write_crawl(tmp_path / "b", arts[1::2])   # two crawl folders
    code, stdout, _ = run_export(capsys, str(crawl_a), str(crawl_b), "--out",
                                 str(tmp_path / "o"), "--shard-size", "10")
    assert code == 0 and "in 3 shard(s)" in stdout
    names = sorted(p.name for p in (tmp_path / "o" / "data").iterdir())
    assert names == [f"train-0000{i}-of-00003.jsonl" for i in range(3)]
    rows = jsonl_rows(tmp_path / "o")
    assert len(rows) == 25 and rows[-1]["canonical_url"].endswith("/no-date/")
    keys = [(parse_date_value(r["date_published"], ICT)[0], r["canonical_url"])
            for r in rows[:-1]]
    assert keys == sorted(keys)
    # the same input in the other folder order gives the same bytes
    code, _, _ = run_export(capsys, str(crawl_b), str(crawl_a), "--out",
                            str(tmp_path / "o2"), "--shard-size", "10")
    for name in names:
        assert (tmp_path / "o" / "data" / name).read_bytes() == \
            (tmp_path / "o2" / "data" / name).read_bytes()

    # byte-sized shards: each stays near the limit
    for fmt, size, slack in (("jsonl", 8000, 0), ("csv", 8000, 0), ("parquet", 12000, 16000)):
        out = tmp_path / f"bytes-{fmt}"
        code, stdout, _ = run_export(capsys, str(crawl_a), str(crawl_b), "--out", str(out),
                                     "--format", fmt, "--shard-size", f"{size}B")
        assert code == 0
        shards = sorted((out / "data").iterdir())
        assert 2 <= len(shards) < 25, fmt
        limit = size + slack    # Parquet: row groups are counted, the footer comes on top
        assert all(p.stat().st_size <= limit for p in shards[:-1]), fmt


# --- formats load untouched --------------------------------------------------------------


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("src")
    arts = [make_article(i) for i in range(12)]
    arts.append(make_article(40, published="2024-05-09", url="http://kontumtv.test/bare/"))
    arts.append(make_article(41, published="2024-05-09T01:00:00Z",
                             url="http://kontumtv.test/utc/"))
    write_crawl(folder, arts)
    expected = {}
    for a in arts:
        d = article_to_dict(a)
        expected[d["canonical_url"]] = json.loads(
            unicodedata.normalize("NFC", json.dumps(d, ensure_ascii=False)))
    return folder, expected


def _check_common(rows: list[dict[str, Any]], expected: dict[str, Any], fmt: str) -> None:
    assert len(rows) == len(expected)
    for row in rows:
        src = expected[row["canonical_url"]]
        assert row["text"] == src["text"] and unicodedata.is_normalized("NFC", row["text"])
        assert row["title"] == src["title"]
        assert row["warc_record_id"] == src["provenance"][0]["warc_record_id"]
        assert int(row["warc_offset"]) == src["provenance"][0]["warc_offset"]
        cats = row["categories"]
        images = row["images"]
        if fmt == "csv":
            cats, images = json.loads(cats), json.loads(images)
        assert list(cats) == src["categories"] == ["Thời sự"]
        assert images[0]["caption"] == "Quang cảnh hội nghị"
        got = row["date_published"]
        want = parse_date_value(src["date_published"], ICT)[0]
        if isinstance(got, str):
            assert got == src["date_published"]
        else:
            if hasattr(got, "to_pydatetime"):
                got = got.to_pydatetime()
            if fmt == "jsonl" and len(src["date_published"]) == 10:
                # documented caveat: the `datasets` JSON reader (pyarrow) parses a bare
                # date as midnight UTC
                want = want.replace(tzinfo=UTC)
            assert got.tzinfo is not None and got == want
            if fmt != "duckdb":
                assert got.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "csv", "hf"])
def test_formats_load_with_datasets_pandas_duckdb(
        fmt: str, source: tuple[Path, dict[str, Any]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str], offline_datasets: Any) -> None:
    import duckdb
    import pandas as pd

    folder, expected = source
    out = tmp_path / "out"
    code, _, _ = run_export(capsys, str(folder), "--out", str(out), "--format", fmt,
                            "--shard-size", "5")
    assert code == 0
    ext = "parquet" if fmt == "hf" else fmt

    ds = offline_datasets.load_dataset(str(out), split="train",
                                       cache_dir=str(tmp_path / "cache"))
    assert ds.num_rows == len(expected)
    _check_common(list(ds), expected, fmt)
    if ext == "parquet":
        assert str(ds.features["date_published"].dtype) == "timestamp[us, tz=+07:00]"
        bare = next(r for r in ds if r["canonical_url"].endswith("/bare/"))
        assert bare["date_published"] == datetime(2024, 5, 9, tzinfo=ICT)

    files = sorted((out / "data").glob(f"*.{ext}"))
    if ext == "parquet":
        frame = pd.concat([pd.read_parquet(p) for p in files])
    elif ext == "jsonl":
        frame = pd.concat([pd.read_json(p, lines=True, dtype=False) for p in files])
    else:
        frame = pd.concat([pd.read_csv(p, keep_default_na=False) for p in files])
    records = frame.to_dict("records")
    _check_common(records, expected, fmt if ext != "parquet" else "pandas")

    glob = str(out / "data" / f"*.{ext}")
    reader = {"parquet": "read_parquet", "jsonl": "read_json", "csv": "read_csv"}[ext]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rel = con.sql(f"SELECT * FROM {reader}('{glob}') ORDER BY canonical_url")
    cols = rel.columns
    drows = [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]
    if ext != "parquet":
        # DuckDB infers its own types from text; compare the fields as text
        for r in drows:
            if ext == "jsonl":
                r["date_published"] = expected[r["canonical_url"]]["date_published"]
                r["images"] = [dict(i) for i in r["images"]]
            else:
                assert str(r["date_published"])[:10] == \
                    expected[r["canonical_url"]]["date_published"][:10]
                r["date_published"] = expected[r["canonical_url"]]["date_published"]
    _check_common(drows, expected, "duckdb" if ext == "parquet" else fmt)
    if ext == "parquet":
        utc = next(r for r in drows if r["canonical_url"].endswith("/utc/"))
        assert utc["date_published"] == datetime(2024, 5, 9, 1, 0, tzinfo=UTC)
        schema = pq.read_schema(files[0])
        assert schema.field("images").type.value_type.field("caption").type == pa.string()


def test_card_front_matter_and_body(source: tuple[Path, dict[str, Any]], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    yaml = pytest.importorskip("yaml")
    folder, expected = source
    (folder / "warc").mkdir(exist_ok=True)
    out = tmp_path / "o"
    assert run_export(capsys, str(folder), "--out", str(out), "--format", "parquet")[0] == 0
    text = (out / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["language"] == ["vi"]
    assert front["license"] == "other" and "PLACEHOLDER" in front["license_details"]
    assert front["task_categories"]
    assert front["configs"][0]["data_files"][0]["path"] == "data/train-*.parquet"
    assert front["dataset_info"]["splits"][0]["num_examples"] == len(expected)
    names = [f["name"] for f in front["dataset_info"]["features"]]
    assert names == dataset.article_schema().names
    body = text.split("---\n", 2)[2]
    assert f"Rows: **{len(expected)}**" in body
    assert "2024-05-01 to 2024-05-" in body
    assert "| Thời sự | 14 |" in body
    assert "| kontumtv.test | 14 | 2024-06-01T00:00:00Z | 2024-06-01T00:00:41Z |" in body
    assert "Canonical URL (rel=canonical" in body          # field docs from the schema
    assert "Licence: placeholder" in body


# --- errors and atomicity ------------------------------------------------------------------


def test_bad_input_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    crawl = write_crawl(tmp_path / "c", [make_article(1)])
    (tmp_path / "empty").mkdir()
    cases = [
        ([str(tmp_path / "missing"), "--out", str(tmp_path / "o")], "no such crawl folder"),
        ([str(tmp_path / "empty"), "--out", str(tmp_path / "o")], "no articles.jsonl"),
        ([str(crawl), "--out", str(tmp_path / "o"), "--format", "xlsx"],
         "unknown format 'xlsx'; valid formats: jsonl, parquet, csv, hf"),
        ([str(crawl), "--out", str(tmp_path / "o"), "--since", "hôm qua"], "bad --since date"),
        ([str(crawl), "--out", str(tmp_path / "o"), "--until", "2024-13-01"],
         "bad --until date"),
        ([str(crawl), "--out", str(tmp_path / "o"), "--shard-size", "big"], "bad shard size"),
        ([str(crawl), "--out", str(crawl), "--force"], "is (or contains) the crawl folder"),
        ([str(crawl), "--out", str(tmp_path), "--force"], "is (or contains) the crawl folder"),
        ([str(tmp_path / "empty"), "--out", str(tmp_path / "o"), "--reextract"],
         "no WARC files"),
        ([str(crawl), "--out", str(tmp_path / "o"), "--since", "2030-01-01"],
         "nothing to export: 1 records read, 1 dropped by filter"),
    ]
    for argv, message in cases:
        code, _, err = run_export(capsys, *argv)
        assert code == 2, argv
        assert message in err and len(err.strip().splitlines()) == 1, err
        assert not (tmp_path / "o").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "empty"]


def test_corrupt_jsonl_leaves_no_dataset(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    crawl = write_crawl(tmp_path / "c", [make_article(i) for i in range(3)])
    with open(crawl / "articles.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"id": "x", "url": "http://kontumtv.test/cut')    # truncated line
    code, _, err = run_export(capsys, str(crawl), "--out", str(tmp_path / "o"))
    assert code == 2 and "articles.jsonl:4: not a JSON record (truncated last line?)" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]   # no OUT, no temp folder


def test_existing_out_needs_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    crawl = write_crawl(tmp_path / "c", [make_article(i) for i in range(3)])
    out = tmp_path / "o"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code, _, err = run_export(capsys, str(crawl), "--out", str(out))
    assert code == 2 and "already exists (use --force" in err
    assert (out / "keep.txt").read_text() == "mine"
    code, stdout, _ = run_export(capsys, str(crawl), "--out", str(out), "--force")
    assert code == 0 and "wrote 3 rows" in stdout
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "data"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "o"]


# --- re-extraction ----------------------------------------------------------------------------


def _fake_warc_crawl(folder: Path) -> Path:
    (folder / "warc").mkdir(parents=True)
    (folder / "warc" / "NA-1.warc.gz").write_bytes(gzip.compress(b"placeholder: ignored"))
    return folder


def test_reextract_uses_rebuild_function(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    crawl = _fake_warc_crawl(tmp_path / "c")
    write_crawl(crawl, [make_article(99)])     # articles.jsonl must NOT be read
    seen: list[list[Path]] = []

    def rebuild(paths: list[Path]):
        seen.append(paths)
        yield from (make_article(i) for i in range(4))

    monkeypatch.setattr(dataset, "_default_rebuild", lambda: rebuild)
    code, stdout, _ = run_export(capsys, str(crawl), "--out", str(tmp_path / "o"),
                                 "--reextract")
    assert code == 0 and "wrote 4 rows" in stdout
    assert seen == [[crawl / "warc" / "NA-1.warc.gz"]]
    assert {r["id"] for r in jsonl_rows(tmp_path / "o")} == {f"{i:016x}" for i in range(4)}
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["README.md", "data"]


def test_reextract_damaged_warc_is_one_line(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import zlib
    crawl = _fake_warc_crawl(tmp_path / "c")

    def rebuild(paths: list[Path]):
        yield make_article(1)
        raise zlib.error("Error -3 while decompressing data: invalid stored block lengths")

    monkeypatch.setattr(dataset, "_default_rebuild", lambda: rebuild)
    code, _, err = run_export(capsys, str(crawl), "--out", str(tmp_path / "o"), "--reextract")
    assert code == 2 and "cannot re-extract (corrupt or truncated WARC?)" in err
    assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]


# --- end to end on a real crawl ------------------------------------------------------------


@pytest.fixture(scope="module")
def real_crawl(kontum_archive: tuple[str, Path]) -> Path:
    """The kontumtv fixture site crawled through the fixture server (tests/conftest.py)."""
    return kontum_archive[1]


@pytest.mark.integration
def test_export_of_a_real_crawl(real_crawl: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    records = [json.loads(line) for line in
               (real_crawl / "articles.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    assert records
    out = tmp_path / "ds"
    code, stdout, _ = run_export(capsys, str(real_crawl), "--out", str(out), "--format",
                                 "parquet", "--all-versions", "--no-near-dedup",
                                 "--no-exact-dedup")
    assert code == 0, stdout
    table = pq.read_table(out / "data")
    assert table.num_rows == len(records)
    by_id = {r["id"]: r for r in records}
    for row in table.to_pylist():
        src = by_id[row["id"]]
        assert row["text"] == unicodedata.normalize("NFC", src["text"])
        assert row["warc_filename"] == src["provenance"][0]["warc_filename"]
        assert (real_crawl / "warc" / row["warc_filename"]).exists()
    card = (out / "README.md").read_text(encoding="utf-8")
    assert f"Rows: **{len(records):,}**" in card and "warcinfo" in card

    # default selection: what is written plus what is dropped is what was read
    out_default = tmp_path / "default"
    code, stdout, _ = run_export(capsys, str(real_crawl), "--out", str(out_default),
                                 "--format", "csv")
    assert code == 0
    import re
    written = int(re.search(r"wrote ([\d,]+) rows", stdout)[1].replace(",", ""))
    dropped = sum(int(n.replace(",", "")) for n in re.findall(
        r"([\d,]+) (?:by filter|old versions|exact duplicates|near duplicates)", stdout))
    assert written + dropped == len(records) and written > 0

    # re-extraction from the crawl's WARCs gives the same articles
    pytest.importorskip("crawler.articles")
    out2 = tmp_path / "re"
    code, stdout, err = run_export(capsys, str(real_crawl), "--out", str(out2),
                                   "--reextract", "--all-versions", "--no-near-dedup",
                                   "--no-exact-dedup")
    assert code == 0, err
    rows = jsonl_rows(out2)
    assert {r["canonical_url"] for r in rows} == {r["canonical_url"] for r in records}
    texts = {r["canonical_url"]: r["text"] for r in records}
    assert all(r["text"] == texts[r["canonical_url"]] for r in rows)


def test_export_dataset_api_directly(tmp_path: Path) -> None:
    """The generic API: a caller-made schema and row function, no crawler types."""
    path = tmp_path / "recs.jsonl"
    path.write_text("".join(json.dumps({"canonical_url": f"http://x.test/{i}", "text":
                                        f"văn bản {i}", "date_published": "2024-01-02"},
                                       ensure_ascii=False) + "\n" for i in range(3)),
                    encoding="utf-8")
    schema = pa.schema([("canonical_url", pa.string()), ("text", pa.string()),
                        ("date_published", pa.timestamp("us", tz="+07:00"))])
    summary = export_dataset([path], tmp_path / "o", options=ExportOptions(fmt="parquet"),
                             schema=schema, docs={"text": "the text"},
                             to_row=lambda r: r)
    assert summary.rows == 3 and len(summary.shards) == 1
    table = pq.read_table(tmp_path / "o" / summary.shards[0])
    assert table.schema == schema
    assert table.column("date_published")[0].as_py() == datetime(2024, 1, 2, tzinfo=ICT)
    shutil.rmtree(tmp_path / "o")


# --- re-extraction from real WARCs (archive.writer + crawler.articles) -------------------------


def _post_html(title: str, paras: list[str], canonical: str, published: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="UTF-8">'
        f"<title>{title} – Kon Tum TV</title><link rel=\"canonical\" href=\"{canonical}\" />"
        '<meta property="og:type" content="article">'
        f'<meta property="article:published_time" content="{published}">'
        '</head><body class="post-template-default single single-post postid-7">'
        '<header><nav><a href="/">Trang chủ</a></nav></header>'
        f'<article class="post"><h1 class="entry-title">{title}</h1>'
        f'<div class="entry-content">{body}</div></article></body></html>').encode()


@pytest.fixture()
def warc_crawl(tmp_path: Path) -> Path:
    import itertools

    from archive.records import HttpExchange
    from archive.writer import WarcWriter

    t0 = datetime(2024, 5, 1, 1, 0, tzinfo=UTC)
    ids = itertools.count(1)
    writer = WarcWriter(tmp_path / "crawl" / "warc", clock=lambda: t0,
                        id_factory=lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(ids):012d}>",
                        host="test", pid=1)
    for i in range(3):
        url = f"http://kontumtv.test/thoi-su/bai-{i}/"
        paras = [NFD(p) for p in PARAGRAPHS[i:i + 3]]
        writer.write_exchange(HttpExchange(
            url=url, protocol="HTTP/1.1", status=200,
            response_headers=[("Content-Type", "text/html; charset=UTF-8")],
            body=_post_html(f"Bài viết số {i}", paras, url, f"2024-04-2{i}T08:00:00+07:00"),
            fetched_at=t0 + timedelta(minutes=i)))
    writer.close()
    return tmp_path / "crawl"


def test_reextract_from_real_warcs(warc_crawl: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("crawler.articles")
    from archive.reader import read_capture

    out = tmp_path / "ds"
    code, stdout, err = run_export(capsys, str(warc_crawl), "--out", str(out), "--reextract",
                                   "--format", "parquet")
    assert code == 0, err
    rows = pq.read_table(out / "data").to_pylist()
    assert sorted(r["canonical_url"] for r in rows) == [
        f"http://kontumtv.test/thoi-su/bai-{i}/" for i in range(3)]
    for row in rows:
        i = int(row["canonical_url"].rstrip("/").rsplit("-", 1)[1])
        assert row["text"].split("\n") == PARAGRAPHS[i:i + 3]      # NFC again
        assert row["date_published"] == datetime(2024, 4, 20 + i, 8, tzinfo=ICT)
        cap = read_capture(warc_crawl / "warc" / row["warc_filename"], row["warc_offset"])
        assert cap.record_id == row["warc_record_id"] and cap.url == row["canonical_url"]
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "crawl: 1 WARC file(s), warcinfo 2024-05-01T01:00:00Z" in card


def test_reextract_truncated_warc_fails_cleanly(warc_crawl: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("crawler.articles")
    (warc,) = (warc_crawl / "warc").glob("*.warc.gz")
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) - 200])
    out = tmp_path / "ds"
    code, _, err = run_export(capsys, str(warc_crawl), "--out", str(out), "--reextract")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert warc.name in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crawl"]


def test_record_not_fitting_the_schema_is_one_line(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    crawl = write_crawl(tmp_path / "c", [make_article(1)])
    record = json.loads((crawl / "articles.jsonl").read_text(encoding="utf-8"))
    record["word_count"] = "nhiều"           # not an integer
    (crawl / "articles.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    code, _, err = run_export(capsys, str(crawl), "--out", str(tmp_path / "o"),
                              "--format", "parquet")
    assert code == 2 and "does not fit the schema" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]
    record.pop("title")                      # a required field missing
    (crawl / "articles.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    code, _, err = run_export(capsys, str(crawl), "--out", str(tmp_path / "o"))
    assert code == 2 and "required field 'title' is missing" in err


def test_site_filter_by_host_or_site_name(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    arts = [make_article(1, url="http://www.kontumtv.test/a/"),
            make_article(2, url="http://baokontum.test/b/"),
            make_article(3, url="http://m.kontumtv.test/c/")]
    crawl = write_crawl(tmp_path / "c", arts)
    code, _, _ = run_export(capsys, str(crawl), "--out", str(tmp_path / "o"),
                            "--site", "kontumtv.test")
    assert code == 0
    assert sorted(r["canonical_url"] for r in jsonl_rows(tmp_path / "o")) == [
        "http://m.kontumtv.test/c/", "http://www.kontumtv.test/a/"]
    code, _, _ = run_export(capsys, str(crawl), "--out", str(tmp_path / "o2"),
                            "--site", NFD("đài pt-th kon tum"))      # the site name
    assert code == 0 and len(jsonl_rows(tmp_path / "o2")) == 3


# --- properties ----------------------------------------------------------------------------

_offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m)))
_instants = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2035, 12, 30),
                         timezones=_offsets).map(lambda d: d.replace(microsecond=0))


@settings(max_examples=200, deadline=None)
@given(value=_instants, bound=_instants, bare=st.booleans())
def test_date_bounds_agree_with_instants(value: datetime, bound: datetime,
                                         bare: bool) -> None:
    """Whatever the offsets, --since/--until compare instants; a bare-date bound is the
    whole day at +07:00."""
    parsed, is_bare = parse_date_value(value.isoformat(), ICT)
    assert parsed == value and not is_bare
    text = bound.astimezone(ICT).date().isoformat() if bare else bound.isoformat()
    since = parse_bound(text, end=False, default_offset=ICT)
    until = parse_bound(text, end=True, default_offset=ICT)
    if bare:
        day = bound.astimezone(ICT).date()
        assert (since <= value < until) == (value.astimezone(ICT).date() == day)
    else:
        assert (since <= value) == (value >= bound)
        assert (value < until) == (value <= bound)


_vi_text = st.text(alphabet="aăâeêioôơuưyđ ÁÀẢÃẠấầẩẫậ\n\t.,Thời sựKon Tum", min_size=1,
                   max_size=80)


@settings(max_examples=200, deadline=None)
@given(text=_vi_text)
def test_text_hash_ignores_form_case_and_spacing(text: str) -> None:
    from crawler.export import text_hash
    variant = "  " + NFD(text).upper().replace(" ", " \t ") + "\n"
    if normalise_text(text):
        assert text_hash(variant) == text_hash(text)
    else:
        assert text_hash(text) is None
