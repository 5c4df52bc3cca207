"""The axe-core accessibility engine, as shipped inside the axe-playwright-python wheel (no Node needed)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

AXE = Path(str(files("axe_playwright_python") / "axe.min.js"))
