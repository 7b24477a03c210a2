"""Near-duplicate removal: word shingles of the normalised text, MinHash LSH (datasketch)
with the band index in SQLite, candidates confirmed on the exact shingle sets.

Runs after :func:`crawler.export.selection.select` on the ``keys`` table: among the
records still kept, the earliest capture of a group of near-identical texts wins.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib

from crawler.export.options import ExportOptions
from crawler.export.selection import KEPT, NEAR_DUP, normalise_text
from crawler.export.sources import Sources
from crawler.export.summary import Progress
from crawler.extract.textnorm import WORD_RE


def shingles(text: str, size: int) -> set[bytes]:
    """Word n-grams of the normalised text (the whole text if shorter than n words)."""
    words = [w.encode("utf-8") for w in WORD_RE.findall(normalise_text(text or ""))]
    if not words:
        return set()
    if len(words) <= size:
        return {b" ".join(words)}
    # the shorter tails end the zip: one gram per window of `size` words
    return {b" ".join(gram) for gram in zip(*(words[k:] for k in range(size)), strict=False)}


class _BandKeys:
    """Record shingles -> LSH band keys (one signed 64-bit key per band)."""

    def __init__(self, options: ExportOptions) -> None:
        from datasketch import MinHash, MinHashLSH  # a maintained MinHash/LSH library

        # Candidates are confirmed exactly, so the banding is tuned for recall: a lower
        # threshold and false negatives weighted 4x (at 0.9 this finds ~99% of the pairs of
        # Jaccard 0.9, against ~31% with the library's defaults).
        params = MinHashLSH(threshold=max(0.5, options.near_threshold - 0.1),
                            num_perm=options.num_perm, weights=(0.2, 0.8))
        self.ranges = params.hashranges
        # One set of permutations for all (the constructor would draw them again each
        # time), and CRC-32 as the shingle hash: it only has to map distinct shingles to
        # distinct 32-bit values, the random affine permutations do the hashing proper,
        # and LSH candidates are confirmed exactly. ~3.5x faster than the default SHA-1.
        self.minhash = MinHash
        self.num_perm = options.num_perm
        self.template = MinHash(num_perm=options.num_perm)
        self.extra = {"scheme": self.template.scheme} \
            if hasattr(self.template, "scheme") else {}

    def __call__(self, grams: set[bytes]) -> list[int]:
        mh = self.minhash(num_perm=self.num_perm, permutations=self.template.permutations,
                          hashfunc=zlib.crc32, **self.extra)
        mh.update_batch(list(grams))
        hv = mh.hashvalues
        return [int.from_bytes(hashlib.blake2b(hv[a:b].tobytes(), digest_size=8,
                                               person=i.to_bytes(2, "big")).digest(),
                               "big", signed=True) for i, (a, b) in enumerate(self.ranges)]


def near_dedup(db: sqlite3.Connection, sources: Sources, options: ExportOptions,
               progress: Progress) -> None:
    """MinHash LSH over kept records, earliest capture first; a record whose shingle set
    has Jaccard >= threshold with an earlier kept record of another canonical_url is a
    near duplicate. LSH candidates are confirmed on the exact shingle sets (read back
    from the JSONL by offset), so LSH false positives never drop a row.

    MinHash and the band/row split come from datasketch; the band index lives in the
    SQLite table ``bands`` instead of datasketch's in-memory dicts (its other storage
    back-ends are Redis and Cassandra), because those dicts cost ~3 KB per record and
    grow with the archive, while the SQLite page cache is bounded."""
    band_keys = _BandKeys(options)
    db.execute("CREATE TABLE bands (key INTEGER, rid INTEGER)")
    db.execute("CREATE INDEX bands_key ON bands (key)")
    marks = ",".join("?" * len(band_keys.ranges))
    total = db.execute(f"SELECT COUNT(*) FROM keys WHERE status = '{KEPT}' "
                       "AND hash IS NOT NULL").fetchone()[0]
    rows = db.execute(f"""SELECT rid, src, off, canonical_url FROM keys
        WHERE status = '{KEPT}' AND hash IS NOT NULL ORDER BY fetched_at, rid""")
    dups: list[tuple[int]] = []   # written after the loop: no UPDATE under a live SELECT
    for n, (rid, src, off, canonical) in enumerate(rows, 1):
        progress.tick("near-duplicate check", n, total)
        grams = shingles(sources.read(src, off).get("text") or "", options.shingle_words)
        if not grams:
            continue
        keys = band_keys(grams)
        if _has_near_copy(db, sources, options, marks, keys, grams, canonical):
            dups.append((rid,))
        else:
            db.executemany("INSERT INTO bands VALUES (?, ?)", [(k, rid) for k in keys])
    db.executemany(f"UPDATE keys SET status = '{NEAR_DUP}' WHERE rid = ?", dups)
    db.execute("DROP TABLE bands")


def _has_near_copy(db: sqlite3.Connection, sources: Sources, options: ExportOptions,
                   marks: str, keys: list[int], grams: set[bytes], canonical: str) -> bool:
    """Whether an LSH candidate of ``keys`` (an earlier kept record of another
    canonical_url) has Jaccard >= threshold with ``grams``."""
    for (cand,) in db.execute(f"SELECT DISTINCT rid FROM bands WHERE key IN ({marks})",
                              keys).fetchall():
        c_src, c_off, c_url = db.execute(
            "SELECT src, off, canonical_url FROM keys WHERE rid = ?", (cand,)).fetchone()
        if c_url == canonical:
            continue   # another version of the same article (--all-versions)
        other = shingles(sources.read(c_src, c_off).get("text") or "",
                         options.shingle_words)
        if len(grams & other) / len(grams | other) >= options.near_threshold:
            return True
    return False
