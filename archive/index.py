"""CDXJ indexes of WARC files, in the format ``cdxj-indexer`` (and pywb) write.

The line format and which records are indexed: :mod:`archive.cdxj`. ``filename`` is the
WARC's base name (or its path relative to ``dir_root``). Lines are sorted as strings,
which is the order pywb's binary search needs. Records are read with warcio through
``archive.reader``, unless the file has a valid index sidecar (:mod:`archive.sidecar`).

Also here, because every reader needs them and they are archive logic:

- :func:`find_warc_files`: THE rule for "WARC files or folders" arguments;
- :class:`LatestCaptures`: THE rule for "the latest capture of a URL" (largest WARC-Date;
  captures within one second ordered by file, then offset), from a crawl folder's fresh
  ``index.cdxj`` or one pass over the WARCs; used by ``--replay-from`` and re-extraction;
- :class:`CdxjIndex`: an index loaded (or built in memory) with SURT ``lookup(url)``,
  latest first by the same rule.
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from archive import sidecar
from archive.cdxj import CdxjEntry, make_entry, url_key
from archive.errors import ArchiveError
from archive.httputil import media_type
from archive.reader import iter_captures, iter_parsed
from archive.records import warc_target_uri
from archive.scratch import CaptureTable, Row

WARC_SUFFIXES = (".warc", ".warc.gz")


def _filename(path: Path, dir_root: Path | None) -> str:
    if dir_root is None:
        return path.name
    return Path(os.path.relpath(path, dir_root)).as_posix()


def iter_entries(paths: Iterable[str | os.PathLike[str]], *,
                 dir_root: str | os.PathLike[str] | None = None) -> Iterator[CdxjEntry]:
    """Index entries of the WARC files, in file order (unsorted). A file with a valid
    index sidecar (:mod:`archive.sidecar`, written by the crawl as it wrote the file) is
    not read: its entries are the sidecar's."""
    root = Path(dir_root) if dir_root is not None else None
    for raw in paths:
        path = Path(raw)
        name = _filename(path, root)
        written = sidecar.entries(path)
        if written is not None:
            for entry in written:
                yield entry if entry.filename == name else replace(entry, filename=name)
            continue
        for record, rest, offset, length in iter_parsed(path):
            http = record.http_headers if record.rec_type in ("response", "request",
                                                              "revisit") else None
            entry = make_entry(
                record.rec_type, record.rec_headers.get_header,
                http.get_statuscode() if http else None,
                http.get_header("Content-Type") if http else None,
                lambda rest=rest: rest, length=length, offset=offset, filename=name)
            if entry is not None:
                yield entry


def find_warc_files(inputs: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """THE rule for "WARC files or folders" arguments (every command and reader uses it).

    A file is taken as given; a folder is searched, subfolders included (a crawl folder's
    WARCs are in ``DIR/warc/``), for names ending in ``WARC_SUFFIXES``, in path order.
    Unfinished ``.open`` files are skipped; a path named twice counts once. Raises
    ArchiveError (one line) when nothing is given, a path does not exist, or a folder
    holds no WARC file.
    """
    given = [Path(p) for p in inputs]
    if not given:
        raise ArchiveError("no WARC files or folders given")
    out: list[Path] = []
    for path in given:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.name.endswith(WARC_SUFFIXES) and p.is_file())
            if not found:
                unfinished = sum(1 for p in path.rglob("*.open") if p.is_file())
                hint = (f"; {unfinished} unfinished *.open file(s): a crawl still running, "
                        f"or killed (`newsarchive repair {path}`)") if unfinished else ""
                raise ArchiveError(f"{path}: no WARC files (*.warc.gz, *.warc) in this "
                                   f"folder{hint}")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise ArchiveError(f"{path}: no such file or folder")
    return list(dict.fromkeys(out))


def not_modified(entry: CdxjEntry) -> bool:
    """A revisit of a 304 (server-not-modified): a check, not a capture a replay engine
    can serve (pywb serves any 3xx revisit as is: an empty 304, ukwa/ukwa-pywb#40)."""
    return entry.mime == "warc/revisit" and entry.status == "304"


def cdxj_lines(paths: Iterable[str | os.PathLike[str]], *,
               dir_root: str | os.PathLike[str] | None = None,
               replay: bool = False) -> list[str]:
    """Sorted CDXJ lines (no newline) for the WARC files. ``replay``: the index a replay
    engine is given (WACZ, pywb): without :func:`not_modified` revisits, so a request for
    that moment gets the closest full capture, whose payload the server confirmed."""
    return sorted(e.to_line() for e in iter_entries(paths, dir_root=dir_root)
                  if not (replay and not_modified(e)))


