"""JSON Schema of the Article record, generated from the dataclasses in ``crawler/items.py``.

Each dataclass field gives one property: its JSON type from the type hint, its
description from ``metadata["doc"]``, and ``required`` from ``metadata["required"]``.
Formats that a type hint cannot say (ISO 8601 dates with offset, the id's 16 hex
digits) are added here as ``pattern``s. ``crawler/article.schema.json`` is this
schema, written by ``newsarchive schema --update`` and shipped as package data; a test
checks the file is up to date. No settings are read.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any

from crawler.items import SCHEMA_VERSION, Article, Image, Provenance

SCHEMA_PATH = Path(__file__).with_name("article.schema.json")
SCHEMA_ID = "https://newsarchive.invalid/schema/article.schema.json"

#: ISO 8601 with a UTC offset, or a bare day (crawler/items.py conventions)
DATE_PATTERN = (r"^\d{4}-\d{2}-\d{2}"
                r"(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$")

_EXTRA: dict[tuple[str, str], dict[str, Any]] = {
    ("Article", "id"): {"pattern": "^[0-9a-f]{16}$"},
    ("Article", "url"): {"format": "uri"},
    ("Article", "canonical_url"): {"format": "uri"},
    ("Article", "date_published"): {"pattern": DATE_PATTERN},
    ("Article", "date_modified"): {"pattern": DATE_PATTERN},
    ("Article", "page_count"): {"minimum": 1},
    ("Article", "word_count"): {"minimum": 0},
    ("Image", "url"): {"format": "uri"},
    ("Provenance", "warc_offset"): {"minimum": 0},
    ("Provenance", "warc_length"): {"minimum": 1},
    ("Provenance", "warc_record_id"): {"pattern": r"^<urn:uuid:[0-9a-fA-F-]{36}>$"},
    ("Provenance", "warc_payload_digest"): {"pattern": r"^[a-z0-9]+:[A-Za-z0-9+/=]+$"},
}

_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _type_schema(hint: Any) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(hint))
        if len(args) != 1:
            raise TypeError(f"unsupported union {hint!r}")
        inner = _type_schema(args[0])
        if not nullable:
            return inner
        if set(inner) == {"type"}:
            return {"type": [inner["type"], "null"]}
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is list:
        (item,) = typing.get_args(hint)
        return {"type": "array", "items": _type_schema(item)}
    if dataclasses.is_dataclass(hint):
        return {"$ref": f"#/$defs/{hint.__name__}"}
    if hint in _SCALARS:
        return {"type": _SCALARS[hint]}
    raise TypeError(f"no JSON Schema type for {hint!r}")


def dataclass_schema(cls: type) -> dict[str, Any]:
    """Object schema of one dataclass: properties in field order, docs, required list."""
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        prop = _type_schema(hints[f.name])
        prop = {"description": f.metadata.get("doc", ""), **prop,
                **_EXTRA.get((cls.__name__, f.name), {})}
        properties[f.name] = prop
        if f.metadata.get("required"):
            required.append(f.name)
    return {
        "type": "object",
        "description": " ".join((cls.__doc__ or "").split()),
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def article_json_schema() -> dict[str, Any]:
    """The published schema of one articles.jsonl line."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"newsarchive Article record (schema {SCHEMA_VERSION})",
    }
    schema.update(dataclass_schema(Article))
    schema["$defs"] = {cls.__name__: dataclass_schema(cls) for cls in (Image, Provenance)}
    return schema


def schema_text() -> str:
    """The schema as written to ``article.schema.json`` (stable: 2-space indent, '\\n' end)."""
    return json.dumps(article_json_schema(), ensure_ascii=False, indent=2) + "\n"
