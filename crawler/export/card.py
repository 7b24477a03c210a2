"""The Hugging Face dataset card (``OUT/README.md``): YAML front matter with the
``dataset_info.features`` of the rows, then what the dataset holds, how it was selected,
the crawl it comes from, its fields and provenance. PyYAML and `datasets` are not
needed: the YAML and the features are written here (the tests check them against both).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from crawler.export.options import DATA_DIR, EXTENSIONS, SPLIT, ExportOptions, offset_text
from crawler.export.selection import host_of
from crawler.export.summary import ExportSummary
from crawler.export.writers import is_nested
from crawler.extract.dates import VN_TZ


@dataclass
class CardStats:
    """What the dataset card tells about the rows written and the crawl read."""

    dates: list[str] = field(default_factory=lambda: ["", ""])   # min/max date_published
    categories: Counter[str] = field(default_factory=Counter)
    sites: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    # host -> [records, first fetched_at, last fetched_at] over all input records
    crawl: dict[str, list[Any]] = field(default_factory=dict)

    def add_row(self, record: dict[str, Any]) -> None:
        dp = record.get("date_published")
        if isinstance(dp, str) and dp:
            if not self.dates[0] or dp[:10] < self.dates[0]:
                self.dates[0] = dp[:10]
            if dp[:10] > self.dates[1]:
                self.dates[1] = dp[:10]
        for c in record.get("categories") or ():
            self.categories[c] += 1
        self.sites[host_of(record)] += 1
        self.languages[record.get("language") or "unknown"] += 1

    def add_capture(self, host: str, fetched: str) -> None:
        entry = self.crawl.setdefault(host, [0, "", ""])
        entry[0] += 1
        if fetched:
            if not entry[1] or fetched < entry[1]:
                entry[1] = fetched
            if fetched > entry[2]:
                entry[2] = fetched


def _yaml_scalar(value: Any) -> str:
    # A JSON string/number is valid YAML, so json.dumps quotes safely; PyYAML is not a
    # runtime dependency of the project (only of the `datasets` test extra).
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _yaml(value: Any, indent: int = 0) -> list[str]:
    """Block-style YAML lines for dicts/lists of scalars (enough for a dataset card)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{k}:")
                lines.extend(_yaml(v, indent + 2))
            elif isinstance(v, (dict, list)):
                lines.append(f"{pad}{k}: {'{}' if isinstance(v, dict) else '[]'}")
            else:
                lines.append(f"{pad}{k}: {_yaml_scalar(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                sub = _yaml(item, indent + 2)
                lines.append(f"{pad}- {sub[0].lstrip()}")
                lines.extend(sub[1:])
            else:
                lines.append(f"{pad}- {_yaml_scalar(item)}")
    return lines


def hf_features(schema: pa.Schema) -> list[dict[str, Any]]:
    """The `dataset_info.features` YAML list of a Hugging Face card for ``schema``.

    Hand-written so that export does not need the `datasets` package; the tests check it
    against ``datasets.Features.from_arrow_schema``."""
    def feature(name: str | None, typ: pa.DataType) -> dict[str, Any]:
        out: dict[str, Any] = {"name": name} if name is not None else {}
        if pa.types.is_list(typ) or pa.types.is_large_list(typ):
            key = "large_list" if pa.types.is_large_list(typ) else "list"
            inner = typ.value_type
            if pa.types.is_struct(inner):
                out[key] = [feature(f.name, f.type) for f in inner]
            elif is_nested(inner):
                out[key] = feature(None, inner)
            else:
                out[key] = _dtype(inner)
        elif pa.types.is_struct(typ):
            out["struct"] = [feature(f.name, f.type) for f in typ]
        else:
            out["dtype"] = _dtype(typ)
        return out
    return [feature(f.name, f.type) for f in schema]


def _dtype(typ: pa.DataType) -> str:
    if pa.types.is_timestamp(typ):
        return f"timestamp[{typ.unit}, tz={typ.tz}]" if typ.tz else f"timestamp[{typ.unit}]"
    if pa.types.is_string(typ):
        return "string"
    if pa.types.is_large_string(typ):
        return "large_string"
    return str(typ)


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")



def render_card(*, title: str, fmt: str, schema: pa.Schema, file_schema: pa.Schema,
                docs: dict[str, str], summary: ExportSummary, stats: CardStats,
                options: ExportOptions, crawl_notes: list[str], language: str = "vi",
                data_bytes: int = 0) -> str:
    """README.md in the Hugging Face dataset card format (YAML front matter + body).

    The declared features are what ``datasets.load_dataset`` returns: the typed schema
    for Parquet, and for JSONL too, because the `datasets` JSON reader (pyarrow) parses
    ISO 8601 strings into timestamps by itself (declaring them ``string`` would turn
    '2024-05-01T08:30:00+07:00' into the naive '2024-05-01 01:30:00'); for CSV the
    text schema (lists and structs JSON-encoded)."""
    ext = EXTENSIONS[fmt]
    features_schema = file_schema if ext == "csv" else schema
    front = _front_matter(title, ext, features_schema, summary.rows, language, data_bytes)
    out = ["---", *_yaml(front), "---", "", f"# {title}", ""]
    out.append("> **Licence: placeholder.** `license: other` / `TO-BE-DETERMINED` above must "
               "be replaced before this dataset is shared: the texts belong to their "
               "publishers.")
    out += _contents(ext, file_schema, summary, stats)
    out += _selection(summary, options)
    out += _crawl(stats, crawl_notes)
    out += _fields(file_schema, docs)
    return "\n".join(out)


def _front_matter(title: str, ext: str, features_schema: pa.Schema, rows: int,
                  language: str, data_bytes: int) -> dict[str, Any]:
    """The card's YAML metadata (licence placeholder, tags, configs, dataset_info)."""
    return {
        "language": [language],
        "license": "other",
        "license_name": "TO-BE-DETERMINED",
        "license_details": "PLACEHOLDER: set the licence of the crawled texts before "
                           "publishing; the articles belong to their publishers.",
        "pretty_name": title,
        "task_categories": ["text-generation", "text-classification", "summarization"],
        "tags": ["news", "vietnamese", "warc", "web-archive"],
        "size_categories": [_size_category(rows)],
        "configs": [{"config_name": "default",
                     "data_files": [{"split": SPLIT, "path": f"{DATA_DIR}/{SPLIT}-*.{ext}"}]}],
        "dataset_info": {
            "features": hf_features(features_schema),
            "splits": [{"name": SPLIT, "num_bytes": data_bytes,
                        "num_examples": rows}],
            "download_size": data_bytes,
        },
    }


def _contents(ext: str, file_schema: pa.Schema, summary: ExportSummary,
              stats: CardStats) -> list[str]:
    """'## Contents': rows, dates, languages, order, how to load, categories, sites."""
    out = ["", "## Contents", ""]
    out.append(f"- Rows: **{summary.rows:,}** in {len(summary.shards)} "
               f"`{ext}` shard(s) under `{DATA_DIR}/` (split `{SPLIT}`).")
    d0, d1 = stats.dates
    out.append(f"- Publication dates: {d0 or 'n/a'} to {d1 or 'n/a'} (date_published).")
    langs = ", ".join(f"{k} ({v:,})" for k, v in stats.languages.most_common())
    out.append(f"- Languages: {langs or 'n/a'}.")
    out.append("- Row order: date_published (instant; rows without a date last), then "
               "canonical_url, then capture time.")
    out.append("- Load: `datasets.load_dataset(\"path/to/this/folder\")`"
               + ("; pandas `read_parquet`, DuckDB `read_parquet('data/*.parquet')`."
                  if ext == "parquet" else
                  "; pandas `read_json(lines=True)`, DuckDB `read_json('data/*.jsonl')`."
                  if ext == "jsonl" else
                  "; pandas `read_csv`, DuckDB `read_csv('data/*.csv')`. Lists and "
                  "structs are JSON-encoded in their cells; an empty cell is null."))
    out += _dates_notes(ext, file_schema)
    out += ["", "### Categories", "", "| category | rows |", "| --- | --- |"]
    for cat, n in stats.categories.most_common(50):
        out.append(f"| {_md_cell(cat)} | {n:,} |")
    if len(stats.categories) > 50:
        out.append(f"| ({len(stats.categories) - 50} more) | |")
    out += ["", "### Sites", "", "| site | rows |", "| --- | --- |"]
    for site, n in stats.sites.most_common():
        out.append(f"| {_md_cell(site)} | {n:,} |")
    return out


def _dates_notes(ext: str, file_schema: pa.Schema) -> list[str]:
    """How the format stores dates (and how `datasets` reads them back)."""
    out = []
    if ext == "parquet":
        out.append(f"- Timestamps are Parquet timestamps with zone "
                   f"(`{_ts_note(file_schema)}`); a bare publication date (day without "
                   "time) is stored as midnight of that day in that zone.")
    else:
        out.append("- Dates are ISO 8601 strings with offset, or a bare `YYYY-MM-DD` when "
                   "the page gave a day but no time.")
    if ext == "jsonl":
        out.append("- `datasets.load_dataset` parses the JSONL date strings into "
                   "timestamps itself (pyarrow's JSON reader): date-times keep their "
                   f"instant, shown at {offset_text(VN_TZ)}, but a bare date becomes "
                   "midnight UTC. Use the Parquet export for exact typed dates.")
    return out


def _selection(summary: ExportSummary, options: ExportOptions) -> list[str]:
    """'## Deduplication and selection': what was dropped, and why."""
    out = ["", "## Deduplication and selection", ""]
    out.append(f"- Records read: {summary.input_records:,}.")
    if options.all_versions:
        out.append("- Versions: all distinct captured versions of edited articles kept "
                   "(`--all-versions`).")
    else:
        out.append(f"- Older versions of edited articles (same canonical_url, earlier "
                   f"capture) dropped: {summary.old_versions:,} (the latest capture is kept).")
    out.append(f"- Dropped by filters: {summary.filtered:,} ({_filters_text(options)}).")
    out.append(f"- Exact duplicates dropped: {summary.exact_dups:,} (same text after NFC, "
               "casefolding and whitespace collapsing; the earliest capture is kept)"
               + ("" if options.exact_dedup else " — disabled") + ".")
    out.append(f"- Near duplicates dropped: {summary.near_dups:,} (MinHash LSH, "
               f"{options.num_perm} permutations, {options.shingle_words}-word shingles, "
               f"Jaccard >= {options.near_threshold} checked on the shingles; the earliest "
               "capture is kept)" + ("" if options.near_dedup else " — disabled") + ".")
    return out


def _crawl(stats: CardStats, crawl_notes: list[str]) -> list[str]:
    """'## Crawl': records and capture times per host, then the crawl notes."""
    out = ["", "## Crawl", ""]
    out += ["| host | records read | first capture | last capture |",
            "| --- | --- | --- | --- |"]
    for host, (n, first, last) in sorted(stats.crawl.items()):
        first, last = (t.replace(".000000Z", "Z") if t else "n/a" for t in (first, last))
        out.append(f"| {_md_cell(host)} | {n:,} | {first} | {last} |")
    if crawl_notes:
        out.append("")
        out += [f"- {_md_cell(note)}" for note in crawl_notes]
    return out


def _fields(file_schema: pa.Schema, docs: dict[str, str]) -> list[str]:
    """'## Fields' (name, type, doc of every column) and '## Provenance'."""
    out = ["", "## Fields", "", "| field | type | description |", "| --- | --- | --- |"]
    for f in file_schema:
        out.append(f"| `{f.name}` | `{_type_text(f.type)}` | "
                   f"{_md_cell(docs.get(f.name, ''))} |")
    out += ["", "## Provenance", "",
            "Every row names the WARC response record(s) it was extracted from "
            "(`provenance`, one entry per page; the first page also flattened into "
            "`warc_filename`, `warc_offset`, `warc_length`, `warc_record_id`, "
            "`warc_payload_digest`, `fetched_at`). The WARC files are the source of "
            "truth: `newsarchive export --reextract` rebuilds the rows from them.", ""]
    return out




def _type_text(typ: pa.DataType) -> str:
    return str(typ).replace("<item: ", "<").replace("element: ", "")


def _ts_note(schema: pa.Schema) -> str:
    for f in schema:
        if pa.types.is_timestamp(f.type):
            return _dtype(f.type)
    return "timestamp"


def _filters_text(options: ExportOptions) -> str:
    parts = []
    if options.since:
        parts.append(f"since {options.since.isoformat()}")
    if options.until:
        parts.append(f"until before {options.until.isoformat()}")
    if options.categories:
        parts.append("categories " + ", ".join(sorted(options.categories)))
    if options.sites:
        parts.append("sites " + ", ".join(sorted(options.sites)))
    if options.min_words:
        parts.append(f"at least {options.min_words} words")
    if options.languages:
        parts.append("languages " + ", ".join(sorted(options.languages)))
    return "; ".join(parts) or "none given"


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if n < limit:
            return name
    return "10M<n<100M"
