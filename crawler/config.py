"""Many sites, one config: the sites file read by ``newsarchive crawl --config FILE`` and
``newsarchive schedule FILE`` (TOML, parsed with the standard library's ``tomllib``).

Pure: reads the one file it is given, starts nothing. Every mistake is a
:class:`~crawler.errors.NewsarchiveError` whose one-line message names the file, the site
(or profile) and the key, and lists the valid keys or values.

Schema (``docs/sites.example.toml`` is a complete example)::

    [defaults]                  # optional: values every [[site]] inherits
    contact = "https://you.example/contact"     # put in the User-Agent (--contact)
    delay = 2.0                 # seconds between requests (--delay; 0..3600)
    concurrency = 2             # parallel requests per site (--concurrency; 1..1000)
    schedule = "0 3 * * *"      # cron expression (5 fields, or @daily ...) or "every 6h"

    [[site]]                    # one table per site; `name` and `url` are required
    name = "kontumtv"           # unique; letters, digits, '-', '_', '.'
    url = "https://kontumtv.vn/"
    profile = "kontumtv"        # crawler.sites.PROFILES or a [[profile]] below
                                # (default: by host, else 'generic')
    out = "archive/kontumtv"    # output folder, relative to this file's folder
                                # (default: out/<name>)
    since = 2025-01-01          # skip older posts (--since; TOML date or string)
    max_pages = 0               # --max-pages (0: no limit)
    settings = { NEWSARCHIVE_MAX_PAGINATION = 500 }   # -s NAME=VALUE
    # and any [defaults] key for this site alone

    [[profile]]                 # a site profile without editing the package: the fields
    name = "baoquangngai"       # of crawler.sites.SiteProfile (name required)
    base_url = "https://baoquangngai.vn/"
    domains = ["baoquangngai.vn", "www.baoquangngai.vn"]
    deny = ['[?&]s=']           # also: start_paths, sitemaps, feeds, allow, language,
                                # description

An interval is ``every N`` + ``s``, ``m``, ``h`` or ``d`` (``every 90m``); a cron
expression is checked with croniter. A site without a schedule is crawled by
``crawl --config`` only; ``schedule`` leaves it out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

from crawler.errors import NewsarchiveError
from crawler.sites import PROFILES, SiteProfile, check_base_url

__all__ = ["Schedule", "SiteConfig", "SitesConfig", "load_config", "parse_config"]

TOP_KEYS = ("defaults", "profile", "site")
DEFAULT_KEYS = ("concurrency", "contact", "delay", "max_pages", "schedule", "settings",
                "since")
SITE_KEYS = tuple(sorted(("name", "url", "profile", "out", *DEFAULT_KEYS)))
PROFILE_KEYS = tuple(sorted(f.name for f in dataclasses.fields(SiteProfile) if f.init))
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_EVERY = re.compile(r"^every\s+(\d+(?:\.\d+)?)\s*([smhd])$", re.IGNORECASE)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclasses.dataclass(frozen=True)
class Schedule:
    """When a site is crawled: a cron expression (``cron``) or an interval (``every``)."""

    text: str
    every: float | None = None
    """Seconds between two starts; None for a cron expression."""

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """The first start after *moment* (aware datetime; cron in its time zone)."""
        if self.every is not None:
            return moment + dt.timedelta(seconds=self.every)
        from croniter import croniter

        return croniter(self.text, moment).get_next(dt.datetime)


@dataclasses.dataclass(frozen=True)
class SiteConfig:
    """One ``[[site]]`` with its defaults applied."""

    name: str
    url: str
    out: Path
    profile: str | None = None
    delay: float | None = None
    concurrency: int | None = None
    contact: str | None = None
    schedule: Schedule | None = None
    since: str | None = None
    max_pages: int = 0
    settings: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class SitesConfig:
    path: Path
    sites: dict[str, SiteConfig]
    profiles: dict[str, SiteProfile]

    def pick(self, name: str | None) -> list[SiteConfig]:
        """All sites in file order, or the one called *name*."""
        if name is None:
            return list(self.sites.values())
        if name not in self.sites:
            raise NewsarchiveError(f"{self.path}: no site {name!r} (sites: "
                                   f"{', '.join(self.sites) or 'none'})")
        return [self.sites[name]]


def load_config(path: str | Path) -> SitesConfig:
    """Read and validate the sites file at *path*."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NewsarchiveError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise NewsarchiveError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise NewsarchiveError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, path)


