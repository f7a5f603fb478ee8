"""The join link as a QR code: inline SVG for the pages, block characters for a terminal.

segno draws it (pure Python, no image library). Dark modules on a white ground with the quiet
zone, whatever the page's colour scheme: phone cameras read dark-on-light best.
"""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, *, scale: int = 5) -> str:
    """An inline ``<svg>`` of ``url`` (no XML declaration; safe to embed: only the URL is encoded)."""
    code = segno.make(url, error="m")
    return str(code.svg_inline(scale=scale, dark="#000", light="#fff", border=4))


def qr_text(url: str) -> str:
    """``url`` as a QR code of block characters, for a terminal or the console's projector view."""
    code = segno.make(url, error="m")
    out = io.StringIO()
    code.terminal(out=out, compact=True, border=2)
    return out.getvalue()
