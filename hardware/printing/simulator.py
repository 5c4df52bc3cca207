"""Renders the ESC/POS bytes a ticket printer would receive into a picture of the paper."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import qrcode
from escpos.capabilities import get_profile
from escpos.magicencode import Encoder
from PIL import Image, ImageDraw, ImageFont

from hardware.printing.raster import font_path

ESC, GS, LF = 0x1B, 0x1D, 0x0A
CELL_W, CELL_H, LINE_H = 12, 24, 30  # font A cell and the default 1/6" line pitch at 180 dpi
BANNER = "SIMULIERTER DRUCKER · SIMULATED PRINTER"


class SimulatorError(ValueError):
    """The byte stream holds a command the simulated printer does not understand."""


@dataclass(frozen=True)
class Command:
    """One parsed ESC/POS command or a run of text bytes (`name == "text"`)."""

    name: str
    args: bytes = b""
    data: bytes = b""


# Fixed-length commands: prefix → number of argument bytes.
_FIXED = {
    b"\x1b@": 0, b"\x1ba": 1, b"\x1bE": 1, b"\x1b-": 1, b"\x1b!": 1, b"\x1bM": 1,
    b"\x1bd": 1, b"\x1bJ": 1, b"\x1b3": 1, b"\x1b2": 0, b"\x1bt": 1, b"\x1b{": 1,
    b"\x1bG": 1, b"\x1d!": 1, b"\x1dB": 1, b"\x1db": 1, b"\x1d|": 1,
}  # fmt: skip


def parse(data: bytes) -> Iterator[Command]:
    """Split an ESC/POS byte stream into commands and text runs."""
    i = 0
    while i < len(data):
        byte = data[i]
        if byte == LF:
            yield Command("LF")
            i += 1
        elif byte in (ESC, GS):
            prefix = data[i : i + 2]
            if prefix in _FIXED:
                n = _FIXED[prefix]
                yield Command(prefix.decode("latin-1"), data[i + 2 : i + 2 + n])
                i += 2 + n
            elif prefix == b"\x1dV":
                # GS V m, plus a feed amount for the "feed and cut" forms m = 65/66.
                n = 2 if data[i + 2] in (65, 66) else 1
                yield Command("GS V", data[i + 2 : i + 2 + n])
                i += 2 + n
            elif prefix == b"\x1dv":
                _mode, xl, xh, yl, yh = data[i + 3 : i + 8]
                size = (xl + 256 * xh) * (yl + 256 * yh)
                yield Command("GS v 0", data[i + 3 : i + 8], data[i + 8 : i + 8 + size])
                i += 8 + size
            elif data[i : i + 3] in (b"\x1d(k", b"\x1d(L"):
                length = data[i + 3] + 256 * data[i + 4]
                body = data[i + 5 : i + 5 + length]
                yield Command(data[i : i + 3].decode("latin-1"), body[:2], body[2:])
                i += 5 + length
            else:
                raise SimulatorError(f"unknown command {prefix!r} at byte {i}")
        elif byte < 0x20:
            raise SimulatorError(f"unknown control byte 0x{byte:02x} at byte {i}")
        else:
            end = i
            while end < len(data) and data[end] >= 0x20 and data[end] != 0x7F:
                end += 1
            end = max(end, i + 1)
            yield Command("text", data=data[i:end])
            i = end


@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_path(bold)
    mono = (
        path.with_name("DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf")
        if path
        else None
    )
    if mono is not None and mono.is_file():
        return ImageFont.truetype(str(mono), 20)
    return ImageFont.load_default(20)


@dataclass
class _State:
    """Print modes that ESC @ resets."""

    align: int = 0
    bold: bool = False
    width: int = 1
    height: int = 1
    codepage: str | None = None
    qr_module: int = 3
    qr_ec: int = 0
    qr_data: bytes = b""


@dataclass
class _Paper:
    """The growing strip of paper: images pasted at increasing heights."""

    width: int
    pieces: list[tuple[int, Image.Image]] = field(default_factory=list)
    y: int = 0

    def add(self, image: Image.Image, align: int) -> None:
        x = {0: 0, 1: (self.width - image.width) // 2, 2: self.width - image.width}[align]
        self.pieces.append((self.y, _offset(image, x, self.width)))
        self.y += image.height

    def feed(self, dots: int) -> None:
        self.y += dots


def _offset(image: Image.Image, x: int, width: int) -> Image.Image:
    strip = Image.new("1", (width, image.height), 1)
    strip.paste(image.convert("1"), (max(0, x), 0))
    return strip


class EscposRenderer:
    """A paper-strip model of an ESC/POS printer for the subset the ticket layout uses."""

    def __init__(self, profile: str) -> None:
        self.profile = get_profile(profile)
        pixels = self.profile.profile_data.get("media", {}).get("width", {}).get("pixels")
        self.width = pixels if isinstance(pixels, int) else 384
        # ESC t takes a slot number; the profile says which code page sits in which slot.
        self.slots = {int(slot): name for name, slot in self.profile.get_code_pages().items()}
        self.encoder = Encoder(self.profile.get_code_pages())

    def decode(self, data: bytes, codepage: str | None) -> str:
        """Turn printed text bytes back into characters through the selected code page."""
        if codepage is None or codepage == "Unknown":
            return data.decode("ascii", errors="replace")
        table = self.encoder._get_codepage_char_list(codepage)
        return "".join(chr(b) if b < 128 else table[b - 128] for b in data)

    def render(self, data: bytes, *, banner: bool = True) -> Image.Image:
        """Draw what the printer would print for these bytes."""
        paper = _Paper(self.width)
        state = _State()
        line: list[tuple[str, _State]] = []

        def flush_line() -> None:
            if line:
                paper.add(self._text_line(line), line[0][1].align)
                line.clear()
            else:
                paper.feed(LINE_H)

        for cmd in parse(data):
            match cmd.name:
                case "text":
                    line.append((self.decode(cmd.data, state.codepage), _copy(state)))
                case "LF":
                    flush_line()
                case "\x1b@":
                    state = _State(codepage=state.codepage)
                case "\x1ba":
                    state.align = cmd.args[0] % 48 if cmd.args[0] >= 48 else cmd.args[0]
                case "\x1bE":
                    state.bold = bool(cmd.args[0] & 1)
                case "\x1b!":
                    state.bold = bool(cmd.args[0] & 0x08)
                    state.height = 2 if cmd.args[0] & 0x10 else 1
                    state.width = 2 if cmd.args[0] & 0x20 else 1
                case "\x1d!":
                    state.width = (cmd.args[0] >> 4) + 1
                    state.height = (cmd.args[0] & 0x0F) + 1
                case "\x1bt":
                    state.codepage = self.slots.get(cmd.args[0])
                    if state.codepage is None:
                        raise SimulatorError(f"code page slot {cmd.args[0]} not in the profile")
                case "\x1bd":
                    flush_line()
                    paper.feed(LINE_H * max(0, cmd.args[0] - 1))
                case "\x1bJ":
                    paper.feed(cmd.args[0])
                case "GS v 0":
                    width_bytes = cmd.args[1] + 256 * cmd.args[2]
                    height = cmd.args[3] + 256 * cmd.args[4]
                    raster = Image.frombytes("1", (width_bytes * 8, height), cmd.data)
                    # ESC/POS sets a bit for black; Pillow's "1" mode uses 1 for white.
                    paper.add(Image.eval(raster.convert("L"), lambda v: 255 - v), state.align)
                case "\x1d(k":
                    self._qr(cmd, state, paper)
                case "GS V":
                    paper.feed(LINE_H)
                    paper.add(_cut_mark(self.width), 0)
                case _:
                    pass  # modes without a visible effect here (font, smoothing, density)
        if line:
            flush_line()
        return self._compose(paper, banner)

    def _text_line(self, runs: list[tuple[str, _State]]) -> Image.Image:
        height = max(s.height for _, s in runs) * CELL_H + (LINE_H - CELL_H)
        width = sum(len(t) * CELL_W * s.width for t, s in runs)
        image = Image.new("1", (max(1, min(width, self.width)), height), 1)
        x = 0
        for content, style in runs:
            for char in content:
                cell = Image.new("1", (CELL_W, CELL_H), 1)
                ImageDraw.Draw(cell).text((CELL_W / 2, CELL_H / 2), char, fill=0,
                                          font=_font(style.bold), anchor="mm")  # fmt: skip
                cell = cell.resize((CELL_W * style.width, CELL_H * style.height))
                image.paste(cell, (x, height - (LINE_H - CELL_H) - cell.height))
                x += cell.width
        return image

    def _qr(self, cmd: Command, state: _State, paper: _Paper) -> None:
        cn, fn = cmd.args[0], cmd.args[1]
        if cn != 0x31:
            raise SimulatorError(f"2D code type {cn} is not QR")
        if fn == 0x43:  # module size
            state.qr_module = cmd.data[0]
        elif fn == 0x45:  # error correction 48..51 = L, M, Q, H
            state.qr_ec = cmd.data[0] - 48
        elif fn == 0x50:  # store data, after the m byte "0"
            state.qr_data = cmd.data[1:]
        elif fn == 0x51:  # print the stored symbol
            levels = [qrcode.ERROR_CORRECT_L, qrcode.ERROR_CORRECT_M,
                      qrcode.ERROR_CORRECT_Q, qrcode.ERROR_CORRECT_H]  # fmt: skip
            code = qrcode.QRCode(error_correction=levels[state.qr_ec], box_size=state.qr_module,
                                 border=0)  # fmt: skip
            code.add_data(state.qr_data.decode("utf-8"))
            code.make(fit=True)
            paper.add(code.make_image().get_image().convert("1"), state.align)

    def _compose(self, paper: _Paper, banner: bool) -> Image.Image:
        top = 40 if banner else 0
        margin = 16
        image = Image.new("1", (self.width + 2 * margin, paper.y + top + 2 * margin), 1)
        for y, piece in paper.pieces:
            image.paste(piece, (margin, top + margin + y))
        if banner:
            # Visibly marked so nobody mistakes a demo ticket for a real one.
            draw = ImageDraw.Draw(image)
            draw.rectangle((0, 0, image.width, top - 6), fill=0)
            draw.text(
                (image.width / 2, (top - 6) / 2), BANNER, fill=1, font=_font(True), anchor="mm"
            )
        return image


def _copy(state: _State) -> _State:
    return _State(**vars(state))


def _cut_mark(width: int) -> Image.Image:
    image = Image.new("1", (width, 6), 1)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 12):
        draw.line((x, 3, x + 6, 3), fill=0, width=2)
    return image


def render_escpos(data: bytes, *, profile: str, banner: bool = True) -> Image.Image:
    """Render ESC/POS bytes into an image of the printed paper."""
    return EscposRenderer(profile).render(data, banner=banner)
