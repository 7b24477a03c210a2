"""``crawler.config``: the sites file (TOML) parsed and validated, one-line errors that name
the file, the site and the key; ``crawl --config`` refuses a bad file with exit 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.cli import main as cli_main
from crawler.commands.schedule import crawl_argv
from crawler.config import SITE_KEYS, load_config
from crawler.errors import NewsarchiveError
from crawler.sites import profile_from_setting, resolve_site
from tests.conftest import REPO

GOOD = """
[defaults]
delay = 1.5
schedule = "every 6h"

[[site]]
name = "kontumtv"
url = "https://kontumtv.vn/"
profile = "kontumtv"

[[site]]
name = "quangngai"
url = "https://baoquangngai.vn/"
out = "/srv/archive/qn"
schedule = "0 3 * * *"
delay = 0
concurrency = 3
contact = "https://me.example/"
since = 2025-01-01
max_pages = 10
settings = { NEWSARCHIVE_MAX_PAGINATION = 50, ROBOTSTXT_OBEY = true }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_with_defaults_and_argv(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    kontum, qn = config.sites["kontumtv"], config.sites["quangngai"]
    assert kontum.out == tmp_path.resolve() / "out" / "kontumtv"
    assert kontum.delay == 1.5 and kontum.schedule.every == 6 * 3600
    assert qn.out == Path("/srv/archive/qn") and qn.delay == 0.0 and qn.since == "2025-01-01"
    assert crawl_argv(qn, config, ["-v"])[3:] == [
        "crawl", "https://baoquangngai.vn/", "--out", "/srv/archive/qn", "--delay", "0.0",
        "--concurrency", "3", "--contact", "https://me.example/", "--since", "2025-01-01",
        "--max-pages", "10", "-s", "NEWSARCHIVE_MAX_PAGINATION=50",
        "-s", "ROBOTSTXT_OBEY=True", "-v"]
    start = dt.datetime(2025, 6, 1, 3, 0, tzinfo=dt.UTC)
    assert qn.schedule.next_after(start) == dt.datetime(2025, 6, 2, 3, 0, tzinfo=dt.UTC)
    assert [s.name for s in config.pick(None)] == ["kontumtv", "quangngai"]
    assert [s.name for s in config.pick("quangngai")] == ["quangngai"]


def test_example_file_parses() -> None:
    config = load_config(REPO / "docs" / "sites.example.toml")
    assert list(config.sites) == ["kontumtv", "baoquangngai"]
    assert config.profiles["tintaynguyen"].deny == ("[?&]s=", "/tag/")
    for site in config.sites.values():
        assert site.schedule is not None
        crawl_argv(site, config)


SITE = '[[site]]\nname = "a"\nurl = "https://a.example/"\n'


@pytest.mark.parametrize("text, message", [
    (SITE + 'colour = "red"\n',
     f"site 'a': unknown key 'colour' (valid: {', '.join(SITE_KEYS)})"),
    (SITE + 'schedule = "61 * * * *"\n', "site 'a': key 'schedule': '61 * * * *' is neither"),
    (SITE + 'schedule = "every 10s"\n', "interval 'every 10s' is under a minute"),
    ('[[site]]\nname = "b"\n', "site 'b': missing key 'url' (keys: "),
    (SITE + SITE, "site 'a': duplicate site name (site #2)"),
    (SITE + 'url2 = 1\n', "unknown key 'url2'"),
    (SITE + "delay = -1\n", "site 'a': key 'delay': -1 is outside 0..3600"),
    (SITE + 'concurrency = "4"\n', "site 'a': key 'concurrency': expected an integer"),
    (SITE + 'profile = "nope"\n', "key 'profile': unknown profile 'nope' (valid: generic, "),
    (SITE + 'since = "yesterday"\n', "key 'since': bad --since date"),
    ('[[site]]\nname = "a"\nurl = "ftp://a/"\n', "site 'a': key 'url': not an http(s) URL"),
    ('[defaults]\nurl = "https://a/"\n' + SITE, "[defaults]: unknown key 'url' (valid: "),
    ('[sites]\n', "unknown top-level key 'sites' (valid: defaults, profile, site)"),
    ('', "no [[site]] table"),
    ('[[site\n', "not valid TOML"),
    ('[[profile]]\nname = "kontumtv"\n' + SITE, "profile 'kontumtv': duplicate profile name"),
    ('[[profile]]\nname = "p"\ndeny = ["("]\n' + SITE, "profile 'p': site profile 'p': bad "),
    ('[[profile]]\nname = "p"\nhosts = []\n' + SITE,
     "profile 'p': unknown key 'hosts' (valid: allow, base_url, deny, description, "),
])
def test_bad_file_is_one_line_naming_file_site_and_key(tmp_path: Path, text: str,
                                                       message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(NewsarchiveError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: "), str(info.value)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_profile_defined_in_the_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[[profile]]\nname = "p"\ndomains = ["a.example"]\n'
                                         'allow = ["^/tin/"]\n' + SITE + 'profile = "p"\n'))
    profile = config.profiles["p"].bind("https://a.example/")
    assert profile.allowed_page("/tin/x/") and not profile.allowed_page("/video/x/")
    argv = crawl_argv(config.sites["a"], config)  # the file's profile goes to the crawl
    setting = argv[argv.index("-s") + 1]
    assert setting.startswith("NEWSARCHIVE_PROFILE=") and argv[argv.index("--site") + 1] == "p"
    carried = profile_from_setting(setting.partition("=")[2])
    assert carried == config.profiles["p"]
    bound = resolve_site("https://a.example/", "p", carried)
    assert bound.allowed_page("/tin/x/") and not bound.allowed_page("/video/x/")
    with pytest.raises(NewsarchiveError, match="unknown site profile 'p'"):
        resolve_site("https://a.example/", "p")  # without the setting: one line, as before


@pytest.mark.parametrize("text, message", [
    (SITE + 'colour = "red"\n', "site 'a': unknown key 'colour' (valid: "),
    (SITE + 'schedule = "not cron"\n', "key 'schedule'"),
    ('[[site]]\nname = "b"\n', "site 'b': missing key 'url'"),
    (SITE + SITE, "duplicate site name"),
])
def test_crawl_config_bad_file_exit_2_one_line(tmp_path: Path, capsys: pytest.CaptureFixture,
                                               text: str, message: str) -> None:
    path = write(tmp_path, text)
    assert cli_main(["crawl", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"newsarchive crawl: error: {path}: ") and message in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "out").exists()


def test_crawl_config_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write(tmp_path, SITE)
    assert cli_main(["crawl", "--config", str(path), "--site", "zz"]) == 2
    assert "no site 'zz' (sites: a)" in capsys.readouterr().err
    assert cli_main(["crawl", "--config", str(path), "https://a.example/"]) == 2
    assert "--config takes the URL" in capsys.readouterr().err
    assert cli_main(["schedule", str(path)]) == 2
    assert "no site has a 'schedule'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:  # without --config: unchanged
        cli_main(["crawl", "https://a.example/"])
    assert info.value.code == 2
    assert "required: --out/-o" in capsys.readouterr().err