def write_cdxj(paths: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *,
               dir_root: str | os.PathLike[str] | None = None, replay: bool = False) -> int:
    """Write the sorted index of ``paths`` to ``out`` atomically; return the line count."""
    return _write_lines(cdxj_lines(paths, dir_root=dir_root, replay=replay), out)


def update_cdxj(paths: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str]) -> int:
    """What :func:`write_cdxj` writes, reusing ``out``'s own lines for the files it already
    covers: a re-crawl into an archive of any size reads only the WARCs written since.

    A file counts as covered when it is not newer than ``out``; its lines are kept (they
    are sorted, so the two parts are merged, not sorted again). Lines of files that are
    gone or newer than ``out`` (a repaired ``.open`` file, say) are dropped, and every
    file not covered is indexed anew (every file, without a readable ``out``). The files'
    index sidecars (:mod:`archive.sidecar`) are removed once their lines are in ``out``."""
    out = Path(out)
    files = [Path(p) for p in paths]
    try:
        written = out.stat().st_mtime
        covered = {f.name for f in files if f.stat().st_mtime <= written}
        kept = [e.to_line() for e in read_cdxj(out) if e.filename in covered]
    except (OSError, ArchiveError):
        covered, kept = set(), []
    fresh = cdxj_lines(f for f in files if f.name not in covered)
    count = _write_lines(list(heapq.merge(kept, fresh)), out)
    for f in files:  # their lines are in the index now
        sidecar.remove(f)
    return count


def _write_lines(lines: list[str], out: str | os.PathLike[str]) -> int:
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            for line in lines:
                fh.write(line + "\n")
        os.replace(tmp, out)
    except OSError as exc:
        with contextlib.suppress(OSError):  # never leave a half index behind
            tmp.unlink(missing_ok=True)
        raise ArchiveError(f"cannot write index {out}: {exc.strerror or exc}") from exc
    return len(lines)


def read_cdxj(path: str | os.PathLike[str]) -> Iterator[CdxjEntry]:
    """The entries of a CDXJ file, one at a time (comment and blank lines skipped)."""
    try:
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip() and not line.startswith("!"):
                    yield CdxjEntry.from_line(line, f"{path}:{number}")
    except OSError as exc:
        raise ArchiveError(f"cannot read index {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ArchiveError(f"{path}: index is not UTF-8 text") from exc


class CdxjIndex:
    """An in-memory CDXJ index: ``load(path)``, ``from_warcs(paths)``, ``lookup(url)``.

    ``search_dirs`` are where ``path_of(entry)`` looks for an entry's WARC file; ``load``
    adds the index's folder and its ``warc/`` subfolder, ``from_warcs`` each WARC's folder.
    """

    def __init__(self, entries: Iterable[CdxjEntry], search_dirs: Iterable[Path] = ()) -> None:
        self.entries: list[CdxjEntry] = sorted(entries)
        self._keys = [e.urlkey for e in self.entries]
        self.search_dirs = list(search_dirs)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CdxjIndex:
        path = Path(path)
        return cls(read_cdxj(path), [path.parent, path.parent / "warc"])

    @classmethod
    def from_warcs(cls, paths: Iterable[str | os.PathLike[str]]) -> CdxjIndex:
        files = find_warc_files(paths)
        return cls(iter_entries(files), dict.fromkeys(p.parent for p in files))

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, url: str) -> list[CdxjEntry]:
        """Captures of ``url``, latest first.

        All entries sharing the URL's SURT key are returned (SURT folds ``www.``, scheme,
        query order ...); those whose ``url`` is exactly the one asked come first.
        """
        key = url_key(url)
        lo = bisect.bisect_left(self._keys, key)
        hi = bisect.bisect_right(self._keys, key)
        found = self.entries[lo:hi]
        wanted = warc_target_uri(url)
        found.sort(key=lambda e: capture_rank(e.timestamp, 0, e.offset), reverse=True)
        return sorted(found, key=lambda e: e.url != wanted)

    def path_of(self, entry: CdxjEntry) -> Path:
        """The WARC file holding ``entry``; ArchiveError if none of the folders has it."""
        for folder in self.search_dirs:
            candidate = Path(folder) / entry.filename
            if candidate.is_file():
                return candidate
        raise ArchiveError(f"WARC file {entry.filename} not found in "
                           f"{', '.join(str(d) for d in self.search_dirs) or 'no folder'}")


# --------------------------------------------------------------------- latest capture


def capture_rank(stamp: str, file_rank: int, offset: int) -> tuple[str, int, int]:
    """Sort key of a capture: the largest is the latest. WARC-Date has second precision,
    so captures within one second (a retried 503 and its 200) are ordered by the file's
    place among the inputs, then by offset: the later one wins."""
    return (stamp, file_rank, offset)


