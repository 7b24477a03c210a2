"""Fault injection for the replay server: scripted misbehaviour for chosen paths.

A fault is a JSON object, given in ``routes.json`` under ``"faults"`` (a list) or on the
command line (``newsarchive replay DIR --fault '{...}'``, repeatable)::

    {"match": "/thoi-su/*", "mode": "status", "status": 503, "retry_after": 2, "times": 2}
    {"match": "/video-clip/*", "mode": "reset", "times": 1}
    {"match": "/feed/", "mode": "truncate", "bytes": 100}
    {"match": "/xem-nhieu/", "mode": "delay", "seconds": 1.5, "times": 1}

``match`` is a glob (``fnmatch``; ``*`` also matches ``/``) on the percent-decoded request
path (no query). ``times`` is how many matching requests misbehave before the path is
served normally (absent/null: every request); it is counted per path (``"per": "path"``,
the default) or over all paths the rule matches (``"per": "rule"``). The first rule that
matches and still has requests left applies. Modes:

- ``status``: answer ``status`` (default 503; 429 etc. allowed) with a short body and,
  when ``retry_after`` is given (seconds or an HTTP date), a ``Retry-After`` header.
- ``reset``: abort the connection with a TCP RST, no response at all.
- ``truncate``: the normal response with its full ``Content-Length`` but only ``bytes``
  body bytes (default: half), then the connection is closed.
- ``delay``: wait ``seconds`` (default 1), then answer normally.
"""

from __future__ import annotations

import fnmatch
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from archive.errors import ArchiveError

MODES = ("status", "reset", "truncate", "delay")
_KEYS = {"match", "mode", "status", "retry_after", "times", "per", "bytes", "seconds"}


@dataclass(frozen=True, slots=True)
class Fault:
    match: str
    mode: str
    status: int = 503
    retry_after: str | None = None
    times: int | None = None
    per: str = "path"
    bytes: int | None = None
    seconds: float = 1.0

    @classmethod
    def from_obj(cls, obj: object, where: str) -> Fault:
        """Validate one fault object; errors name ``where`` and list the valid values."""
        if not isinstance(obj, dict):
            raise ArchiveError(f"{where}: a fault must be a JSON object, got {obj!r}")
        unknown = set(obj) - _KEYS
        if unknown:
            raise ArchiveError(f"{where}: unknown fault key(s) {sorted(unknown)}; "
                               f"valid keys: {sorted(_KEYS)}")
        match, mode = obj.get("match"), obj.get("mode")
        if not isinstance(match, str) or not match.startswith(("/", "*")):
            raise ArchiveError(f"{where}: fault 'match' must be a path glob such as "
                               f"'/thoi-su/*', got {match!r}")
        if mode not in MODES:
            raise ArchiveError(f"{where}: fault 'mode' must be one of {', '.join(MODES)}; "
                               f"got {mode!r}")
        status = obj.get("status", 503)
        if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
            raise ArchiveError(f"{where}: fault 'status' must be an HTTP status code, "
                               f"got {status!r}")
        retry_after = obj.get("retry_after")
        if retry_after is not None:
            if isinstance(retry_after, bool) or not isinstance(retry_after, int | str):
                raise ArchiveError(f"{where}: fault 'retry_after' must be seconds or an "
                                   f"HTTP date, got {retry_after!r}")
            retry_after = str(retry_after)
            if not retry_after.isascii() or "\r" in retry_after or "\n" in retry_after:
                raise ArchiveError(f"{where}: fault 'retry_after' must be one line of ASCII, "
                                   f"got {retry_after!r}")
        times = obj.get("times")
        if times is not None and (not isinstance(times, int) or isinstance(times, bool)
                                  or times < 1):
            raise ArchiveError(f"{where}: fault 'times' must be a positive integer or "
                               f"null, got {times!r}")
        per = obj.get("per", "path")
        if per not in ("path", "rule"):
            raise ArchiveError(f"{where}: fault 'per' must be 'path' or 'rule', got {per!r}")
        nbytes = obj.get("bytes")
        if nbytes is not None and (not isinstance(nbytes, int) or isinstance(nbytes, bool)
                                   or nbytes < 0):
            raise ArchiveError(f"{where}: fault 'bytes' must be a non-negative integer, "
                               f"got {nbytes!r}")
        seconds = obj.get("seconds", 1.0)
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise ArchiveError(f"{where}: fault 'seconds' must be a non-negative number, "
                               f"got {seconds!r}")
        return cls(match, mode, status, retry_after, times, per, nbytes, float(seconds))

    @classmethod
    def from_json(cls, text: str, where: str = "--fault") -> Fault:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ArchiveError(f"{where}: not a JSON object ({exc.msg}): {text!r}") from None
        return cls.from_obj(obj, where)


class FaultBook:
    """The fault rules of one server and how many requests each has already spoiled."""

    def __init__(self, faults: Iterable[Fault] = ()) -> None:
        self.faults = tuple(faults)
        self._counts: dict[tuple[int, str], int] = {}
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self.faults)

    def pick(self, path: str) -> Fault | None:
        """The fault to apply to this request (and count it), or None."""
        for i, fault in enumerate(self.faults):
            if not fnmatch.fnmatchcase(path, fault.match):
                continue
            if fault.times is None:
                return fault
            key = (i, path if fault.per == "path" else "")
            with self._lock:
                used = self._counts.get(key, 0)
                if used < fault.times:
                    self._counts[key] = used + 1
                    return fault
        return None
