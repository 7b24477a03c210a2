"""Extraction quality: our extractor vs plain trafilatura, side by side, in one run.

    .venv/bin/python bench/extraction_quality.py [--sets gold,scrapinghub,trafilatura]
        [--limit N] [--workers 2] [--option prefer_container=false ...]

Sets (the benchmark data sits beside the checkout in ../shared/benchmarks, read-only;
``NEWSARCHIVE_SHARED`` overrides the location; nothing is cached or written):

- ``gold``: the fixture gold articles (fixtures/<site>/gold/articles/*.json, pages 2..N
  of multi-page posts joined, routes.json headers applied): text 4-gram shingle F1
  against the gold text, exact match of every "expected" field, and the number of
  articles containing a boilerplate string (gold boilerplate.txt + each article's
  "forbidden" list); sequential (60 pages);
- ``scrapinghub``: scrapinghub/article-extraction-benchmark, 181 pages, scored as its
  SOURCE.md describes (tokens ``\\w+``; per-document 4-gram shingle TP/FP/FN normalised
  to sum 1; precision and recall are means over documents; F1 their harmonic mean;
  accuracy = exact token sequence; ± = bootstrap std of F1, 1000 resamples);
- ``trafilatura``: the trafilatura evaluation corpus, 990 pages, "with"/"without"
  snippets, micro-averaged (whitespace-normalised substring test), on all pages and on
  the 192 pages holding a WordPress comment form;
- ``fundus`` (real-pages/fundus: 170 pages of 120 publishers, ground truth from fundus's
  per-publisher parsers) and ``htmldate`` (real-pages/htmldate: 799 pages with their
  publication day), scored as real-pages/SOURCE.md says: body 4-gram shingle F1/P/R
  (tokens ``\\w+`` of the NFC lower-cased text; truth = summary + section headlines +
  paragraphs), title exact after HTML-unescape
  and whitespace folding, date exact to the day, authors as a set (case-folded); plus
  *leak lines*: lines of the output sharing no 4-gram (no token sequence, for lines of
  fewer than 4 tokens) with the truth and shorter than 25 tokens (menus, share bars,
  newsletter calls, "Read more", bylines: long unmatched lines are mostly paragraphs the
  truth parser left out; SOURCE.md defines no such measure: it is this bench's own, and
  many of the lines it counts are list items, tables, subheads and bylines of the
  story that the truth parsers leave out). Plain trafilatura's title, date and authors
  come from the same single ``bare_extraction(include_comments=False,
  with_metadata=True)`` call as its text.

The baseline is ``trafilatura.extract(html, include_comments=False)`` (reached through
``crawler.extract.baseline_text``, and ``baseline_record`` for the real-pages sets:
``crawler/extract/body.py`` is the only module importing trafilatura). Multiprocessing uses
at most 2 workers (shared machine); ms/page is the CPU time per page inside a worker.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import html as htmllib
import json
import os
import random
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from crawler.extract import (  # noqa: E402
    DEFAULT_OPTIONS,
    ExtractOptions,
    baseline_record,
    baseline_text,
    extract_page,
    join_pages,
)

SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", REPO.parent / "shared"))
BENCHMARKS = SHARED / "benchmarks"
SCRAPINGHUB = BENCHMARKS / "scrapinghub-article-extraction-benchmark"
TRAFILATURA_EVAL = BENCHMARKS / "trafilatura-eval"
REAL_PAGES = BENCHMARKS / "real-pages"
FIXTURES = REPO / "fixtures"
MAX_WORKERS = 2

# --- scorers ----------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"\w+")


def tokens(text: str | None) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def folded_tokens(text: str | None) -> list[str]:
    """Tokens ``\\w+`` of the NFC lower-cased text: how real-pages/SOURCE.md scores. (A
    page in decomposed Unicode, "u" + U+0308, would otherwise split every "ü" into two
    tokens in the truth and in plain trafilatura's output but not in ours, which is NFC.)"""
    return _TOKEN_RE.findall(unicodedata.normalize("NFC", text or "").lower())


def shingles(text: str | None, n: int = 4, *, fold: bool = False) -> Counter:
    """Multiset of n-token shingles (a text shorter than n tokens is one shingle);
    ``fold``: of :func:`folded_tokens`."""
    toks = folded_tokens(text) if fold else tokens(text)
    grams = [tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1))]
    return Counter(g for g in grams if g)


