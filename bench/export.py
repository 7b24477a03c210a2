"""Benchmark: dataset export (articles/s, peak memory) against an all-in-memory baseline.

Input: N synthetic article records in the Article schema (Vietnamese text of ~350 words
from a syllable vocabulary, 2% exact duplicates under other URLs, 2% near duplicates, 2%
edited re-captures), written as DIR/articles.jsonl; the same at 4N to show that memory
stays flat while the input grows. Each measurement runs in a fresh subprocess (peak RSS
= its ru_maxrss):

- ``export:<fmt>``: ``crawler.export.export_dataset`` with the Article schema (default
  selection: latest versions, exact + near dedup), for jsonl, parquet and csv;
- ``export:parquet-no-near``: the same without near-duplicate detection (its cost);
- ``baseline``: ``json.loads`` of every line into a list, rows made, then one
  ``pyarrow.Table.from_pylist`` of everything and ``pq.write_table`` (no dedup, no
  sort): the naive way, everything in memory.

    .venv/bin/python bench/export.py                  # N = 2000 (and 8000), ~1 minute
    .venv/bin/python bench/export.py --articles 50000 # the 50,000-article site (and 200,000)

The machine is shared: keep default runs short.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SYLLABLES = (
    "tỉnh kon tum huyện xã đồng bào dân tộc phát triển kinh tế xã hội năm nay hội nghị "
    "tổng kết công tác ủy ban nhân dân cán bộ đảng viên thanh niên nông thôn mới giảm "
    "nghèo bền vững cây cà phê cao su sâm ngọc linh mắc ca du lịch văn hóa cồng chiêng "
    "lễ hội mừng lúa mới già làng người dân học sinh trường giáo dục y tế bệnh viện "
    "giao thông đường quốc lộ mưa lũ thiên tai phòng chống an ninh quốc phòng biên giới "
    "đầu tư doanh nghiệp hợp tác xã sản xuất chế biến thu hoạch thị trường giá cả").split()


def synthesize(folder: Path, n: int, seed: int = 7) -> Path:
    """DIR/articles.jsonl with n records (plus duplicates and re-captures)."""
    from crawler.items import Article, Image, Provenance, article_to_dict

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "articles.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            kind = rng.random()
            url = f"http://kontumtv.test/thoi-su/bai-viet-{i}/"
            words = [rng.choice(SYLLABLES) for _ in range(350)]
            if kind < 0.02 and i > 10:        # exact duplicate of an earlier article
                rng2 = random.Random(seed * 1000 + i - 5)
                words = [rng2.choice(SYLLABLES) for _ in range(350)]
            elif kind < 0.04 and i > 10:      # near duplicate: a few words changed
                rng2 = random.Random(seed * 1000 + i - 7)
                words = [rng2.choice(SYLLABLES) for _ in range(350)]
                words[100:103] = ["sửa", "đổi", "nhỏ"]
            else:
                rng2 = random.Random(seed * 1000 + i)
                words = [rng2.choice(SYLLABLES) for _ in range(350)]
            text = "\n".join(" ".join(words[k:k + 50]).capitalize() + "."
                             for k in range(0, 350, 50))
            versions = 2 if 0.04 <= kind < 0.06 else 1
            for v in range(versions):
                art = Article(
                    id=f"{i:016x}", url=url, canonical_url=url,
                    title=f"Tin số {i}: " + " ".join(words[:8]), text=text + (
                        "\nCập nhật lúc 10 giờ." if v else ""),
                    language="vi", site_name="Đài PT-TH Kon Tum", authors=["Thanh Tùng"],
                    date_published=f"20{10 + i % 14:02d}-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
                                   f"T{i % 24:02d}:15:00+07:00",
                    categories=[["Thời sự", "Kinh tế", "Văn hóa", "Xã hội"][i % 4]],
                    tags=["Kon Tum"], images=[Image(url=f"http://kontumtv.test/{i}.jpg",
                                                    caption="Ảnh minh họa")],
                    word_count=350, extractor_version="bench",
                    provenance=[Provenance(
                        warc_filename="bench-00000.warc.gz", warc_offset=i * 4096,
                        warc_length=4000, warc_record_id=f"<urn:uuid:{i:032x}>",
                        warc_payload_digest="sha1:AAAA", url=url,
                        fetched_at=f"2024-06-{1 + v:02d}T{i // 3600 % 24:02d}:"
                                   f"{i // 60 % 60:02d}:{i % 60:02d}Z")])
                out.write(json.dumps(article_to_dict(art), ensure_ascii=False) + "\n")
    return folder


CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
mode, src, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
from crawler.export import rows as dataset
t0 = time.perf_counter()
rows = 0
if mode == "baseline":
    import pyarrow as pa, pyarrow.parquet as pq
    with open(src / "articles.jsonl", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    table = pa.Table.from_pylist([dataset.article_row(r) for r in records])
    out.mkdir()
    pq.write_table(table, out / "all.parquet", compression="zstd")
    rows = table.num_rows
else:
    from crawler.export import ExportOptions, export_dataset
    fmt = mode.split(":", 1)[1]
    near = not fmt.endswith("-no-near")
    fmt = fmt.removesuffix("-no-near")
    summary = export_dataset([src / "articles.jsonl"], out,
                             options=ExportOptions(fmt=fmt, near_dedup=near),
                             schema=dataset.article_schema(), docs=dataset.field_docs(),
                             to_row=dataset.article_row)
    rows = summary.rows
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "rows": rows,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

MODES = ("baseline", "export:jsonl", "export:parquet", "export:csv", "export:parquet-no-near")


def measure(mode: str, src: Path, out: Path) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(src), str(out), str(REPO)],
                          capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000,
                        help="N (the run also measures 4N); 50000 for the generated site")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="comma-separated subset of " + ", ".join(MODES))
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        results: dict[tuple[str, int], dict[str, float]] = {}
        sizes = (args.articles, 4 * args.articles)
        for n in sizes:
            t0 = time.perf_counter()
            src = synthesize(Path(tmp) / f"src-{n}", n)
            lines = sum(1 for _ in open(src / "articles.jsonl", encoding="utf-8"))
            mb = (src / "articles.jsonl").stat().st_size / 2**20
            print(f"input N={n}: {lines:,} records, {mb:.1f} MB "
                  f"(made in {time.perf_counter() - t0:.1f}s)", flush=True)
            for i, mode in enumerate(modes):
                r = measure(mode, src, Path(tmp) / f"out-{n}-{i}")
                r["rate"] = lines / r["seconds"]
                results[(mode, n)] = r
                print(f"  {mode:24s} {r['seconds']:7.2f}s {r['rate']:9,.0f} records/s  "
                      f"peak RSS {r['maxrss_mb']:7.1f} MB  rows {int(r['rows']):,}",
                      flush=True)
        print()
        print(f"{'mode':24s} {'rate/baseline':>14s} {'RSS ' + str(sizes[0]):>11s} "
              f"{'RSS ' + str(sizes[1]):>11s} {'RSS growth':>11s}")
        for mode in modes:
            base = results.get(("baseline", sizes[1]))
            ratio = results[(mode, sizes[1])]["rate"] / base["rate"] if base else float("nan")
            a, b = results[(mode, sizes[0])]["maxrss_mb"], results[(mode, sizes[1])]["maxrss_mb"]
            print(f"{mode:24s} {ratio:13.2f}x {a:9.1f}MB {b:9.1f}MB {b / a:10.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
