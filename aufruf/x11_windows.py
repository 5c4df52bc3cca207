"""Which processes show a window on an X display, read with xwininfo and xprop (x11-utils)."""

from __future__ import annotations

import re
import shutil
import subprocess


def tools_available() -> bool:
    """Whether xwininfo and xprop are installed."""
    return shutil.which("xwininfo") is not None and shutil.which("xprop") is not None


def _run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    return result.stdout


def visible_window_pids() -> set[int]:
    """PIDs owning a viewable top-level window on $DISPLAY (Qt sets _NET_WM_PID on its windows)."""
    pids = set()
    for window in re.findall(r"^\s+(0x[0-9a-f]+) ", _run("xwininfo", "-root", "-children"), re.MULTILINE):
        if "IsViewable" not in _run("xwininfo", "-id", window):
            continue
        match = re.search(r"_NET_WM_PID\(CARDINAL\) = (\d+)", _run("xprop", "-id", window, "_NET_WM_PID"))
        if match:
            pids.add(int(match.group(1)))
    return pids