def parse_config(data: dict[str, Any], path: Path) -> SitesConfig:
    """Validate the parsed TOML *data* of the file *path* (folders are relative to it)."""
    _keys(data, TOP_KEYS, f"{path}", "top-level")
    defaults = _table(data.get("defaults", {}), f"{path}: [defaults]")
    _keys(defaults, DEFAULT_KEYS, f"{path}: [defaults]", "")
    profiles: dict[str, SiteProfile] = {}
    for i, raw in enumerate(_array(data, "profile", path)):
        profile = _profile(raw, f"{path}: profile #{i + 1}")
        where = f"{path}: profile {profile.name!r}"
        if profile.name in profiles or profile.name in PROFILES:
            raise NewsarchiveError(f"{where}: duplicate profile name (built in: "
                                   f"{', '.join(sorted(PROFILES))})")
        profiles[profile.name] = profile
    sites: dict[str, SiteConfig] = {}
    for i, raw in enumerate(_array(data, "site", path)):
        site = _site({**defaults, **_table(raw, f"{path}: site #{i + 1}")}, path, i,
                     profiles)
        if site.name in sites:
            raise NewsarchiveError(f"{path}: site {site.name!r}: duplicate site name "
                                   f"(site #{i + 1})")
        sites[site.name] = site
    if not sites:
        raise NewsarchiveError(f"{path}: no [[site]] table (keys: {', '.join(SITE_KEYS)})")
    return SitesConfig(path, sites, profiles)


def _site(raw: dict[str, Any], path: Path, index: int,
          profiles: dict[str, SiteProfile]) -> SiteConfig:
    name = raw.get("name")
    where = f"{path}: site {name!r}" if isinstance(name, str) else f"{path}: site #{index + 1}"
    _keys(raw, SITE_KEYS, where, "")
    for key in ("name", "url"):
        if key not in raw:
            raise NewsarchiveError(f"{where}: missing key {key!r} (keys: {', '.join(SITE_KEYS)})")
    name = _str(raw, "name", where)
    if not _NAME.match(name):
        raise NewsarchiveError(f"{where}: key 'name': use letters, digits, '.', '-', '_'")
    url = _str(raw, "url", where)
    try:
        check_base_url(url)
    except NewsarchiveError as exc:
        raise NewsarchiveError(f"{where}: key 'url': {exc}") from None
    profile = raw.get("profile")
    if profile is not None and _str(raw, "profile", where) not in {*PROFILES, *profiles}:
        raise NewsarchiveError(f"{where}: key 'profile': unknown profile {profile!r} "
                               f"(valid: {', '.join(sorted({*PROFILES, *profiles}))})")
    out = Path(_str(raw, "out", where)) if "out" in raw else Path("out") / name
    return SiteConfig(
        name=name, url=url, out=out if out.is_absolute() else path.resolve().parent / out,
        profile=profile, delay=_number(raw, "delay", where, "DOWNLOAD_DELAY", float),
        concurrency=_number(raw, "concurrency", where, "CONCURRENT_REQUESTS", int),
        contact=_str(raw, "contact", where) if "contact" in raw else None,
        schedule=_schedule(raw, where), since=_since(raw, where),
        max_pages=_number(raw, "max_pages", where, None, int) or 0,
        settings=_settings(raw, where))


