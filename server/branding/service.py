"""Writing a site's branding from the office file, and reading what screens and tickets need."""

from __future__ import annotations

from sqlmodel import Session

from aufruf.logo import Logo
from server.branding.models import SiteBranding, SiteLogo
from server.branding.schemas import BrandingOut
from server.office.branding import BrandingConfig

LOGO_PATH = "/api/v1/sites/{site}/logo"


def apply_branding(*, session: Session, site_id: str, config: BrandingConfig | None) -> None:
    """Store the site's branding, or remove it when the office file has none any more."""
    branding = session.get(SiteBranding, site_id)
    stored_logo = session.get(SiteLogo, site_id)
    if config is None:
        for row in (branding, stored_logo):
            if row is not None:
                session.delete(row)
        return
    logo = config.logo_image
    branding = branding or SiteBranding(site_id=site_id, background=config.background, text=config.text)
    branding.background, branding.text = config.background.lower(), config.text.lower()
    branding.footer = dict(config.footer)
    branding.logo_type = logo.media_type if logo else None
    branding.logo_sha256 = logo.sha256 if logo else None
    session.add(branding)
    if logo is None:
        if stored_logo is not None:
            session.delete(stored_logo)
    else:
        stored_logo = stored_logo or SiteLogo(site_id=site_id, data=logo.data)
        stored_logo.data = logo.data
        session.add(stored_logo)


def logo_url(site_id: str, sha256: str) -> str:
    """The logo's public path; the content hash in it lets screens cache it for good."""
    return f"{LOGO_PATH.format(site=site_id)}?v={sha256[:16]}"


def branding_out(*, session: Session, site_id: str) -> BrandingOut | None:
    """The site's public branding, or None when it has none."""
    branding = session.get(SiteBranding, site_id)
    if branding is None:
        return None
    return BrandingOut(
        background=branding.background,
        text=branding.text,
        footer=dict(branding.footer),
        logo_url=logo_url(site_id, branding.logo_sha256) if branding.logo_sha256 else None,
    )


def site_logo(*, session: Session, site_id: str) -> Logo | None:
    """The site's logo file, or None when it has none."""
    branding = session.get(SiteBranding, site_id)
    stored = session.get(SiteLogo, site_id)
    if branding is None or stored is None or branding.logo_type is None:
        return None
    return Logo(data=stored.data, media_type=branding.logo_type)
