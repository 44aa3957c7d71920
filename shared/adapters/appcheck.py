"""Firebase App Check adapter: verifies the `X-Firebase-AppCheck` token a registered
web app sends (the layer after anonymous sign-in: it proves the request comes from
our page, not a script). Off unless `APP_CHECK_ENFORCE` is set.

The token is an RS256 JWT signed with App Check's public keys (a JWKS); its issuer is
`https://firebaseappcheck.googleapis.com/<project number>` and its audience includes
`projects/<project number>`.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import TYPE_CHECKING, Any

from shared.core.identity import CLOCK_SKEW_SEC, InvalidToken

if TYPE_CHECKING:
    from shared.core.settings import Settings

JWKS_URL = "https://firebaseappcheck.googleapis.com/v1/jwks"
KEYS_TTL_SEC = 6 * 3600  # App Check asks clients to cache its keys for up to 6 hours


class AppCheckVerifier:
    def __init__(self, settings: Settings, jwks: dict[str, Any] | None = None) -> None:
        self.settings = settings
        self._pems: dict[str, str] | None = _pems(jwks) if jwks is not None else None
        self._until = float("inf") if jwks is not None else 0.0
        self._lock = threading.Lock()

    def verify(self, token: str | None) -> str:
        """The app id of a valid token; InvalidToken otherwise."""
        from google.auth import jwt

        if not token:
            raise InvalidToken("no App Check token")
        number = self.settings.google_cloud_project_number
        try:
            claims = jwt.decode(  # type: ignore[no-untyped-call]
                token,
                certs=self._keys(),
                verify=True,
                audience=None,
                clock_skew_in_seconds=CLOCK_SKEW_SEC,
            )
        except (ValueError, KeyError) as exc:
            raise InvalidToken(f"App Check: {exc}") from exc
        if claims.get("iss") != f"https://firebaseappcheck.googleapis.com/{number}":
            raise InvalidToken("App Check: wrong issuer")
        audience = claims.get("aud") or []
        if f"projects/{number}" not in audience:
            raise InvalidToken("App Check: wrong audience")
        if float(claims.get("exp", 0)) < time.time():
            raise InvalidToken("App Check: expired")
        return str(claims.get("sub", ""))

    def _keys(self) -> dict[str, str]:
        with self._lock:
            if self._pems is None or time.monotonic() > self._until:
                import google.auth.transport.requests

                response = google.auth.transport.requests.Request()(JWKS_URL, method="GET")
                if response.status != 200:
                    raise InvalidToken(f"App Check keys: HTTP {response.status}")
                self._pems = _pems(json.loads(response.data.decode()))
                self._until = time.monotonic() + KEYS_TTL_SEC
            return self._pems


def _pems(jwks: dict[str, Any]) -> dict[str, str]:
    """JWKS (RSA keys) -> {kid: PEM public key} for google-auth's verifier."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

    def number(value: str) -> int:
        return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")

    pems = {}
    for key in jwks.get("keys", []):
        if key.get("kty") != "RSA":
            continue
        public = RSAPublicNumbers(number(key["e"]), number(key["n"])).public_key()
        pem = public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        pems[key["kid"]] = pem.decode()
    return pems
