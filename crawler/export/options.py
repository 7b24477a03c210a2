"""What to export and how: :class:`ExportOptions`, the dataset layout, and the parsing of
``--shard-size`` and of ``--since``/``--until`` dates (a bare date or a time without
offset is read at ``VN_TZ``, the project's one +07:00 default)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from archive.errors import ArchiveError
from crawler.extract.dates import VN_TZ

FORMATS = ("jsonl", "parquet", "csv", "hf")
EXTENSIONS = {"jsonl": "jsonl", "parquet": "parquet", "csv": "csv", "hf": "parquet"}
DATA_DIR = "data"
SPLIT = "train"

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*$", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def offset_text(tz: timezone) -> str:
    """'+07:00' for ``VN_TZ``: the ISO 8601 offset of a fixed zone (Arrow's tz spelling)."""
    minutes = int(tz.utcoffset(None).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@dataclass(frozen=True)
class ExportOptions:
    """What to export and how. Dates bounds are aware datetimes: since inclusive,
    until exclusive (see :func:`parse_bound`)."""

    fmt: str = "jsonl"
    shard_rows: int | None = 100_000
    shard_bytes: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    categories: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()
    min_words: int = 0
    languages: frozenset[str] = frozenset()
    exact_dedup: bool = True
    near_dedup: bool = True
    near_threshold: float = 0.9
    num_perm: int = 128
    shingle_words: int = 5
    all_versions: bool = False
    force: bool = False
    row_group_rows: int = 1000
    # Zone assumed for a bare date ('2024-05-01') or a time without offset.
    default_offset: timezone = VN_TZ

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ArchiveError(f"unknown format {self.fmt!r}; valid formats: "
                               + ", ".join(FORMATS))
        if self.shard_rows is not None and self.shard_rows < 1:
            raise ArchiveError("shard size must be at least 1 row")
        if self.shard_bytes is not None and self.shard_bytes < 1024:
            raise ArchiveError("shard size in bytes must be at least 1KB")
        if not 0.0 < self.near_threshold <= 1.0:
            raise ArchiveError(f"near-duplicate threshold must be in (0, 1], "
                               f"got {self.near_threshold}")
        if self.shingle_words < 1:
            raise ArchiveError("shingle size must be at least 1 word")
        if self.min_words < 0:
            raise ArchiveError("--min-words must not be negative")
        if self.since and self.until and self.since >= self.until:
            raise ArchiveError("--since must be before --until")


def parse_shard_size(text: str) -> tuple[int | None, int | None]:
    """'50000' -> (50000 rows, None); '64MB' / '512KiB' -> (None, bytes)."""
    m = _SIZE.match(text or "")
    if not m:
        raise ArchiveError(f"bad shard size {text!r}: give rows (10000) or bytes "
                           "(500KB, 64MB, 1GiB)")
    number, unit = m.groups()
    if unit is None:
        if "." in number:
            raise ArchiveError(f"bad shard size {text!r}: rows must be a whole number")
        return int(number), None
    return None, int(float(number) * _UNITS[unit.lower()])


def parse_date_value(value: Any, default_offset: timezone) -> tuple[datetime, bool] | None:
    """An ISO 8601 date or date-time string -> (aware datetime, is_bare_date).

    A bare date is midnight at ``default_offset``; a time without offset is taken to
    be at ``default_offset``. Returns None for None/'' and for unparseable text."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=default_offset), True
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=default_offset)
    return dt, False


def parse_bound(text: str, *, end: bool, default_offset: timezone,
                option: str = "--since") -> datetime:
    """A --since/--until value -> an aware instant; since is inclusive, until exclusive.

    A bare date names a whole day at ``default_offset``: ``--since D`` starts at D 00:00,
    ``--until D`` includes all of D (the bound is D+1 00:00). A date-time is an instant
    (``--until`` includes it)."""
    parsed = parse_date_value(text, default_offset)
    if parsed is None:
        raise ArchiveError(f"bad {option} date {text!r}: expected YYYY-MM-DD or an "
                           "ISO 8601 date-time such as 2024-05-01T08:00:00"
                           f"{offset_text(VN_TZ)}")
    dt, bare = parsed
    if end:
        return dt + (timedelta(days=1) if bare else timedelta(microseconds=1))
    return dt


def utc_key(dt: datetime) -> str:
    """Sortable text of an instant (UTC, fixed width)."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
