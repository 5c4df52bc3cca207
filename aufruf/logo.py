"""An office's logo (PNG or SVG): read and checked once, rendered to any size for paper and screens."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

# Pillow and cairosvg are imported where a logo is drawn: a server whose office has no logo, and the
# counter app, never load them (see tests/test_lazy_imports.py).

MEDIA_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}
# A logo is a small file; anything bigger is a mistake (a photo, a print master).
MAX_LOGO_BYTES = 2 * 1024 * 1024
# A PNG this large in pixels would take a kiosk's memory for nothing.
MAX_LOGO_PIXELS = 4096 * 4096
# An SVG's proportions are found by drawing it this wide (cairo limits the height to 32767).
SVG_PROBE_WIDTH = 256


class LogoError(ValueError):
    """A logo that cannot be used, with the reason in words an administrator can act on."""


@dataclass(frozen=True)
class Logo:
    """A logo's bytes and type; rendering fits it into a box, keeping its proportions."""

    data: bytes
    media_type: str

    @cached_property
    def sha256(self) -> str:
        """The content's hash: the version in its public URL and its ETag."""
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def natural_size(self) -> tuple[int, int]:
        """Width and height in pixels: a PNG's own; an SVG's proportions, drawn 256 pixels wide."""
        if self.media_type == "image/svg+xml":
            # Never at its declared size: `width="30000"` would take gigabytes for nothing.
            return self._svg((SVG_PROBE_WIDTH, None)).size
        return self._natural().size

    def _natural(self) -> Image.Image:
        from PIL import Image

        image = Image.open(io.BytesIO(self.data))
        image.load()
        return image

    def _svg(self, size: tuple[int | None, int | None]) -> Image.Image:
        """Draw the SVG; with one side given cairosvg works out the other from its own proportions."""
        import cairosvg
        from PIL import Image

        width, height = size
        # unsafe=False (the default, kept explicit): no XML entities, no files or addresses fetched,
        # only data: URLs; a logo must be self-contained.
        png = cairosvg.svg2png(bytestring=self.data, output_width=width, output_height=height, unsafe=False)
        assert isinstance(png, bytes)
        image = Image.open(io.BytesIO(png))
        image.load()
        return image

    def fitted_size(self, max_width: int, max_height: int) -> tuple[int, int]:
        """The largest size with the logo's proportions that fits the box (at least 1×1)."""
        width, height = self.natural_size
        scale = min(max_width / width, max_height / height)
        return max(1, round(width * scale)), max(1, round(height * scale))

    def render(self, max_width: int, max_height: int) -> Image.Image:
        """The logo as RGBA, scaled to fit the box; an SVG is drawn at that size, not scaled up."""
        from PIL import Image

        size = self.fitted_size(max_width, max_height)
        if self.media_type == "image/svg+xml":
            # The side that limits is drawn exactly; cairosvg sizes the other without rounding twice.
            width_limited = size[0] == max_width
            drawn = self._svg((max_width, None) if width_limited else (None, max_height))
            if drawn.width > max_width or drawn.height > max_height:
                drawn = self._svg(size)
            return drawn.convert("RGBA")
        return self._natural().convert("RGBA").resize(size, Image.Resampling.LANCZOS)

    def on_white(self, max_width: int, max_height: int) -> Image.Image:
        """The fitted logo flattened onto white, as paper shows it."""
        from PIL import Image

        logo = self.render(max_width, max_height)
        flat = Image.new("RGB", logo.size, (255, 255, 255))
        flat.paste(logo, mask=logo.getchannel("A"))
        return flat

    def png(self, max_width: int, max_height: int) -> bytes:
        """The fitted logo as PNG bytes, for screens that take a ready picture."""
        out = io.BytesIO()
        self.render(max_width, max_height).save(out, format="PNG")
        return out.getvalue()


def media_type_of(path: Path) -> str:
    """The media type a logo file's name promises, or a `LogoError` naming the accepted ones."""
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise LogoError(f"{path.name}: a logo must be a .png or .svg file")
    return media_type


def check_logo(logo: Logo) -> Logo:
    """Make sure the logo renders: a PNG that decodes, an SVG that draws, neither empty nor huge."""
    from PIL import Image, UnidentifiedImageError

    if len(logo.data) > MAX_LOGO_BYTES:
        raise LogoError(f"the logo has {len(logo.data)} bytes; at most {MAX_LOGO_BYTES} are accepted")
    if logo.media_type == "image/png":
        try:
            with Image.open(io.BytesIO(logo.data)) as probe:
                if probe.format != "PNG":
                    raise LogoError(f"the file is not a PNG image but {probe.format}")
                if probe.width * probe.height > MAX_LOGO_PIXELS:
                    raise LogoError(f"the PNG has {probe.width}×{probe.height} pixels; keep it under 4096×4096")
            size = logo.natural_size
        except LogoError:
            raise
        except UnidentifiedImageError:
            raise LogoError("the file is not a readable PNG image") from None
        except (OSError, SyntaxError, ValueError) as error:
            raise LogoError(f"the PNG image cannot be read ({error})") from None
    elif logo.media_type == "image/svg+xml":
        try:
            size = logo.natural_size
        except Exception as error:  # cairosvg and its XML parser raise many unrelated types
            raise LogoError(f"the SVG cannot be rendered ({type(error).__name__}: {error})") from None
    else:
        raise LogoError(f"a logo must be PNG or SVG, not {logo.media_type}")
    if min(size) < 1:
        raise LogoError("the logo renders as an empty picture")
    return logo


def read_logo(path: Path) -> Logo:
    """Read a logo file and check that it renders; every failure is a `LogoError` naming the file."""
    media_type = media_type_of(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LogoError(f"{path}: no such file") from None
    except OSError as error:
        raise LogoError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        return check_logo(Logo(data=data, media_type=media_type))
    except LogoError as error:
        raise LogoError(f"{path}: {error}") from None
