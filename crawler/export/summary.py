"""What an export reports: throttled progress lines (stderr) and the final
:class:`ExportSummary` (stdout)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


class Progress:
    """Throttled progress lines on a stream (at most one per ``every`` seconds)."""

    def __init__(self, stream: IO[str] | None, every: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.every = every
        self.clock = clock
        self.start = clock()
        self.last = self.start

    def tick(self, stage: str, done: int, total: int | None = None) -> None:
        if self.stream is None:
            return
        now = self.clock()
        if now - self.last < self.every:
            return
        self.last = now
        of = f"/{total:,}" if total else ""
        print(f"export: {stage}: {done:,}{of} records ({now - self.start:.0f}s)",
              file=self.stream, flush=True)

    def note(self, message: str) -> None:
        if self.stream is not None:
            print(f"export: {message}", file=self.stream, flush=True)


@dataclass
class ExportSummary:
    out: Path
    fmt: str
    input_records: int = 0
    rows: int = 0
    filtered: int = 0
    old_versions: int = 0
    exact_dups: int = 0
    near_dups: int = 0
    bad_dates: int = 0
    shards: list[str] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        rate = self.input_records / self.seconds if self.seconds > 0 else 0.0
        return [
            f"export: wrote {self.rows:,} rows in {len(self.shards)} shard(s), "
            f"{self.bytes:,} bytes, to {self.out} ({self.fmt})",
            f"export: read {self.input_records:,} records; dropped: "
            f"{self.filtered:,} by filter, {self.old_versions:,} old versions, "
            f"{self.exact_dups:,} exact duplicates, {self.near_dups:,} near duplicates"
            + (f"; {self.bad_dates:,} unparseable dates written as null"
               if self.bad_dates else ""),
            f"export: {self.seconds:.1f}s ({rate:,.0f} records/s)",
        ]