def _profile(raw: Any, where: str) -> SiteProfile:
    raw = _table(raw, where)
    if isinstance(raw.get("name"), str):
        where = f"{where.rsplit(': ', 1)[0]}: profile {raw['name']!r}"
    _keys(raw, PROFILE_KEYS, where, "")
    if "name" not in raw:
        raise NewsarchiveError(f"{where}: missing key 'name' (keys: {', '.join(PROFILE_KEYS)})")
    values: dict[str, Any] = {"base_url": "http://localhost/", "domains": ()}
    for key, value in raw.items():
        if key in ("name", "base_url", "language", "description"):
            values[key] = _str(raw, key, where)
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise NewsarchiveError(f"{where}: key {key!r}: expected a list of strings")
        else:
            values[key] = tuple(value)
    if not _NAME.match(values["name"]):
        raise NewsarchiveError(f"{where}: key 'name': use letters, digits, '.', '-', '_'")
    try:
        values["base_url"] = check_base_url(values["base_url"])
        return SiteProfile(**values)
    except NewsarchiveError as exc:
        raise NewsarchiveError(f"{where}: {exc}") from None


def _schedule(raw: dict[str, Any], where: str) -> Schedule | None:
    if "schedule" not in raw:
        return None
    text = " ".join(_str(raw, "schedule", where).split())
    match = _EVERY.match(text)
    if match:
        seconds = float(match[1]) * _UNIT[match[2].lower()]
        if seconds < 60:
            raise NewsarchiveError(f"{where}: key 'schedule': interval {text!r} is under a "
                                   f"minute")
        return Schedule(text, every=seconds)
    from croniter import croniter

    if not croniter.is_valid(text):
        raise NewsarchiveError(
            f"{where}: key 'schedule': {text!r} is neither a cron expression ('MIN HOUR DAY "
            f"MONTH WEEKDAY', '@daily') nor an interval ('every 6h'; units s, m, h, d)")
    return Schedule(text)


def _since(raw: dict[str, Any], where: str) -> str | None:
    from crawler.discovery import parse_since

    value = raw.get("since")
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    if not isinstance(value, str):
        raise NewsarchiveError(f"{where}: key 'since': expected a date (YYYY-MM-DD)")
    try:
        parse_since(value)
    except NewsarchiveError as exc:
        raise NewsarchiveError(f"{where}: key 'since': {exc}") from None
    return value


def _settings(raw: dict[str, Any], where: str) -> tuple[tuple[str, str], ...]:
    table = _table(raw.get("settings", {}), f"{where}: key 'settings'")
    out = []
    for key, value in table.items():
        if isinstance(value, bool):
            value = "True" if value else "False"
        elif not isinstance(value, (str, int, float)):
            raise NewsarchiveError(f"{where}: key 'settings': {key!r} must be a string, "
                                   f"number or boolean")
        out.append((key, str(value)))
    return tuple(out)


def _number(raw: dict[str, Any], key: str, where: str, pace: str | None,
            kind: type) -> Any:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or (kind is int and not isinstance(value, int)):
        wanted = "an integer" if kind is int else "a number"
        raise NewsarchiveError(f"{where}: key {key!r}: expected {wanted}")
    low, high = (0, float("inf"))
    if pace:
        from crawler.limits import PACE_RANGES

        low, high, _kind = PACE_RANGES[pace]
    if not low <= value <= high:
        raise NewsarchiveError(f"{where}: key {key!r}: {value} is outside {low:g}..{high:g}")
    return kind(value)


def _str(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise NewsarchiveError(f"{where}: key {key!r}: expected a non-empty string")
    return value.strip()


def _keys(raw: dict[str, Any], valid: tuple[str, ...], where: str, kind: str) -> None:
    unknown = sorted(set(raw) - set(valid))
    if unknown:
        raise NewsarchiveError(f"{where}: unknown {kind + ' ' if kind else ''}key "
                               f"{unknown[0]!r} (valid: {', '.join(valid)})")


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise NewsarchiveError(f"{where}: expected a table")
    return value


def _array(data: dict[str, Any], key: str, path: Path) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise NewsarchiveError(f"{path}: {key!r} must be an array of tables ([[{key}]])")
    return value
