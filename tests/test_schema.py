"""The Article JSON Schema: generated from crawler/items.py, shipped, and records valid."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import jsonschema
import pytest

from crawler.extract import extract_page
from crawler.items import Article, Image, Provenance, article_to_dict
from crawler.schema import SCHEMA_PATH, article_json_schema, schema_text
from tests.conftest import REPO
from tests.test_extract import URL, page
from tests.test_gold import GOLD, extract_gold

VALIDATOR = jsonschema.Draft202012Validator(article_json_schema(),
                                            format_checker=jsonschema.FormatChecker())


def _errors(record: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in VALIDATOR.iter_errors(record)]


def _record() -> dict:
    result = extract_page(page(meta='<span class="posted-on">21/09/2017 16:30</span>')
                          .encode("utf-8"), URL)
    article = dataclasses.replace(result.article, provenance=[Provenance(
        warc_filename="news-20240501000000-00000.warc.gz", warc_offset=0, warc_length=1234,
        warc_record_id="<urn:uuid:12345678-1234-5678-1234-567812345678>",
        warc_payload_digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", url=URL,
        fetched_at="2024-05-01T00:00:00Z")], images=[Image(url="http://kontumtv.test/a.jpg",
                                                           caption="Ảnh", alt=None)])
    return json.loads(json.dumps(article_to_dict(article), ensure_ascii=False))


def test_shipped_schema_file_is_up_to_date():
    assert SCHEMA_PATH.read_text("utf-8") == schema_text(), (
        f"{SCHEMA_PATH.name} is out of date: run `newsarchive schema --update`")


def test_schema_is_valid_and_mirrors_the_dataclasses():
    schema = article_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    fields = dataclasses.fields(Article)
    assert list(schema["properties"]) == [f.name for f in fields]
    assert schema["required"] == [f.name for f in fields if f.metadata["required"]]
    for f in fields:
        assert schema["properties"][f.name]["description"] == f.metadata["doc"]
    assert schema["properties"]["authors"] == {
        "description": Article.__dataclass_fields__["authors"].metadata["doc"],
        "type": "array", "items": {"type": "string"}}
    assert schema["properties"]["byline"]["type"] == ["string", "null"]
    assert schema["properties"]["images"]["items"] == {"$ref": "#/$defs/Image"}
    assert set(schema["$defs"]) == {"Image", "Provenance"}


def test_extracted_record_is_valid_and_keys_in_schema_order():
    record = _record()
    assert _errors(record) == []
    assert list(record) == list(article_json_schema()["properties"])


@pytest.mark.parametrize(("change", "where"), [
    ({"date_published": "2017-09-21 16:30"}, "date_published"),
    ({"date_published": "2017-09-21T16:30:00"}, "date_published"),  # no offset
    ({"id": "XYZ"}, "id"),
    ({"title": None}, "title"),
    ({"page_count": 0}, "page_count"),
    ({"authors": "Thanh Tùng"}, "authors"),
    ({"unknown_field": 1}, ""),
])
def test_invalid_records_are_rejected(change, where):
    record = {**_record(), **change}
    errors = _errors(record)
    assert errors and any(e.startswith(f"{where}:") for e in errors), errors


def test_missing_required_field_and_bad_provenance_rejected():
    record = _record()
    del record["canonical_url"]
    assert any("canonical_url" in e for e in _errors(record))
    record = _record()
    record["provenance"][0]["warc_record_id"] = "12345"
    assert any(e.startswith("provenance/0/warc_record_id") for e in _errors(record))


@pytest.mark.skipif(not GOLD, reason="no fixtures/<site>/gold/articles/*.json in this checkout")
def test_every_gold_article_record_is_valid():
    for gold in GOLD:
        article, _ = extract_gold(gold)
        record = json.loads(json.dumps(article_to_dict(article), ensure_ascii=False))
        assert _errors(record) == [], gold.name


def test_schema_command_check_and_print():
    run = [sys.executable, "-m", "crawler", "schema"]
    out = subprocess.run(run, capture_output=True, text=True, cwd=REPO, check=True)
    assert json.loads(out.stdout) == article_json_schema()
    check = subprocess.run(run + ["--check"], capture_output=True, text=True, cwd=REPO)
    assert check.returncode == 0, check.stderr