def shingle_tp_fp_fn(truth: str | None, pred: str | None, *, fold: bool = False
                     ) -> tuple[float, float, float]:
    """Per-document TP/FP/FN of 4-gram shingles, normalised to sum 1 (0s when both empty);
    ``fold``: shingles of NFC lower-cased text (the real-pages sets)."""
    true_s, pred_s = shingles(truth, fold=fold), shingles(pred, fold=fold)
    tp = sum((true_s & pred_s).values())
    fp = sum((pred_s - true_s).values())
    fn = sum((true_s - pred_s).values())
    total = tp + fp + fn
    if total:
        return tp / total, fp / total, fn / total
    return 0.0, 0.0, 0.0


def shingle_scores(rows: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(precision, recall, F1): precision and recall are means over documents."""
    precisions, recalls = [], []
    for tp, fp, fn in rows:
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bootstrap_f1_std(rows: Sequence[tuple[float, float, float]], rounds: int = 1000,
                     seed: int = 0) -> float:
    rng = random.Random(seed)
    values = []
    for _ in range(rounds):
        sample = [rows[rng.randrange(len(rows))] for _ in rows]
        values.append(shingle_scores(sample)[2])
    mean = sum(values) / len(values)
    return (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5


def _ws(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclasses.dataclass
class SnippetCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, output: str | None, with_: Iterable[str], without: Iterable[str]) -> None:
        text = _ws(output)
        for snippet in with_:
            if _ws(snippet) in text:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in without:
            if _ws(snippet) in text:
                self.fp += 1
            else:
                self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0


# --- data sets --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Page:
    key: str
    url: str
    path: Path
    gzipped: bool


def scrapinghub_pages(limit: int | None = None) -> tuple[list[Page], dict[str, str]]:
    truth = json.loads((SCRAPINGHUB / "ground-truth.json").read_text("utf-8"))
    keys = sorted(truth)[:limit] if limit else sorted(truth)
    pages = [Page(k, truth[k].get("url") or "", SCRAPINGHUB / "html" / f"{k}.html.gz", True)
             for k in keys]
    return pages, {k: truth[k]["articleBody"] for k in keys}


def trafilatura_pages(limit: int | None = None) -> tuple[list[Page], dict[str, dict]]:
    data = json.loads((TRAFILATURA_EVAL / "evaldata.json").read_text("utf-8"))
    keys = sorted(data)[:limit] if limit else sorted(data)
    pages = []
    for url in keys:
        name = data[url]["file"] + ".gz"
        path = TRAFILATURA_EVAL / "cache" / name
        if not path.exists():
            path = TRAFILATURA_EVAL / "eval" / name
        pages.append(Page(url, url, path, True))
    return pages, {k: data[k] for k in keys}


def gold_articles() -> list[tuple[Page, dict, list[str], dict]]:
    """(page, gold entry, site boilerplate strings, routes.json) per fixture gold article."""
    out = []
    for gold_dir in sorted(FIXTURES.glob("*/gold")):
        site = gold_dir.parent
        routes = json.loads((site / "routes.json").read_text("utf-8"))
        origin = routes["origin"].rstrip("/")
        boiler_file = gold_dir / "boilerplate.txt"
        boiler = [line.strip() for line in boiler_file.read_text("utf-8").splitlines()
                  if line.strip() and not line.startswith("#")] if boiler_file.exists() else []
        for path in sorted((gold_dir / "articles").glob("*.json")):
            entry = json.loads(path.read_text("utf-8"))
            url = entry["expected"]["url"]
            out.append((Page(path.stem, url, gold_html_path(site, url, origin), False),
                        entry, boiler, routes))
    return out


def gold_html_path(site: Path, url: str, origin: str) -> Path:
    """fixtures/<site>/site/<path>/index.html for a gold URL under the placeholder origin."""
    rel = url[len(origin):] if url.startswith(origin) else url
    rel = rel.split("?", 1)[0].split("#", 1)[0].strip("/")
    return site / "site" / rel / "index.html" if rel else site / "site" / "index.html"


def _gold_run(page: Page, expected: dict, routes: dict, options: ExtractOptions
              ) -> tuple[str, str, float, float, dict | None]:
    """Our record (pages 2..N joined, routes.json headers applied) and plain trafilatura
    on each page (texts joined by '\n'), with the time each took."""
    origin = routes["origin"].rstrip("/")
    ours_parts, base_parts, ours_time, base_time = [], [], 0.0, 0.0
    for number in range(1, int(expected.get("page_count", 1)) + 1):
        path = page.path if number == 1 else page.path.parent / str(number) / "index.html"
        url = page.url if number == 1 else page.url.rstrip("/") + f"/{number}/"
        rel = url[len(origin):].split("?", 1)[0]
        headers = routes.get("headers", {}).get(rel, {})
        html = path.read_bytes()
        start = time.perf_counter()
        result = extract_page(html, url, headers, options=options)
        ours_time += time.perf_counter() - start
        start = time.perf_counter()
        base_parts.append(baseline_text(html, url))
        base_time += time.perf_counter() - start
        if result.article is not None:
            ours_parts.append(result.article)
    record = dataclasses.asdict(join_pages(ours_parts)) if ours_parts else None
    text = record["text"] if record else ""
    return text, "\n".join(p for p in base_parts if p), ours_time, base_time, record


def read_page(page: Page) -> bytes:
    raw = page.path.read_bytes()
    return gzip.decompress(raw) if page.gzipped else raw


# --- running ----------------------------------------------------------------------------


def _run_one(job: tuple[Page, ExtractOptions]) -> tuple[str, str, str, float, float, dict | None]:
    page, options = job
    html = read_page(page)
    start = time.perf_counter()
    result = extract_page(html, page.url, options=options)
    ours_time = time.perf_counter() - start
    start = time.perf_counter()
    base = baseline_text(html, page.url or None)
    base_time = time.perf_counter() - start
    ours = result.article.text if result.article else ""
    record = dataclasses.asdict(result.article) if result.article else None
    return page.key, ours, base, ours_time, base_time, record


def run_pages(pages: Sequence[Page], options: ExtractOptions, workers: int = MAX_WORKERS
              ) -> dict[str, tuple[str, str, float, float, dict | None]]:
    jobs = [(page, options) for page in pages]
    workers = max(1, min(workers, MAX_WORKERS))
    if workers == 1 or len(jobs) < 8:
        results = [_run_one(job) for job in jobs]
    else:
        with Pool(workers) as pool:
            results = pool.map(_run_one, jobs, chunksize=4)
    return {key: (ours, base, t1, t2, rec) for key, ours, base, t1, t2, rec in results}


@dataclasses.dataclass
class Row:
    name: str
    pages: int
    ours: str
    base: str
    ours_f1: float
    base_f1: float
    ours_time: float
    base_time: float
    note: str = ""


def score_scrapinghub(limit: int | None, options: ExtractOptions, workers: int) -> list[Row]:
    pages, truth = scrapinghub_pages(limit)
    results = run_pages(pages, options, workers)
    rows = []
    ours_rows = [shingle_tp_fp_fn(truth[k], results[k][0]) for k in truth]
    base_rows = [shingle_tp_fp_fn(truth[k], results[k][1]) for k in truth]
    accuracy = [sum(tokens(truth[k]) == tokens(results[k][i]) for k in truth) / len(truth)
                for i in (0, 1)]
    p1, r1, f1 = shingle_scores(ours_rows)
    p2, r2, f2 = shingle_scores(base_rows)
    rows.append(Row(
        "scrapinghub (shingle F1)", len(pages),
        f"F1 {f1:.3f} ±{bootstrap_f1_std(ours_rows):.3f} P {p1:.3f} R {r1:.3f} "
        f"acc {accuracy[0]:.3f}",
        f"F1 {f2:.3f} ±{bootstrap_f1_std(base_rows):.3f} P {p2:.3f} R {r2:.3f} "
        f"acc {accuracy[1]:.3f}",
        f1, f2, sum(v[2] for v in results.values()), sum(v[3] for v in results.values())))
    return rows


def score_trafilatura(limit: int | None, options: ExtractOptions, workers: int) -> list[Row]:
    pages, data = trafilatura_pages(limit)
    results = run_pages(pages, options, workers)
    wp_keys = {p.key for p in pages if _has_comment_form(read_page(p))}
    rows = []
    for name, keys in (("trafilatura-eval (snippets, micro)", [p.key for p in pages]),
                       ("  ... pages with a WP comment form", [p.key for p in pages
                                                               if p.key in wp_keys])):
        counts = [SnippetCounts(), SnippetCounts()]
        for key in keys:
            for i in (0, 1):
                counts[i].add(results[key][i], data[key]["with"], data[key]["without"])
        desc = [f"F1 {c.f1:.3f} P {c.precision:.3f} R {c.recall:.3f} "
                f"(TP {c.tp} FP {c.fp} FN {c.fn} TN {c.tn})" for c in counts]
        rows.append(Row(name, len(keys), desc[0], desc[1], counts[0].f1, counts[1].f1,
                        sum(results[k][2] for k in keys), sum(results[k][3] for k in keys)))
    return rows


_COMMENT_FORM_ID_RE = re.compile(rb"""id=["']?commentform""")


def _has_comment_form(html: bytes) -> bool:
    """A WordPress comment form: ``id="commentform"`` or a ``comment-respond`` block
    (192 of the 990 pages, the count SOURCE.md gives)."""
    return b"comment-respond" in html or _COMMENT_FORM_ID_RE.search(html) is not None


def score_gold(options: ExtractOptions, workers: int) -> list[Row]:
    if not any(FIXTURES.glob("*/gold/articles/*.json")):
        return [Row("fixture gold", 0, "-", "-", 0.0, 0.0, 0.0, 0.0,
                    note="skipped: no fixtures/<site>/gold/articles/*.json yet")]
    entries = gold_articles()
    results = {page.key: _gold_run(page, entry["expected"], routes, options)
               for page, entry, _, routes in entries}
    ours_rows, base_rows = [], []
    leaks = [0, 0]
    field_hits = field_total = 0
    for page, entry, boiler, _ in entries:
        ours, base, _, _, record = results[page.key]
        expected = entry["expected"]
        ours_rows.append(shingle_tp_fp_fn(expected.get("text", ""), ours))
        base_rows.append(shingle_tp_fp_fn(expected.get("text", ""), base))
        forbidden = list(boiler) + list(entry.get("forbidden", []))
        for i, text in enumerate((ours, base)):
            if any(s in text for s in forbidden):
                leaks[i] += 1
        for name, value in expected.items():
            field_total += 1
            field_hits += record is not None and record.get(name) == value
    f1 = shingle_scores(ours_rows)[2]
    f2 = shingle_scores(base_rows)[2]
    n = len(entries)
    return [Row("fixture gold (shingle F1)", n,
                f"F1 {f1:.3f}, boilerplate in {leaks[0]}/{n}, fields {field_hits}/{field_total}",
                f"F1 {f2:.3f}, boilerplate in {leaks[1]}/{n}", f1, f2,
                sum(v[2] for v in results.values()), sum(v[3] for v in results.values()))]


# --- real pages (fundus, htmldate) --------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Truth:
    """What a real page's ground truth says (None: not given)."""

    text: str | None = None
    title: str | None = None
    date: str | None = None
    authors: tuple[str, ...] | None = None


def _fundus_text(version: dict) -> str:
    body = version.get("body") or {}
    parts = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
    return "\n".join(parts)


def _version_score(page_text: str, version: dict) -> int:
    """How well a fundus parser version's truth matches a page (title, paragraphs)."""
    score = 10 if _ws(htmllib.unescape(version.get("title") or "")) in page_text else 0
    paragraphs = [p for s in (version.get("body") or {}).get("sections") or []
                  for p in s.get("paragraphs") or []][:8]
    return score + sum(_ws(p)[:40] in page_text for p in paragraphs if len(p) >= 40)


def fundus_pages(limit: int | None = None) -> list[tuple[Page, Truth, str | None]]:
    """(page, truth, crawl date as ISO 8601 UTC) per fundus test page; a publisher's
    parser versions are matched to its pages by the title and paragraphs they contain."""
    out = []
    for meta_file in sorted((REAL_PAGES / "fundus").glob("*/meta.info")):
        meta = json.loads(meta_file.read_text("utf-8"))
        by_publisher: dict[str, list[str]] = {}
        for name in sorted(meta):
            if not (meta_file.parent / name).exists():
                continue  # listed upstream, not in this copy
            by_publisher.setdefault(name.rsplit("_", 3)[0], []).append(name)
        for publisher, names in sorted(by_publisher.items()):
            versions = list(json.loads(
                (meta_file.parent / f"{publisher}.json").read_text("utf-8")).values())
            texts = {n: _ws(htmllib.unescape(gzip.decompress(
                (meta_file.parent / n).read_bytes()).decode("utf-8", "replace")))
                for n in names}
            pairs = sorted(((_version_score(texts[n], v), -i, -j, n, i)
                            for j, n in enumerate(names) for i, v in enumerate(versions)),
                           reverse=True)
            used_pages: set[str] = set()
            used_versions: set[int] = set()
            for _, _, _, name, index in pairs:
                if name in used_pages or index in used_versions:
                    continue
                used_pages.add(name)
                used_versions.add(index)
                v = versions[index]
                truth = Truth(_fundus_text(v), v.get("title"),
                              (v.get("publishing_date") or "")[:10] or None,
                              tuple(v.get("authors") or ()))
                crawl = meta[name].get("crawl_date")
                fetched = crawl.replace(" ", "T")[:19] + "Z" if crawl else None
                key = f"{meta_file.parent.name}/{name.removesuffix('.html.gz')}"
                out.append((Page(key, meta[name]["url"], meta_file.parent / name, True),
                            truth, fetched))
    out.sort(key=lambda item: item[0].key)
    return out[:limit] if limit else out


def htmldate_pages(limit: int | None = None) -> list[tuple[Page, Truth, str | None]]:
    """(page, truth with the date only, None) per htmldate evaluation page present."""
    data = json.loads((REAL_PAGES / "htmldate" / "eval_default.json").read_text("utf-8"))
    out = []
    for url in sorted(data):
        path = REAL_PAGES / "htmldate" / "eval" / (data[url]["file"] + ".gz")
        if path.exists():
            out.append((Page(url, url, path, True), Truth(date=data[url]["date"]), None))
    return out[:limit] if limit else out


def _run_real(job: tuple[Page, str | None, ExtractOptions]
              ) -> tuple[str, dict, dict, float, float]:
    page, fetched, options = job
    html = read_page(page)
    start = time.perf_counter()
    article = extract_page(html, page.url, fetched_at=fetched, options=options).article
    ours_time = time.perf_counter() - start
    start = time.perf_counter()
    plain = baseline_record(html, page.url or None)
    base_time = time.perf_counter() - start
    ours = {"text": "", "title": None, "date": None, "authors": [], "source": None}
    if article is not None:
        ours = {"text": article.text, "title": article.title, "date": article.date_published,
                "authors": article.authors,
                "source": getattr(article, "date_published_source", None)}
    return page.key, ours, plain, ours_time, base_time


def _title_key(value: str | None) -> str:
    return _ws(htmllib.unescape(value or ""))


def _author_key(names: Iterable[str] | None) -> frozenset[str]:
    return frozenset(_ws(htmllib.unescape(n)).casefold() for n in names or () if n.strip())


def leak_lines(truth: str, output: str, max_tokens: int = 25) -> list[str]:
    """Lines of ``output`` (fewer than ``max_tokens`` tokens) sharing no 4-gram shingle with
    ``truth`` (a line of fewer than 4 tokens: its token sequence is not in the truth)."""
    truth_tokens = [t.casefold() for t in folded_tokens(truth)]
    truth_grams = {tuple(truth_tokens[i:i + 4]) for i in range(len(truth_tokens) - 3)}
    truth_joined = " " + " ".join(truth_tokens) + " "
    leaked = []
    for line in (output or "").split("\n"):
        toks = [t.casefold() for t in folded_tokens(line)]
        if not toks or len(toks) >= max_tokens:
            continue
        if len(toks) < 4:
            found = " " + " ".join(toks) + " " in truth_joined
        else:
            found = any(tuple(toks[i:i + 4]) in truth_grams for i in range(len(toks) - 3))
        if not found:
            leaked.append(line)
    return leaked


@dataclasses.dataclass
class RealScore:
    """One extractor's scores on a real-pages set."""

    pages: int
    f1: float | None
    precision: float | None
    recall: float | None
    titles: int
    dates: int
    authors: int
    leaks: int
    ms: float
    sources: Counter


def _score_real(items: Sequence[tuple[Page, Truth, str | None]], results: dict, index: int
                ) -> RealScore:
    rows, titles, dates, authors, leaks, total, sources = [], 0, 0, 0, 0, 0.0, Counter()
    for page, truth, _ in items:
        record = results[page.key][index]
        total += results[page.key][2 + index]
        if truth.text is not None:
            rows.append(shingle_tp_fp_fn(truth.text, record["text"], fold=True))
            leaks += len(leak_lines(truth.text, record["text"]))
        titles += truth.title is not None and _title_key(truth.title) == _title_key(
            record["title"])
        dates += truth.date is not None and (record["date"] or "")[:10] == truth.date
        authors += truth.authors is not None and _author_key(truth.authors) == _author_key(
            record["authors"])
        if index == 0:
            sources[record.get("source") or "none"] += 1
    p, r, f1 = shingle_scores(rows) if rows else (None, None, None)
    return RealScore(len(items), f1, p, r, titles, dates, authors, leaks,
                     1000 * total / max(1, len(items)), sources)


def score_real(name: str, limit: int | None, options: ExtractOptions, workers: int
               ) -> list[tuple[str, RealScore, RealScore]]:
    items = fundus_pages(limit) if name == "fundus" else htmldate_pages(limit)
    jobs = [(page, fetched, options) for page, _, fetched in items]
    if workers <= 1 or len(jobs) < 8:
        done = [_run_real(job) for job in jobs]
    else:
        with Pool(min(workers, MAX_WORKERS)) as pool:
            done = pool.map(_run_real, jobs, chunksize=4)
    results = {key: (ours, plain, t1, t2) for key, ours, plain, t1, t2 in done}
    return [(name, _score_real(items, results, 0), _score_real(items, results, 1))]


def print_real_table(rows: Sequence[tuple[str, RealScore, RealScore]],
                     out: Callable[[str], None] = print) -> None:
    out("| real pages | extractor | pages | body F1 | P | R | titles | dates | authors "
        "| leak lines | ms/page |")
    out("|---|---|---|---|---|---|---|---|---|---|---|")

    def share(count: int, n: int) -> str:
        return f"{count} ({100 * count / n:.1f}%)" if n else "-"

    for name, ours, plain in rows:
        body = name == "fundus"
        for label, s in (("newsarchive", ours), ("plain trafilatura", plain)):
            cells = [f"{s.f1:.3f}", f"{s.precision:.3f}", f"{s.recall:.3f}"] if body \
                else ["-", "-", "-"]
            out(f"| {name} | {label} | {s.pages} | " + " | ".join(cells) + " | "
                + (f"{share(s.titles, s.pages)} | " if body else "- | ")
                + f"{share(s.dates, s.pages)} | "
                + (f"{share(s.authors, s.pages)} | {s.leaks} | " if body else "- | - | ")
                + f"{s.ms:.1f} |")
    for name, ours, _ in rows:
        out(f"{name}: date sources (newsarchive): "
            + ", ".join(f"{k} {v}" for k, v in ours.sources.most_common()))


def print_table(rows: Sequence[Row], out: Callable[[str], None] = print) -> None:
    out("| set | pages | newsarchive | plain trafilatura | ΔF1 | time ours/plain |")
    out("|---|---|---|---|---|---|")
    for row in rows:
        if row.note:
            out(f"| {row.name} | {row.pages} | {row.note} | | | |")
            continue
        ratio = row.ours_time / row.base_time if row.base_time else 0.0
        out(f"| {row.name} | {row.pages} | {row.ours} | {row.base} | "
            f"{row.ours_f1 - row.base_f1:+.3f} | {ratio:.2f}x |")


def parse_options(values: Sequence[str]) -> ExtractOptions:
    fields = {f.name: f.type for f in dataclasses.fields(ExtractOptions)}
    changes: dict[str, object] = {}
    for item in values:
        name, _, raw = item.partition("=")
        if name not in fields:
            raise SystemExit(f"unknown option {name!r}; valid: {', '.join(fields)}")
        current = getattr(DEFAULT_OPTIONS, name)
        if isinstance(current, bool):
            changes[name] = raw.lower() in ("1", "true", "yes", "on")
        else:
            changes[name] = type(current)(raw)
    return dataclasses.replace(DEFAULT_OPTIONS, **changes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="gold,scrapinghub,trafilatura,fundus,htmldate",
                        help="comma-separated: gold, scrapinghub, trafilatura, fundus, "
                             "htmldate")
    parser.add_argument("--limit", type=int, default=None,
                        help="first N pages of each benchmark (sorted by id)")
    parser.add_argument("--workers", type=int, default=MAX_WORKERS,
                        help=f"worker processes (at most {MAX_WORKERS})")
    parser.add_argument("--option", action="append", default=[],
                        help="ExtractOptions override, e.g. prefer_container=false")
    args = parser.parse_args(argv)
    options = parse_options(args.option)
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    valid = {"gold", "scrapinghub", "trafilatura", "fundus", "htmldate"}
    if set(sets) - valid:
        raise SystemExit(f"unknown set(s) {sorted(set(sets) - valid)}; valid: {sorted(valid)}")
    rows: list[Row] = []
    started = time.perf_counter()
    if "gold" in sets:
        rows += score_gold(options, args.workers)
    if "scrapinghub" in sets:
        if SCRAPINGHUB.exists():
            rows += score_scrapinghub(args.limit, options, args.workers)
        else:
            rows.append(Row("scrapinghub", 0, "", "", 0, 0, 0, 0, note=f"{SCRAPINGHUB} absent"))
    if "trafilatura" in sets:
        if TRAFILATURA_EVAL.exists():
            rows += score_trafilatura(args.limit, options, args.workers)
        else:
            rows.append(Row("trafilatura-eval", 0, "", "", 0, 0, 0, 0,
                            note=f"{TRAFILATURA_EVAL} absent"))
    real_rows = []
    for name in ("fundus", "htmldate"):
        if name in sets and (REAL_PAGES / name).exists():
            real_rows += score_real(name, args.limit, options, args.workers)
        elif name in sets:
            rows.append(Row(name, 0, "", "", 0, 0, 0, 0, note=f"{REAL_PAGES / name} absent"))
    print(f"options: {options}")
    print_table(rows)
    if real_rows:
        print()
        print_real_table(real_rows)
    print(f"wall time {time.perf_counter() - started:.1f} s, workers {args.workers}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
