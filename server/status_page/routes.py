"""The citizen's status page at /t/{token}."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
