"""Static assets of the fixture themes: tiny but real JPEG/PNG files, CSS, JS.

Images are assembled byte by byte (no imaging library): a baseline 8x8 grey JPEG with a
comment segment naming the file (so every image differs), and a PNG whose deflate stream
uses stored blocks. zlib/Pillow output can change between library versions, and the
committed fixture must rebuild byte for byte everywhere.
"""

from __future__ import annotations

import struct
import zlib


def jpeg(label: str, shade: int = 0) -> bytes:
    """A valid 8x8 greyscale baseline JPEG; ``label`` goes into a COM segment."""
    com = label.encode("utf-8")[:60000]
    dqt = b"\xff\xdb\x00\x43\x00" + bytes([1] * 64)
    sof = b"\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00"
    bits = bytes([1] + [0] * 15)
    dc_cat = max(0, min(shade, 1))
    dht_dc = b"\xff\xc4\x00\x14\x00" + bits + bytes([dc_cat])
    dht_ac = b"\xff\xc4\x00\x14\x10" + bits + b"\x00"
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    # One block: DC code '0' (+ one magnitude bit '1' when shade), AC code '0' = EOB,
    # padded with 1-bits.
    scan = b"\x5f" if dc_cat else b"\x3f"
    return (b"\xff\xd8"
            + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + b"\xff\xfe" + struct.pack(">H", len(com) + 2) + com
            + dqt + sof + dht_dc + dht_ac + sos + scan + b"\xff\xd9")


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid RGB PNG of one colour, deflate with stored blocks only."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    blocks = []
    for i in range(0, len(raw), 65535):
        chunk = raw[i:i + 65535]
        final = 1 if i + 65535 >= len(raw) else 0
        blocks.append(bytes([final]) + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    data = b"\x78\x01" + b"".join(blocks) + struct.pack(">I", zlib.adler32(raw))

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload)))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


STYLE_CSS = """/*
Theme Name: {name}
Description: Fixture theme in the style of a Vietnamese provincial news site.
Version: 5.2
*/
body{{margin:0;font-family:Arial,Helvetica,sans-serif;color:#222;background:#fff}}
a{{color:#0b4a8b;text-decoration:none}}
.container{{max-width:1170px;margin:0 auto;padding:0 15px}}
.top-bar{{background:#0b4a8b;color:#fff;font-size:13px;padding:6px 0}}
.main-navigation ul{{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap}}
.main-navigation li{{position:relative;padding:10px 14px}}
.sub-menu{{display:none;position:absolute;background:#fff}}
.breaking-news{{border-bottom:1px solid #ddd;padding:6px 0}}
.breaking-title{{background:#c00;color:#fff;padding:2px 8px;margin-right:8px}}
.ticker{{display:inline;list-style:none;margin:0;padding:0}}
.ticker li{{display:inline;margin-right:20px}}
.row{{display:flex;gap:30px}}
.col-md-8{{flex:2}}
.col-md-4{{flex:1}}
.post-thumb img{{width:100%;height:auto}}
.entry-title{{font-size:28px;line-height:1.3}}
.entry-content p{{line-height:1.6;text-align:justify}}
.wp-caption{{max-width:100%}}
.wp-caption-text{{font-style:italic;text-align:center;color:#555}}
.share-buttons a{{margin-right:8px}}
.page-links{{margin:20px 0;font-weight:bold}}
.comment-list{{list-style:none;padding:0}}
.site-footer{{background:#0b4a8b;color:#fff;padding:20px 0;margin-top:30px}}
.site-footer a{{color:#fff}}
"""

MAIN_JS = """/* {name}: menu toggle and ticker */
(function () {{
  var toggle = document.querySelector('.menu-toggle');
  if (toggle) {{
    toggle.addEventListener('click', function () {{
      document.getElementById('primary-menu').classList.toggle('toggled');
    }});
  }}
}})();
"""

JQUERY_JS = """/*! jQuery placeholder for the offline fixture site (not the real library) */
window.jQuery = window.$ = function (sel) {{ return document.querySelectorAll(sel); }};
"""
