"""HTTP routes of single sign-on: the login screens' options, and the OpenID Connect start and finish."""

from __future__ import annotations

from fastapi import APIRouter

from server.api.deps import ContextDep, WriteSession
from server.auth.schemas import TokenOut
from server.auth.sso.flow import check_redirect_uri, consume_login, open_login
from server.auth.sso.oidc import challenge_for
from server.auth.sso.runtime import SsoDep
from server.auth.sso.schemas import FinishIn, ProviderOut, SignInOptions, StartIn, StartOut
from server.errors import Conflict, DomainError, Forbidden, Unauthorized
from server.security.audit import record_audit
from server.security.deps import ClientAddress

router = APIRouter(tags=["auth"])


@router.get("/auth/sso", response_model=SignInOptions)
def sign_in_options(sso: SsoDep) -> SignInOptions:
    """The sign-in buttons a login screen shows, and whether directory accounts may use the password form."""
    return SignInOptions(
        providers=[ProviderOut(name=c.config.name, label=c.config.label) for c in sso.clients.values()],
        directory=sso.directory is not None,
    )


@router.post("/auth/oidc/{provider}/start", response_model=StartOut)
def start_sign_in(
    provider: str, body: StartIn, context: ContextDep, sso: SsoDep, session: WriteSession
) -> StartOut:
    """Open a sign-in with a provider: a fresh state, nonce and (unless the app brings one) PKCE pair."""
    client = sso.client(provider)
    redirect_uri = check_redirect_uri(body.redirect_uri, public_url=context.settings.public_url)
    login, verifier = open_login(
        session=session, provider=provider, redirect_uri=redirect_uri,
        app_holds_verifier=body.code_challenge is not None, now=context.clock.now(),
    )
    challenge = body.code_challenge or challenge_for(verifier or "")
    url = client.authorization_url(redirect_uri=redirect_uri, state=login.state, nonce=login.nonce,
                                   code_challenge=challenge)
    return StartOut(authorization_url=url, state=login.state)


@router.post("/auth/oidc/{provider}/finish", response_model=TokenOut)
def finish_sign_in(provider: str, body: FinishIn, context: ContextDep, sso: SsoDep, address: ClientAddress) -> TokenOut:
    """Exchange the code, check the ID token and issue the usual staff token."""
    client = sso.client(provider)
    now = context.clock.now()
    minutes = context.settings.token_minutes
    # Consumed in its own transaction first, so a replay racing this request finds it used.
    with context.database.transaction() as session:
        login = consume_login(session=session, provider=provider, state=body.state, now=now)
    verifier = login.code_verifier or body.code_verifier
    if verifier is None:
        raise DomainError("This sign-in was started by an app: send its code_verifier.", code="missing_verifier")
    try:
        id_token = client.exchange_code(code=body.code, redirect_uri=login.redirect_uri, code_verifier=verifier)
        identity = client.identity(client.validate_id_token(id_token, nonce=login.nonce))
        with context.database.transaction() as session:
            clerk, token = sso.sign_in(session=session, identity=identity, secret=context.settings.secret_key,
                                       now=now, minutes=minutes)
            record_audit(session=session, at=now, actor=f"clerk:{clerk.username}", action="login",
                         address=address, detail={"via": f"oidc:{provider}"})
    except (Unauthorized, Forbidden, Conflict) as error:
        with context.database.transaction() as session:
            record_audit(session=session, at=now, actor="anonymous", action="login.failed", target=provider,
                         address=address, detail={"code": error.code, "via": f"oidc:{provider}"})
        raise
    return TokenOut(access_token=token, role=clerk.role, username=clerk.username, expires_in=minutes * 60)
