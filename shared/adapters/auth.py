"""Firebase Authentication adapter: verifies ID tokens.

On Google Cloud the token's RS256 signature is checked against Google's public
keys (google-auth); with the Auth emulator (`FIREBASE_AUTH_EMULATOR_HOST` set, as
in the local stack) tokens are unsigned, as firebase-admin also accepts them
there. The claims are checked by `shared.core.identity` either way.
"""

from __future__ import annotations

import base64
import json
import os
import time
from typing import TYPE_CHECKING, Any

from shared.core.identity import CLOCK_SKEW_SEC, Identity, InvalidToken, identity_from_claims

if TYPE_CHECKING:
    from shared.core.settings import Settings

KEYS_TTL_SEC = 3600
CERTS_URL = (
    "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"
)


class FirebaseTokenVerifier:
    """`shared.core.ports.TokenVerifier`."""

    def __init__(self, settings: Settings, certs: dict[str, str] | None = None) -> None:
        self.settings = settings
        self._certs = certs  # fixed keys (tests); None: Google's, fetched and cached
        self._certs_until = float("inf") if certs is not None else 0.0
        self._request: Any = None

    def verify(self, token: str) -> Identity:
        if os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"):
            claims = _unsigned_claims(token)
        else:
            claims = self._signed_claims(token)
        return identity_from_claims(claims, self.settings.google_cloud_project, time.time())

    def _signed_claims(self, token: str) -> dict[str, Any]:
        from google.auth import jwt

        try:
            # google-auth checks iat/exp itself, with no skew unless told: a token issued
            # by a clock 2 s ahead was refused ("Token used too early").
            claims = jwt.decode(  # type: ignore[no-untyped-call]
                token,
                certs=self._keys(),
                audience=None,
                verify=True,
                clock_skew_in_seconds=CLOCK_SKEW_SEC,
            )
        except (ValueError, KeyError) as exc:
            raise InvalidToken(f"signature: {exc}") from exc
        return dict(claims)

    def _keys(self) -> dict[str, str]:
        """Google's current signing keys, fetched at most once an hour."""
        if self._certs is not None and time.monotonic() < self._certs_until:
            return self._certs
        import google.auth.transport.requests

        if self._request is None:
            self._request = google.auth.transport.requests.Request()
        response = self._request(CERTS_URL, method="GET")
        if response.status != 200:
            raise InvalidToken(f"could not fetch Google's keys: HTTP {response.status}")
        self._certs = dict(json.loads(response.data.decode()))
        self._certs_until = time.monotonic() + KEYS_TTL_SEC
        return self._certs


def _unsigned_claims(token: str) -> dict[str, Any]:
    """The Auth emulator's tokens: header.payload. with alg "none"."""
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("not a JWT")
    try:
        header, claims = (json.loads(_b64(part)) for part in parts[:2])
    except ValueError as exc:
        raise InvalidToken(f"malformed: {exc}") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise InvalidToken("malformed")
    return claims


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
