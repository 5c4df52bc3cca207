"""Shapes of the single sign-on requests and answers."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ProviderOut(BaseModel):
    """A way to sign in that a login screen offers as a button."""

    name: str
    label: str


class SignInOptions(BaseModel):
    """What a login screen shows: provider buttons, and whether directory users may use the password form."""

    providers: list[ProviderOut]
    directory: bool


class StartIn(BaseModel):
    """Begin a sign-in; a native app sends its own PKCE challenge and keeps the verifier."""

    redirect_uri: str = Field(min_length=8, max_length=300)
    code_challenge: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{43}$")


class StartOut(BaseModel):
    """Where to send the browser, and the state that comes back with the code."""

    authorization_url: str
    state: str


class FinishIn(BaseModel):
    """The code and state the provider sent back to the redirect URI."""

    state: str = Field(min_length=8, max_length=64)
    code: str = Field(min_length=1, max_length=2048)
    code_verifier: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._~-]{43,128}$")
