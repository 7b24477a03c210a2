"""A fixture folder as the replay server sees it: routes, safe path lookup, cached answers.

Layout and ``routes.json`` format: docs/ARCHITECTURE.md, "Fixture sites". ``DIR/site/``
is the document root; without a ``site/`` subfolder ``DIR`` itself is served (still
reading ``DIR/routes.json`` if present, and never serving it or ``DIR/gold/``).

Every answer is computed once and kept in a byte-bounded LRU cache (body, its gzip form
and the pre-rendered header block), so a 50,000-article generated site is served without
loading it all into memory. Placeholder-origin rewriting happens when an answer is built,
so ETags hash the bytes actually served.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import stat
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, unquote_to_bytes, urlsplit

from archive import httputil
from archive.errors import ArchiveError
from archive.replay_faults import Fault, FaultBook

INDEX_FILES = ("index.html", "index.xml", "index.htm")
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024
# nginx's default gzip_comp_level; level 6 costs ~3x the CPU on every cache miss, and a
# crawl fetches each URL once, so misses are the common case.
GZIP_LEVEL = 1
_FRAMING_HEADERS = {"content-length", "transfer-encoding", "connection", "keep-alive",
                    "date", "server", "etag", "last-modified", "vary"}
_ROUTE_KEYS = {"origin", "redirects", "headers", "not_found", "last_modified", "faults"}
_DEFAULT_404 = (b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title>"
                b"</head><body><h1>404 Not Found</h1></body></html>\n")


@dataclass(slots=True)
class Answer:
    """One cacheable response: status, headers and body (identity and, maybe, gzip)."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None = None
    last_modified: float | None = None
    gz_body: bytes | None = None
    gz_etag: str | None = None
    vary: bool = False
    head_identity: bytes = field(default=b"", repr=False)
    head_gzip: bytes = field(default=b"", repr=False)

    def finish(self) -> Answer:
        """Pre-render the header blocks (everything but status line, Date, Connection)."""
        common = list(self.headers)
        if self.last_modified is not None:
            common.append(("Last-Modified", httputil.http_date(self.last_modified)))
        if self.vary:
            common.append(("Vary", "Accept-Encoding"))
        ident = common + ([("ETag", self.etag)] if self.etag else [])
        ident.append(("Content-Length", str(len(self.body))))
        self.head_identity = httputil.render_headers(ident)
        if self.gz_body is not None:
            gz = common + [("Content-Encoding", "gzip")]
            gz += [("ETag", self.gz_etag)] if self.gz_etag else []
            gz.append(("Content-Length", str(len(self.gz_body))))
            self.head_gzip = httputil.render_headers(gz)
        return self

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gz_body or b"") + 512


def _etag(body: bytes, suffix: str = "") -> str:
    return f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}{suffix}"'


def decode_path(path: str) -> str | None:
    """Percent-decode a request path to text (UTF-8); None when it is not valid UTF-8.

    ``path`` is the path as received, decoded from the wire as latin-1 (so raw UTF-8
    bytes survive); a path given as ordinary text (from routes.json or a caller) works too.
    """
    try:
        raw = path.encode("latin-1")
    except UnicodeEncodeError:
        raw = path.encode("utf-8")
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _header_safe(value: str) -> bool:
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return "\r" not in value and "\n" not in value


