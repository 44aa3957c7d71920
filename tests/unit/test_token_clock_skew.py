"""Signed Firebase ID tokens and App Check tokens from a clock a little ahead are
accepted (google-auth checks iat with no skew unless told: "Token used too early"),
and tokens far in the future or expired beyond the allowance are not."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import crypt, jwt

from shared.adapters.auth import FirebaseTokenVerifier
from shared.core.identity import CLOCK_SKEW_SEC, InvalidToken
from shared.core.settings import Settings
from tests.unit.test_app_check import token as app_check_token
from tests.unit.test_app_check import verifier as app_check_verifier

PROJECT = "reels-prod"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRIVATE = KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()
PUBLIC = (
    KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


def id_token(iat_offset: float, exp_offset: float = 3600) -> str:
    now = int(time.time())
    claims = {
        "iss": f"https://securetoken.google.com/{PROJECT}",
        "aud": PROJECT,
        "sub": "user-1",
        "iat": int(now + iat_offset),
        "exp": int(now + exp_offset),
        "firebase": {"sign_in_provider": "anonymous"},
    }
    return jwt.encode(crypt.RSASigner.from_string(PRIVATE, key_id="k1"), claims).decode()


@pytest.fixture
def verifier(monkeypatch) -> FirebaseTokenVerifier:
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    settings = Settings(_env_file=None, google_cloud_project=PROJECT)
    return FirebaseTokenVerifier(settings, certs={"k1": PUBLIC})


@pytest.mark.parametrize("ahead", [2, 30, CLOCK_SKEW_SEC - 10])
def test_a_token_from_a_clock_ahead_is_accepted(verifier, ahead: int) -> None:
    assert verifier.verify(id_token(iat_offset=ahead)).uid == "user-1"


def test_beyond_the_allowance_it_is_refused(verifier) -> None:
    with pytest.raises(InvalidToken):
        verifier.verify(id_token(iat_offset=CLOCK_SKEW_SEC + 60))
    with pytest.raises(InvalidToken):
        verifier.verify(id_token(iat_offset=-7200, exp_offset=-CLOCK_SKEW_SEC - 60))


def test_an_app_check_token_from_a_clock_ahead_is_accepted() -> None:
    now = int(time.time())
    assert app_check_verifier().verify(app_check_token(iat=now + 2)) == "1:123:web:abc"
