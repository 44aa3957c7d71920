"""App Check (the layer after anonymous sign-in): tokens signed with a key of a
JWKS are accepted for our project only; upload_url enforces it when told to."""

from __future__ import annotations

import base64
import json
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import crypt, jwt

from shared.adapters.appcheck import AppCheckVerifier
from shared.core.identity import InvalidToken
from shared.core.settings import Settings

NUMBER = "123456789"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64(n: int) -> str:
    return (
        base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).decode().rstrip("=")
    )


JWKS = {
    "keys": [
        {"kty": "RSA", "kid": "k1", "alg": "RS256", "n": b64(KEY.public_key().public_numbers().n),
         "e": b64(KEY.public_key().public_numbers().e)}
    ]
}  # fmt: skip
PEM = KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()


def token(**changes: object) -> str:
    now = int(time.time())
    claims = {
        "iss": f"https://firebaseappcheck.googleapis.com/{NUMBER}",
        "aud": [f"projects/{NUMBER}", "projects/reels"],
        "sub": "1:123:web:abc",
        "iat": now,
        "exp": now + 3600,
        **changes,
    }
    signer = crypt.RSASigner.from_string(PEM, key_id="k1")
    return jwt.encode(signer, claims).decode()


def verifier() -> AppCheckVerifier:
    return AppCheckVerifier(Settings(_env_file=None, google_cloud_project_number=NUMBER), JWKS)


def test_a_token_of_our_app_is_accepted() -> None:
    assert verifier().verify(token()) == "1:123:web:abc"


@pytest.mark.parametrize(
    "bad",
    [
        None,
        "",
        "not.a.jwt",
        token(aud=["projects/999"]),
        token(iss="https://firebaseappcheck.googleapis.com/999"),
        token(exp=int(time.time()) - 600, iat=int(time.time()) - 4000),
    ],
)
def test_other_tokens_are_refused(bad: str | None) -> None:
    with pytest.raises(InvalidToken):
        verifier().verify(bad)


def test_a_token_signed_by_another_key_is_refused() -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    forged = jwt.encode(crypt.RSASigner.from_string(pem, key_id="k1"), json.loads(
        base64.urlsafe_b64decode(token().split(".")[1] + "==")
    )).decode()  # fmt: skip
    with pytest.raises(InvalidToken):
        verifier().verify(forged)


def test_upload_url_enforces_it_when_told(monkeypatch: pytest.MonkeyPatch) -> None:
    import flask

    from shared.orchestration.uploads import Uploads
    from tests.fakes.memory import MemoryQuotas, MemoryStorage, MemoryStore
    from tests.unit.test_request_hygiene import APP, GOOD, Verifier, load

    monkeypatch.setenv("APP_CHECK_ENFORCE", "true")
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT_NUMBER", NUMBER)
    from shared.core.settings import get_settings

    get_settings.cache_clear()
    try:
        module = load("upload_url")
        module._uploads = Uploads(get_settings(), MemoryStore(), MemoryStorage(), MemoryQuotas())
        module._verifier = Verifier()
        module._app_checker = verifier()
        for headers, status in (({}, 401), ({"X-Firebase-AppCheck": token()}, 201)):
            with APP.test_request_context(
                "/", method="POST", json=GOOD, headers={"Authorization": "Bearer good", **headers}
            ):
                assert module.upload_url(flask.request).status_code == status
    finally:
        get_settings.cache_clear()