class Routes:
    """``routes.json``, validated; every error names the file and the bad key."""

    def __init__(self, data: dict, where: str) -> None:
        if not isinstance(data, dict):
            raise ArchiveError(f"{where}: must be a JSON object")
        unknown = set(data) - _ROUTE_KEYS
        if unknown:
            raise ArchiveError(f"{where}: unknown key(s) {sorted(unknown)}; "
                               f"valid keys: {sorted(_ROUTE_KEYS)}")
        self.origin: str | None = data.get("origin")
        if self.origin is not None:
            parts = urlsplit(self.origin) if isinstance(self.origin, str) else None
            if not parts or parts.scheme not in ("http", "https") or not parts.netloc \
                    or parts.path not in ("", "/"):
                raise ArchiveError(f"{where}: 'origin' must look like 'http://site.test', "
                                   f"got {self.origin!r}")
            self.origin = self.origin.rstrip("/")
        redirects = data.get("redirects", {})
        if not isinstance(redirects, dict):
            raise ArchiveError(f"{where}: 'redirects' must map path to [target, status]")
        self.redirects: dict[str, tuple[str, int]] = {}
        for key, value in redirects.items():
            if isinstance(value, str):
                value = [value, 301]
            if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], str)
                    or value[1] not in (301, 302, 303, 307, 308)):
                raise ArchiveError(f"{where}: redirect {key!r} must be [target, status] with "
                                   f"status 301, 302, 303, 307 or 308; got {value!r}")
            self.redirects[key] = (value[0], value[1])
        # Keys may be written percent-encoded or not: index both forms.
        for key in list(self.redirects):
            self.redirects.setdefault(unquote(key), self.redirects[key])
        headers = data.get("headers", {})
        if not isinstance(headers, dict) or not all(
                isinstance(v, dict) and all(isinstance(x, str) for x in v.values())
                for v in headers.values()):
            raise ArchiveError(f"{where}: 'headers' must map path to {{header: value}}")
        for path, fields in headers.items():
            for name, value in fields.items():
                if name.lower() in _FRAMING_HEADERS:
                    raise ArchiveError(f"{where}: header {name!r} of {path!r} is set by the "
                                       f"server; 'headers' may not override "
                                       f"{', '.join(sorted(_FRAMING_HEADERS))}")
                if not _header_safe(name) or not name or ":" in name or not _header_safe(value):
                    raise ArchiveError(f"{where}: header {name!r} of {path!r} must be "
                                       f"Latin-1 text without line breaks")
        self.headers: dict[str, dict[str, str]] = {unquote(k): v for k, v in headers.items()}
        self.not_found: str | None = data.get("not_found")
        if self.not_found is not None and not isinstance(self.not_found, str):
            raise ArchiveError(f"{where}: 'not_found' must be a file name such as '404.html'")
        self.last_modified: float | None = None
        if data.get("last_modified") is not None:
            try:
                self.last_modified = httputil.parse_iso_timestamp(str(data["last_modified"]))
            except ValueError:
                raise ArchiveError(f"{where}: 'last_modified' must be an ISO 8601 date-time, "
                                   f"got {data['last_modified']!r}") from None
        faults = data.get("faults", [])
        if not isinstance(faults, list):
            raise ArchiveError(f"{where}: 'faults' must be a list of fault objects")
        self.faults = [Fault.from_obj(f, f"{where} faults[{i}]") for i, f in enumerate(faults)]


