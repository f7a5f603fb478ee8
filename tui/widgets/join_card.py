"""How phones find the drill room: the QR code, the join code in big letters, and the address to type.

One widget serves the projector view and the facilitator's room dialog. A QR code of the join link
is 19 rows of half blocks; the terminal may be too short for it beside what else must show, so the
caller says whether there is room (:attr:`JoinCard.qr_fits`), and without it the card says how many
rows the code needs. The join code is drawn in letters three rows tall, so the back of the room can
read it off the projector: a terminal has one font size, so the letters are made of blocks.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.i18n import tr

GLYPHS: dict[str, tuple[str, ...]] = {
    "A": (".###.", "#...#", "#####", "#...#", "#...#"),
    "C": (".####", "#....", "#....", "#....", ".####"),
    "D": ("####.", "#...#", "#...#", "#...#", "####."),
    "E": ("#####", "#....", "####.", "#....", "#####"),
    "F": ("#####", "#....", "####.", "#....", "#...."),
    "G": (".####", "#....", "#.###", "#...#", ".###."),
    "H": ("#...#", "#...#", "#####", "#...#", "#...#"),
    "J": ("..###", "....#", "....#", "#...#", ".###."),
    "K": ("#...#", "#..#.", "###..", "#..#.", "#...#"),
    "L": ("#....", "#....", "#....", "#....", "#####"),
    "M": ("#...#", "##.##", "#.#.#", "#...#", "#...#"),
    "N": ("#...#", "##..#", "#.#.#", "#..##", "#...#"),
    "P": ("####.", "#...#", "####.", "#....", "#...."),
    "Q": (".###.", "#...#", "#.#.#", "#..#.", ".##.#"),
    "R": ("####.", "#...#", "####.", "#..#.", "#...#"),
    "T": ("#####", "..#..", "..#..", "..#..", "..#.."),
    "U": ("#...#", "#...#", "#...#", "#...#", ".###."),
    "V": ("#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "W": ("#...#", "#...#", "#.#.#", "##.##", "#...#"),
    "X": ("#...#", ".#.#.", "..#..", ".#.#.", "#...#"),
    "Y": ("#...#", ".#.#.", "..#..", "..#..", "..#.."),
    "3": ("####.", "....#", ".###.", "....#", "####."),
    "4": ("#..#.", "#..#.", "#####", "...#.", "...#."),
    "6": (".###.", "#....", "####.", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", "..#.."),
    "9": (".###.", "#...#", ".####", "....#", ".###."),
}
"""Five-by-five pixel letters for every character a join code uses (:data:`room.drillroom.CODE_ALPHABET`).

Two pixel rows share one text row (upper and lower half blocks), and a cell is about twice as tall
as it is wide, so each pixel comes out square.
"""

QR_ROWS = 19
"""Rows a QR code of a join link takes in half blocks (version 3 with its quiet zone)."""

WIDE = 120
"""Terminal columns from which the join code is drawn twice as large beside the QR code."""

QR_STYLE = Style(color="#ffffff", bgcolor="#000000")
"""The QR code's colours, fixed whatever the theme: a full block is a light module, and phone
cameras read dark modules on a light ground. Under a light theme's colours the code would invert."""


def big(code: str, scale: int = 1) -> list[str]:
    """``code`` in block letters, two groups of three with a wider gap between them.

    Scale 1 is three rows tall (half blocks, one column a pixel); scale 2 is five rows tall and
    twice as wide (full blocks, two columns a pixel), for a terminal with the room to spare.
    """
    pixel_rows: list[str] = ["", "", "", "", "", ""]
    for index, char in enumerate(code.upper()):
        glyph = GLYPHS.get(char)
        if glyph is None:  # not a join-code letter: keep its place, drawn small in the middle
            glyph = (".....", ".....", f"..{char[:1]}..", ".....", ".....")
        gap = "" if index == 0 else ("..." if index == len(code) // 2 and len(code) > 3 else ".")
        for row in range(5):
            pixel_rows[row] += gap + glyph[row]
        pixel_rows[5] += gap + "....."
    if scale >= 2:
        return ["".join("██" if p == "#" else "  " if p == "." else p + " " for p in row) for row in pixel_rows[:5]]
    lines = []
    for top, bottom in zip(pixel_rows[0::2], pixel_rows[1::2], strict=True):
        lines.append("".join(_half(a, b) for a, b in zip(top, bottom, strict=True)))
    return lines


def _half(top: str, bottom: str) -> str:
    if top not in "#." or bottom not in "#.":  # a character kept as it is
        return top if top not in "#." else bottom
    return {("#", "#"): "█", ("#", "."): "▀", (".", "#"): "▄"}.get((top, bottom), " ")


def spaced(code: str) -> str:
    """``code`` as people read it aloud: two groups of three (``ACD EFG``)."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}" if len(code) > 3 else code


class JoinCard(Static):
    """The QR code (when there is room for it), "扫码参演", the join code big, and where to type it."""

    DEFAULT_CSS = """
    JoinCard { height: auto; padding: 0 1; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.code = ""
        self.join_url = ""
        self.base_url = ""
        self.lang = "zh"
        self.qr_fits = False
        self.qr_need = 0
        self._qr: Text | None = None
        self._shown: tuple[str, ...] | None = None

    def show(self, *, code: str, join_url: str, base_url: str, lang: str, qr_fits: bool, qr_need: int) -> None:
        """Draw the card in ``lang``: the QR code if ``qr_fits``, else a line saying it needs ``qr_need`` rows."""
        signature = (code, join_url, base_url, lang, str(qr_fits), str(qr_need))
        if signature == self._shown:
            return
        self._shown = signature
        if join_url != self.join_url:
            self._qr = None
        self.code, self.join_url, self.base_url, self.lang = code, join_url, base_url, lang
        self.qr_fits, self.qr_need = qr_fits, qr_need
        self.update(self.render_card())

    @property
    def showing_qr(self) -> bool:
        """Whether the QR code is drawn now."""
        return self.qr_fits and bool(self.join_url)

    def qr(self) -> Text:
        """The join link as a QR code (made once per link)."""
        if self._qr is None:
            from room.qr import qr_text

            self._qr = Text(qr_text(self.join_url).rstrip("\n"), style=QR_STYLE, no_wrap=True)
        return self._qr

    def render_card(self) -> RenderableType:
        """The card as one renderable: the QR code on the left when it fits, the words on the right."""
        lang = self.lang
        words = Text(no_wrap=False)
        # Both languages whatever the console's: the room reads the projector, not the console.
        words.append(tr("room.scan", lang), style="bold")
        words.append("  " + tr("room.scan", "en" if lang == "zh" else "zh"), style="dim")
        if not self.showing_qr:  # said on the first line: at 80x24 every row counts
            words.append("   " + tr("room.qr_small", lang, rows=self.qr_need), style="dim italic")
        words.append("\n")
        scale = 2 if self.showing_qr and self.app.size.width >= WIDE else 1
        for row in big(self.code, scale):
            words.append(row + "\n", style="bold")
        words.append(f" {spaced(self.code)} ", style="bold reverse")
        words.append("  " + tr("room.open_at", lang, url=self.base_url))
        if not self.showing_qr:
            return words
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        table.add_row(self.qr(), Group(Text(""), words))
        return table