@dataclass(frozen=True, slots=True)
class CaptureLocation:
    """Where a capture sits, and what the index knows of it (no body kept)."""

    path: Path
    offset: int
    url: str
    status: int
    mime: str      # media type, lower case, no parameters ('' when unknown)
    rank: tuple[str, int, int] = field(repr=False)


Accept = Callable[[int, str], bool]  # (status, mime) -> consider this capture?


def fresh_index(folder: Path, files: Iterable[Path]) -> Path | None:
    """``folder/index.cdxj`` when it exists and is newer than every WARC it covers."""
    index = folder / "index.cdxj"
    try:
        mtime = index.stat().st_mtime
        return index if all(f.stat().st_mtime <= mtime for f in files) else None
    except OSError:
        return None


class LatestCaptures:
    """URL (as in WARC-Target-URI) -> :class:`CaptureLocation` of its latest response.

    ``sources`` are WARC files or folders (:func:`find_warc_files`). A folder whose
    ``index.cdxj`` is up to date is read from the index (no WARC is opened), anything
    else by one pass over its WARCs. ``accept(status, mime)`` restricts which captures
    count (e.g. only 200 HTML and redirects): a later capture that is not accepted does
    not hide an earlier accepted one. Revisit and non-response records never count.
    Only the exact URL is matched: SURT folding (http/https, www, query order) would
    answer with another URL's capture.

    The table is kept on disk (:class:`archive.scratch.CaptureTable`, a temporary file
    that :meth:`close` removes; a ``with`` block closes it): memory does not grow with
    the archive. Raises ArchiveError when that file cannot be written.
    """

    def __init__(self, sources: Iterable[str | os.PathLike[str]],
                 accept: Accept | None = None) -> None:
        self._accept = accept
        self.files: list[Path] = []
        self.from_cdxj: list[Path] = []
        self._table = CaptureTable()
        try:
            for source in map(Path, sources):
                files = find_warc_files([source])
                first_rank = len(self.files)
                self.files.extend(files)
                index = fresh_index(source, files) if source.is_dir() else None
                if index is not None:
                    self._add_cdxj(index, files, first_rank)
                    self.from_cdxj.append(index)
                else:
                    self._add_scan(files, first_rank)
            self._table.finish()
        except BaseException:
            self._table.close()
            raise

    def _offer(self, url: str, rank: int, offset: int, status: int, mime: str,
               stamp: str) -> None:
        if self._accept is None or self._accept(status, mime):
            self._table.offer(url, rank, offset, status, mime, stamp)

    def _add_scan(self, files: list[Path], first_rank: int) -> None:
        for rank, path in enumerate(files, first_rank):
            for capture in iter_captures([path]):
                self._offer(capture.url, rank, capture.offset, capture.status,
                            media_type(capture.content_type),
                            capture.fetched_at.strftime("%Y%m%d%H%M%S"))

    def _add_cdxj(self, index_path: Path, files: list[Path], first_rank: int) -> None:
        by_name = {f.name: rank for rank, f in enumerate(files, first_rank)}
        for entry in read_cdxj(index_path):  # one at a time: memory stays flat
            if entry.status is None or entry.mime == "warc/revisit":
                continue  # only response records answer for a URL
            rank = by_name.get(Path(entry.filename).name)
            if rank is None or not entry.status.isdigit():
                continue
            self._offer(entry.url, rank, entry.offset, int(entry.status),
                        (entry.mime or "").lower(), entry.timestamp)

    def _location(self, row: Row) -> CaptureLocation:
        url, rank, offset, status, mime, stamp = row
        return CaptureLocation(self.files[rank], offset, url, status, mime,
                               capture_rank(stamp, rank, offset))

    def __len__(self) -> int:
        return len(self._table)

    def __iter__(self) -> Iterator[CaptureLocation]:
        """Every URL's latest capture, in the order the URLs were first seen (read from
        disk as iterated)."""
        return map(self._location, self._table)

    def get(self, url: str) -> CaptureLocation | None:
        """The latest capture of exactly ``url`` (or of its WARC-Target-URI spelling)."""
        row = self._table.get(url)
        if row is None:
            try:
                spelled = warc_target_uri(url)
            except Exception:  # noqa: BLE001 - an unusable URL is simply not archived
                return None
            row = self._table.get(spelled) if spelled != url else None
        return None if row is None else self._location(row)

    def close(self) -> None:
        """Drop the table (and its temporary file)."""
        self._table.close()

    def __enter__(self) -> LatestCaptures:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
