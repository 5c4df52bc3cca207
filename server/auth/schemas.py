"""Shapes of login requests and answers."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LoginIn(BaseModel):
    """A clerk's credentials."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(BaseModel):
    """A bearer token for the API."""

    access_token: str
    token_type: str = "bearer"
    role: str
    username: str
    expires_in: int
