"""The CLI signs in as the page does: an anonymous Firebase user, through the
Identity Toolkit REST API (`accounts:signUp`), kept between runs and refreshed
with its refresh token (securetoken `token`) when the ID token expires.

With the local stack the Auth emulator answers the same calls offline.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

GOOGLE_IDENTITY = "https://identitytoolkit.googleapis.com"
GOOGLE_TOKENS = "https://securetoken.googleapis.com"
EMULATOR_KEY = "local-emulator-key"  # the emulator accepts any key
REFRESH_MARGIN_SEC = 300


class AuthError(RuntimeError):
    """Signing in failed (the message is for the user, in Russian)."""


@dataclass(frozen=True)
class AuthConfig:
    identity_url: str  # .../identitytoolkit.googleapis.com
    tokens_url: str  # .../securetoken.googleapis.com
    api_key: str
    cache: Path

    @classmethod
    def resolve(cls, emulator: str | None, api_key: str | None) -> AuthConfig:
        """The Auth emulator at `emulator` (host:port), else Google with `api_key`."""
        cache = config_dir() / "token.json"
        if emulator:
            base = f"http://{emulator.removeprefix('http://').rstrip('/')}"
            return cls(
                f"{base}/identitytoolkit.googleapis.com",
                f"{base}/securetoken.googleapis.com",
                api_key or EMULATOR_KEY,
                cache,
            )
        if not api_key:
            raise AuthError(
                "Нужен ключ Firebase Web API: --api-key или REELS_FIREBASE_API_KEY "
                "(для локального стенда — --auth-emulator 127.0.0.1:9099)."
            )
        return cls(GOOGLE_IDENTITY, GOOGLE_TOKENS, api_key, cache)


def config_dir() -> Path:
    base = os.environ.get("REELS_CLI_CONFIG") or os.path.join(
        os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config", "reels-scripter"
    )
    return Path(base)


def id_token(config: AuthConfig) -> str:
    """A valid ID token: the kept one, refreshed, or a new anonymous user's."""
    key = f"{config.identity_url}|{config.api_key}"
    saved = _load(config.cache).get(key)
    now = time.time()
    if saved and saved.get("expires_at", 0) - REFRESH_MARGIN_SEC > now:
        return str(saved["id_token"])
    fresh = None
    if saved and saved.get("refresh_token"):
        fresh = _refresh(config, saved["refresh_token"])
    if fresh is None:
        fresh = _sign_up(config)
    _save(config.cache, key, fresh)
    return str(fresh["id_token"])


def _sign_up(config: AuthConfig) -> dict[str, Any]:
    answer = requests.post(
        f"{config.identity_url}/v1/accounts:signUp",
        params={"key": config.api_key},
        json={"returnSecureToken": True},
        timeout=30,
    )
    if answer.status_code != 200:
        raise AuthError(f"Не удалось войти: HTTP {answer.status_code} {answer.text[:200]}")
    body = answer.json()
    return {
        "id_token": body["idToken"],
        "refresh_token": body["refreshToken"],
        "expires_at": time.time() + int(body.get("expiresIn", 3600)),
        "uid": body.get("localId"),
    }


def _refresh(config: AuthConfig, refresh_token: str) -> dict[str, Any] | None:
    answer = requests.post(
        f"{config.tokens_url}/v1/token",
        params={"key": config.api_key},
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        timeout=30,
    )
    if answer.status_code != 200:
        return None  # revoked or from another emulator run: sign up anew
    body = answer.json()
    return {
        "id_token": body["id_token"],
        "refresh_token": body.get("refresh_token", refresh_token),
        "expires_at": time.time() + int(body.get("expires_in", 3600)),
        "uid": body.get("user_id"),
    }


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(path: Path, key: str, value: dict[str, Any]) -> None:
    data = _load(path)
    data[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    path.chmod(0o600)  # a refresh token is a credential
