"""Who is asking: the checks a Firebase ID token's claims must pass (pure).

The adapter (`shared.adapters.auth`) checks the signature against Google's keys
(or, with the Auth emulator, accepts its unsigned tokens) and hands the claims here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ISSUER = "https://securetoken.google.com/{project}"
CLOCK_SKEW_SEC = 300


@dataclass(frozen=True)
class Identity:
    uid: str
    anonymous: bool


class InvalidToken(Exception):
    """The token is missing, malformed, expired or for another project."""


def bearer_token(header: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header."""
    if not header:
        raise InvalidToken("no Authorization header")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 8192:
        raise InvalidToken("not a bearer token")
    return token.strip()


def identity_from_claims(claims: dict[str, Any], project: str, now: float) -> Identity:
    """Check audience, issuer, times and subject as Firebase prescribes."""
    if claims.get("aud") != project:
        raise InvalidToken(f"audience {claims.get('aud')!r} is not {project!r}")
    if claims.get("iss") != ISSUER.format(project=project):
        raise InvalidToken(f"issuer {claims.get('iss')!r}")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or exp + CLOCK_SKEW_SEC < now:
        raise InvalidToken("expired")
    if not isinstance(iat, int | float) or iat - CLOCK_SKEW_SEC > now:
        raise InvalidToken("issued in the future")
    uid = claims.get("sub")
    if not isinstance(uid, str) or not uid or len(uid) > 128:
        raise InvalidToken("no subject")
    # A uid names documents (quotas, owners): a "/" would be a path, a control
    # character a broken id. Firebase's own uids are letters and digits.
    if "/" in uid or not uid.isprintable():
        raise InvalidToken("subject is not a uid")
    firebase = claims.get("firebase", {})
    if not isinstance(firebase, dict):
        raise InvalidToken("firebase claim is not a map")
    provider = firebase.get("sign_in_provider")
    return Identity(uid=uid, anonymous=provider == "anonymous")