class FixtureSite:
    """Resolves request targets of one fixture folder to cached :class:`Answer` objects."""

    def __init__(self, directory: str | os.PathLike[str], *, faults: tuple[Fault, ...] = (),
                 cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        directory = Path(directory)
        if not directory.exists():
            raise ArchiveError(f"{directory}: no such fixture folder")
        if not directory.is_dir():
            raise ArchiveError(f"{directory}: not a folder (expected a fixture folder "
                               f"with site/ and routes.json, or a folder of files)")
        self.directory = directory.resolve()
        site = self.directory / "site"
        self.root = site.resolve() if site.is_dir() else self.directory
        routes_path = self.directory / "routes.json"
        data: dict = {}
        if routes_path.is_file():
            try:
                data = json.loads(routes_path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ArchiveError(f"{routes_path}: not valid JSON ({exc})") from None
        self.routes = Routes(data, str(routes_path))
        self.faults = FaultBook([*self.routes.faults, *faults])
        self._root_str = str(self.root)
        self._root_prefix = self._root_str.rstrip(os.sep) + os.sep
        self._hidden: set[str] = {str(routes_path), str(self.directory / "gold")}
        self._not_found_file: Path | None = None
        if self.routes.not_found:
            nf = (self.root / self.routes.not_found).resolve()
            if not nf.is_file() or not nf.is_relative_to(self.root):
                raise ArchiveError(f"{routes_path}: 'not_found' file {self.routes.not_found!r} "
                                   f"is not a file inside {self.root}")
            self._not_found_file = nf
            self._hidden.add(str(nf))
        self.cache_bytes = cache_bytes
        self._cache: OrderedDict[str, Answer] = OrderedDict()
        self._cached = 0
        self._lock = threading.Lock()
        self._rewrites: list[tuple[bytes, bytes]] = []
        self.base = ""
        self._not_found: Answer | None = None

    # -- binding to a server address ------------------------------------------------
    def bind(self, base: str) -> None:
        """Set the server's own origin (``http://127.0.0.1:PORT``); clears the cache."""
        self.base = base.rstrip("/")
        self._rewrites = []
        origin = self.routes.origin
        if origin and origin != self.base:
            host, new_host = urlsplit(origin).netloc, urlsplit(self.base).netloc
            # The origin as written, JSON-escaped (wp-json, JSON-LD), percent-encoded
            # (share links) and protocol-relative (//host, dns-prefetch links).
            pairs = [(origin, self.base),
                     (origin.replace("/", "\\/"), self.base.replace("/", "\\/")),
                     (quote(origin, safe=""), quote(self.base, safe="")),
                     (quote(origin, safe="").replace("%3A", "%3a").replace("%2F", "%2f"),
                      quote(self.base, safe="").replace("%3A", "%3a").replace("%2F", "%2f")),
                     ("//" + host, "//" + new_host)]
            self._rewrites = [(a.encode(), b.encode()) for a, b in pairs]
        with self._lock:
            self._cache.clear()
            self._cached = 0
        self._not_found = None

    def rewrite(self, body: bytes) -> bytes:
        for old, new in self._rewrites:
            if old in body:
                body = body.replace(old, new)
        return body

    def absolute(self, target: str) -> str:
        """``Location`` value for a redirect target (path, or URL on the origin)."""
        # Header values are ASCII on the wire: percent-encode Vietnamese paths (UTF-8),
        # keeping what is already encoded.
        target = quote(target, safe="/:?#[]@!$&'()*+,;=%~")
        if target.startswith("/") and not target.startswith("//"):
            return self.base + target
        return self.rewrite(target.encode("ascii")).decode("ascii")

    # -- lookup ---------------------------------------------------------------------
    def redirect_for(self, target: str) -> tuple[str, int] | None:
        """``(Location, status)`` when routes.json redirects this path+query."""
        hit = self.routes.redirects.get(target)
        if hit is None:
            decoded = decode_path(target)
            if decoded is not None:
                hit = self.routes.redirects.get(decoded)
        if hit is None:
            return None
        return self.absolute(hit[0]), hit[1]

    def lookup(self, path: str) -> Answer | str:
        """The answer for a request path (query already removed).

        Returns an :class:`Answer` (200 or 404), or a string: the path with its trailing
        slash added, meaning "301 to the directory form".
        """
        with self._lock:
            answer = self._cache.get(path)
            if answer is not None:
                self._cache.move_to_end(path)
                return answer
        found = self._resolve(path)
        if isinstance(found, str):
            return found
        try:
            answer = (self._not_found_answer() if found is None
                      else self._file_answer(path, found))
        except OSError:  # vanished or unreadable since it was resolved: as a static host
            return self._not_found_answer()
        if found is not None and answer.size <= self.cache_bytes // 8:
            with self._lock:
                if path not in self._cache:
                    self._cache[path] = answer
                    self._cached += answer.size
                while self._cached > self.cache_bytes and self._cache:
                    _, old = self._cache.popitem(last=False)
                    self._cached -= old.size
        return answer

    def _resolve(self, path: str) -> Path | str | None:
        """File to serve, ``path + '/'`` (directory without slash), or None (404)."""
        decoded = decode_path(path)
        if decoded is None or not decoded.startswith("/") or "\x00" in decoded or "\\" in decoded:
            return None
        segments = decoded[1:].split("/")
        trailing = segments[-1] == ""
        if trailing:
            segments.pop()
        if any(s in ("", ".", "..") for s in segments):
            return None  # traversal, or '//' that a static host would not merge
        # os.path on strings, not pathlib: this runs on every cache miss and pathlib's
        # resolve()/is_relative_to() cost more than reading and gzipping the page.
        real = os.path.realpath(os.path.join(self._root_str, *segments))
        if not self._allowed(real):
            return None
        try:
            mode = os.stat(real).st_mode
        except OSError:
            return None
        if stat.S_ISDIR(mode):
            if not trailing and segments:
                return path + "/"
            for name in INDEX_FILES:
                index = os.path.realpath(os.path.join(real, name))
                if os.path.isfile(index) and self._allowed(index):
                    return Path(index)
            return None
        if trailing or not stat.S_ISREG(mode):
            return None
        return Path(real)

    def _allowed(self, real: str) -> bool:
        """Inside the document root and not hidden (routes.json, gold/, the 404 file)."""
        if not (real == self._root_str or real.startswith(self._root_prefix)):
            return False
        return not any(real == h or real.startswith(h + os.sep) for h in self._hidden)

    def _file_answer(self, path: str, file: Path) -> Answer:
        body = file.read_bytes()
        ctype = httputil.content_type_for(file.suffix, body)
        extra = dict(self.routes.headers.get(decode_path(path) or path, {}))
        for key in list(extra):
            if key.lower() == "content-type":
                ctype = extra.pop(key)
        # A file stored already encoded (routes.json says Content-Encoding) is sent as is.
        encoded = any(k.lower() == "content-encoding" for k in extra)
        compressible = httputil.is_compressible(ctype) and not encoded
        if compressible:
            body = self.rewrite(body)
        last_modified = self.routes.last_modified
        if last_modified is None:
            last_modified = float(int(file.stat().st_mtime))
        answer = Answer(200, [("Content-Type", ctype), *extra.items()], body,
                        etag=_etag(body), last_modified=last_modified)
        if compressible and body:
            answer.gz_body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
            answer.gz_etag = _etag(body, "-gzip")
            answer.vary = True
        return answer.finish()

    def _not_found_answer(self) -> Answer:
        if self._not_found is None:
            if self._not_found_file is not None:
                body = self.rewrite(self._not_found_file.read_bytes())
                ctype = httputil.content_type_for(self._not_found_file.suffix, body)
            else:
                body, ctype = _DEFAULT_404, "text/html; charset=UTF-8"
            answer = Answer(404, [("Content-Type", ctype)], body)
            answer.gz_body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
            answer.vary = True
            self._not_found = answer.finish()
        return self._not_found
