"""Branding in the office file: refused with precise reasons, stored per site, served with caching headers."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from server.branding.models import SiteBranding, SiteLogo
from server.office.loading import ConfigError, load_office
from tests.support.branding import branded_office, png_logo, svg_logo, write_logo
from tests.support.live_server import run_live_server

OFFICE = """
[[sites]]
id = "mitte"
name = "Bürgeramt Mitte"

[[sites.services]]
id = "melde"
prefix = "A"
names = {{ de = "Meldeangelegenheiten", en = "Registration" }}

[sites.branding]
{branding}
"""


def problems(tmp_path: Path, branding: str) -> list[str]:
    """The problems reported for an office file with this `[sites.branding]` table."""
    path = tmp_path / "office.toml"
    path.write_text(OFFICE.format(branding=branding), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_office(path)
    return [str(p) for p in caught.value.problems]


def test_a_valid_branding_loads_with_its_logo(tmp_path: Path) -> None:
    write_logo(tmp_path, "logo.svg", svg_logo(300, 100))
    path = tmp_path / "office.toml"
    path.write_text(OFFICE.format(branding='logo = "logo.svg"\nbackground = "#003a70"'), encoding="utf-8")
    branding = load_office(path).sites[0].branding
    assert branding is not None and branding.logo_image is not None
    assert branding.logo_image.media_type == "image/svg+xml"
    # An SVG is measured 256 pixels wide, never at its declared size: 300:100 gives 256×85.
    assert branding.logo_image.natural_size == (256, 85)


def test_a_missing_logo_file_is_named(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, 'logo = "wappen.png"')
    assert found.startswith("sites[0] (id 'mitte').branding: logo ")
    assert f"{tmp_path / 'wappen.png'}: no such file" in found


def test_an_unreadable_png_is_refused(tmp_path: Path) -> None:
    (tmp_path / "wappen.png").write_bytes(b"GIF89a not a png at all")
    (found,) = problems(tmp_path, 'logo = "wappen.png"')
    assert "wappen.png: the file is not a readable PNG image" in found


def test_a_jpeg_named_png_is_refused(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (10, 10)).save(tmp_path / "wappen.png", format="JPEG")
    (found,) = problems(tmp_path, 'logo = "wappen.png"')
    assert "the file is not a PNG image but JPEG" in found


def test_an_svg_that_does_not_render_is_refused(tmp_path: Path) -> None:
    write_logo(tmp_path, "wappen.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="10"><rect')
    (found,) = problems(tmp_path, 'logo = "wappen.svg"')
    assert "wappen.svg: the SVG cannot be rendered (ParseError" in found


def test_other_formats_are_refused(tmp_path: Path) -> None:
    write_logo(tmp_path, "wappen.gif", b"GIF89a")
    (found,) = problems(tmp_path, 'logo = "wappen.gif"')
    assert "wappen.gif: a logo must be a .png or .svg file" in found


@pytest.mark.parametrize(
    ("text", "background", "ratio"),
    # Ratios worked out from the WCAG 2 formula: white on #777777 is 4.48:1, #333333 on #000000 1.66:1.
    [("#ffffff", "#777777", "4.48"), ("#333333", "#000000", "1.66"), ("#ffffff", "#ff0000", "4.00")],
)
def test_colours_below_seven_to_one_are_refused_with_the_ratio(
    tmp_path: Path, text: str, background: str, ratio: str
) -> None:
    (found,) = problems(tmp_path, f'text = "{text}"\nbackground = "{background}"')
    assert (
        f"text colour {text} on background {background} has a contrast of {ratio}:1; at least 7:1 is required" in found
    )
    assert "hint:" in found


def test_colours_just_above_the_rule_pass(tmp_path: Path) -> None:
    # #595959 on white is 7.00:1, the darkest grey that passes; #5a5a5a is 6.9:1 and fails.
    path = tmp_path / "office.toml"
    path.write_text(OFFICE.format(branding='text = "#595959"\nbackground = "#ffffff"'), encoding="utf-8")
    assert load_office(path).sites[0].branding is not None
    assert "6.9" in problems(tmp_path, 'text = "#5a5a5a"\nbackground = "#ffffff"')[0]


def test_a_footer_needs_german_first_and_colours_need_hex(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, 'footer = { en = "Thanks" }')
    assert "needs the German footer first" in found
    (found,) = problems(tmp_path, 'text = "white"')
    assert found.startswith("sites[0] (id 'mitte').branding.text:")


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, 'logo = "none.svg"\ntext = "#777777"\nbackground = "#ffffff"')
    assert "contrast of 4.48:1" in found and "none.svg: no such file" in found


def test_branding_is_stored_served_cached_and_removed(tmp_path: Path) -> None:
    write_logo(tmp_path, "logo.png", png_logo(120, 40, (0, 58, 112)))
    office = branded_office(tmp_path, "logo.png")
    with run_live_server(tmp_path, office=office) as server:
        site = httpx.get(server.api("/sites/demo/display")).json()["data"]["site"]
        branding = site["branding"]
        assert branding["background"] == "#003a70" and branding["text"] == "#ffffff"
        assert branding["footer"]["ar"] == "شكرا لزيارتكم"
        url = branding["logo_url"]
        assert url.startswith("/api/v1/sites/demo/logo?v=")
        logo = httpx.get(server.url + url)
        assert logo.status_code == 200
        assert logo.headers["content-type"] == "image/png"
        assert logo.content == (tmp_path / "logo.png").read_bytes()
        assert logo.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert "sandbox" in logo.headers["content-security-policy"]
        again = httpx.get(server.url + url, headers={"If-None-Match": logo.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        # Without the version the browser checks back daily.
        plain = httpx.get(server.api("/sites/demo/logo"))
        assert plain.headers["cache-control"] == "public, max-age=86400, must-revalidate"
        css = httpx.get(server.api("/sites/demo/branding.css"))
        assert css.headers["content-type"].startswith("text/css")
        assert "--brand-background: #003a70;" in css.text and "--brand-text: #ffffff;" in css.text
        assert httpx.get(server.api("/sites/nowhere/logo")).status_code == 404
        with server.context.database.transaction() as session:
            assert session.get(SiteLogo, "demo") is not None
    # The office file drops its branding: the next start removes it.
    unbranded = office.model_copy(update={"sites": [office.sites[0].model_copy(update={"branding": None})]})
    with run_live_server(tmp_path, office=unbranded) as server:
        assert httpx.get(server.api("/sites/demo/display")).json()["data"]["site"]["branding"] is None
        assert httpx.get(server.api("/sites/demo/logo")).status_code == 404
        with server.context.database.transaction() as session:
            assert session.exec(select(SiteBranding)).all() == []
            assert session.exec(select(SiteLogo)).all() == []
