"""The signed upload URL: what is signed, for how long, bound to what.

fake-gcs-server does not check signatures, so this verifies the V4 signature
itself with the public half of the key, rebuilding the canonical request the way
Cloud Storage does."""

import hashlib
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from devstack.signing import write_signing_key
from shared.adapters.storage import GcsStorage
from shared.core.settings import Settings

MAX = 100 * 1024 * 1024


@pytest.fixture
def signed(tmp_path, monkeypatch):
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", "http://127.0.0.1:4443")
    key = write_signing_key(tmp_path / "key.json", "proj")
    settings = Settings(
        google_cloud_project="proj",
        upload_bucket="bkt",
        signing_key_file=str(key),
        storage_public_url="http://127.0.0.1:4443",
        _env_file=None,
    )
    now = datetime.now(UTC)
    upload = GcsStorage(settings).signed_upload("uploads/abc", "video/webm", MAX, now=now)
    return upload, json.loads(key.read_text()), now


def canonical_request(url: str, method: str, headers: dict[str, str]) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    signed_names = query["X-Goog-SignedHeaders"].split(";")
    lower = {k.lower(): v for k, v in headers.items()} | {"host": parts.netloc}
    canon_query = "&".join(
        f"{quote(k, safe='~')}={quote(v, safe='~')}"
        for k, v in sorted(query.items())
        if k != "X-Goog-Signature"
    )
    canon_headers = "".join(f"{name}:{lower[name].strip()}\n" for name in signed_names)
    request = "\n".join(
        [method, parts.path, canon_query, canon_headers, ";".join(signed_names), "UNSIGNED-PAYLOAD"]
    )
    return request, query


def verify(url: str, method: str, headers: dict[str, str], key_info: dict) -> None:
    request, query = canonical_request(url, method, headers)
    scope = query["X-Goog-Credential"].split("/", 1)[1]
    to_sign = "\n".join(
        [
            "GOOG4-RSA-SHA256",
            query["X-Goog-Date"],
            scope,
            hashlib.sha256(request.encode()).hexdigest(),
        ]
    )
    public = serialization.load_pem_private_key(key_info["private_key"].encode(), None).public_key()
    public.verify(
        bytes.fromhex(query["X-Goog-Signature"]),
        to_sign.encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )


def test_url_is_for_one_object_put_only_and_signed(signed):
    upload, key, _ = signed
    parts = urlsplit(upload.url)
    assert parts.netloc == "127.0.0.1:4443"
    assert parts.path == "/bkt/uploads/abc"
    verify(upload.url, "PUT", upload.headers, key)  # raises if the signature is wrong
    with pytest.raises(InvalidSignature):
        verify(upload.url, "GET", upload.headers, key)
    with pytest.raises(InvalidSignature):
        verify(upload.url.replace("uploads/abc", "uploads/abd"), "PUT", upload.headers, key)


def test_content_type_and_size_range_are_signed_headers(signed):
    upload, key, _ = signed
    query = dict(parse_qsl(urlsplit(upload.url).query))
    assert query["X-Goog-SignedHeaders"] == "content-type;host;x-goog-content-length-range"
    assert upload.headers == {
        "Content-Type": "video/webm",
        "x-goog-content-length-range": f"1,{MAX}",
    }
    for name, forged in [
        ("Content-Type", "text/html"),
        ("x-goog-content-length-range", "1,999999999999"),
    ]:
        with pytest.raises(InvalidSignature):
            verify(upload.url, "PUT", {**upload.headers, name: forged}, key)


def test_expires_in_at_most_15_minutes(signed):
    upload, key, now = signed
    query = dict(parse_qsl(urlsplit(upload.url).query))
    assert int(query["X-Goog-Expires"]) <= 900
    signed_at = datetime.strptime(query["X-Goog-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((signed_at - now).total_seconds()) < 5
    assert upload.expires_at - now == timedelta(seconds=900)
    assert query["X-Goog-Credential"].split("/")[0] == key["client_email"]


def test_ttl_setting_cannot_exceed_15_minutes():
    with pytest.raises(ValueError):
        Settings(signed_url_ttl_sec=3600, _env_file=None)
