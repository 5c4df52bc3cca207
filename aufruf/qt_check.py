"""Why a Qt app could not open its window: missing system libraries or no screen, and the fix."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

# Shared libraries Qt's xcb platform plugin loads, and the Debian/Ubuntu package shipping each.
LIBRARY_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxcb.so.1": "libxcb1",
    "libxcb-render.so.0": "libxcb-render0",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
PLATFORM_ERROR_MARKERS = ("qt.qpa.plugin", "could not load the Qt platform plugin", "could not connect to display")


def xcb_plugin() -> Path | None:
    """The xcb platform plugin Qt will load (PySide6's own unless redirected), found without loading Qt."""
    if redirected := os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        plugin = Path(redirected) / "libqxcb.so"
    else:
        spec = importlib.util.find_spec("PySide6")
        if spec is None or not spec.submodule_search_locations:
            return None
        plugin = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.exists() else None


def missing_libraries(plugin: Path | None = None) -> list[str]:
    """Shared libraries the xcb plugin needs that the system lacks (from ldd; empty when all are there)."""
    plugin = plugin or xcb_plugin()
    if plugin is None or shutil.which("ldd") is None:
        return []
    result = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=False)
    return sorted(set(re.findall(r"^\s*(\S+) => not found", result.stdout, re.MULTILINE)))


def packages_for(libraries: list[str]) -> list[str]:
    """The packages that provide the libraries (a best guess from the name for unknown ones)."""
    return sorted({LIBRARY_PACKAGES.get(library, _guess_package(library)) for library in libraries})


def _guess_package(library: str) -> str:
    # Debian names a library package after its soname: libfoo-bar.so.1 -> libfoo-bar1.
    match = re.fullmatch(r"(lib.+)\.so\.(\d+)", library)
    if not match:
        return library
    name, version = match.groups()
    separator = "-" if name[-1].isdigit() else ""
    return f"{name.lower()}{separator}{version}"


def has_screen(environment: dict[str, str] | None = None) -> bool:
    """Whether Qt has somewhere to draw: an X or Wayland display, or a platform chosen explicitly."""
    env = os.environ if environment is None else environment
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"))


def is_platform_failure(output: str) -> bool:
    """Whether an app's output says Qt could not start its platform plugin."""
    lowered = output.lower()
    return any(marker.lower() in lowered for marker in PLATFORM_ERROR_MARKERS)


def diagnosis(environment: dict[str, str] | None = None) -> list[str]:
    """Lines telling what keeps Qt from opening windows here and how to fix it; empty if nothing is found."""
    lines = []
    missing = missing_libraries()
    if missing:
        packages = packages_for(missing)
        lines.append(f"Qt's xcb platform plugin lacks {len(missing)} system libraries: {', '.join(missing)}")
        lines.append(f"Install them with:  sudo apt-get install {' '.join(packages)}   (or run scripts/setup)")
    if not has_screen(environment):
        lines.append("There is no screen (DISPLAY is not set): start the demo on a desktop, under xvfb-run,")
        lines.append("or with --headless for the server alone.")
    return lines
