"""upload_url's core with in-memory parts: quotas before signing, owner on the job,
the Gemini token budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.core import quotas
from shared.core.identity import Identity, InvalidToken, bearer_token, identity_from_claims
from shared.core.settings import Settings
from shared.orchestration.uploads import Uploads
from tests.fakes.memory import MemoryQuotas, MemoryStorage, MemoryStore

BODY = {"filename": "a.mp4", "content_type": "video/mp4", "size": 1000}


def uploads(**settings: object) -> tuple[Uploads, MemoryStore, MemoryQuotas]:
    store, q = MemoryStore(), MemoryQuotas()
    s = Settings(_env_file=None, **settings)  # type: ignore[arg-type]
    return Uploads(s, store, MemoryStorage(), q), store, q


def test_each_scope_has_its_limit_and_message() -> None:
    core, store, _ = uploads(quota_user_daily=2, quota_ip_daily=3, quota_service_daily=4)
    me, other = Identity("me", True), Identity("other", True)
    got = [core.create(BODY, identity=me, client_ip="1.1.1.1").status for _ in range(3)]
    assert got == [201, 201, 429]
    assert core.create(BODY, identity=other, client_ip="1.1.1.1").status == 201
    by_ip = core.create(BODY, identity=Identity("third", True), client_ip="1.1.1.1")
    assert by_ip.status == 429 and by_ip.body["error"]["code"] == "quota_ip"
    service = core.create(BODY, identity=Identity("fourth", True), client_ip="2.2.2.2")
    assert service.status == 201
    full = core.create(BODY, identity=Identity("fifth", True), client_ip="3.3.3.3")
    assert full.body["error"]["code"] == "quota_service" and "Retry-After" in full.headers
    assert {doc["owner"] for doc in store.docs.values()} == {"me", "other", "fourth"}


def test_a_refused_request_costs_no_quota() -> None:
    core, _, q = uploads(quota_user_daily=1)
    bad = core.create({**BODY, "size": 0}, identity=Identity("me", True), client_ip="1.1.1.1")
    assert bad.status == 400 and q.counts == {}
    assert core.create(BODY, identity=Identity("me", True), client_ip="1.1.1.1").status == 201


def test_the_token_budget_stops_new_uploads() -> None:
    core, _, q = uploads(quota_service_tokens=1000)
    q.add_tokens(quotas.service_doc_id(datetime.now(UTC)), 1000)
    answer = core.create(BODY, identity=Identity("me", True), client_ip="1.1.1.1")
    assert answer.status == 429 and answer.body["error"]["code"] == "quota_service"


def test_addresses_are_stored_hashed() -> None:
    core, _, q = uploads()
    core.create(BODY, identity=Identity("me", True), client_ip="203.0.113.7")
    assert not any("203.0.113.7" in key for key in q.counts)


def test_wait_text_and_retry_after() -> None:
    now = datetime(2026, 11, 24, 18, 47, 30, tzinfo=UTC)
    assert quotas.wait_text(now) == "5 ч 13 мин"
    assert quotas.retry_after_sec(now) == 5 * 3600 + 12 * 60 + 30


CLAIMS = {
    "aud": "p",
    "iss": "https://securetoken.google.com/p",
    "sub": "uid-1",
    "iat": 1000,
    "exp": 4600,
    "firebase": {"sign_in_provider": "anonymous"},
}


def test_claims_are_checked() -> None:
    assert identity_from_claims(CLAIMS, "p", 2000) == Identity("uid-1", True)
    for change in (
        {"aud": "q"},
        {"iss": "https://securetoken.google.com/q"},
        {"exp": 1000},
        {"iat": 9000},
        {"sub": ""},
        {"sub": "a/b"},  # before: a 500 (a path in the quota's document id)
        {"sub": "a\x00b"},
        {"firebase": "anonymous"},  # before: a 500 (str has no .get)
        {"firebase": ["x"]},
    ):
        try:
            identity_from_claims({**CLAIMS, **change}, "p", 2000)
        except InvalidToken:
            continue
        raise AssertionError(f"accepted {change}")


def test_bearer_header_parsing() -> None:
    assert bearer_token("Bearer abc") == "abc"
    for bad in (None, "", "Bearer ", "Basic abc", "abc"):
        try:
            bearer_token(bad)
        except InvalidToken:
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_an_ipv6_client_is_its_64_not_each_address() -> None:
    """Before: every address of a /64 (2**64 of them, picked at will) had its own quota."""
    core, _, _ = uploads(quota_user_daily=100, quota_ip_daily=2)
    got = [
        core.create(BODY, identity=Identity(f"u{i}", True), client_ip=address).status
        for i, address in enumerate(
            ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2:a:b:c:d"]
        )
    ]
    assert got == [201, 201, 429]
    # the next /64 is another client
    other = core.create(BODY, identity=Identity("v", True), client_ip="2001:db8:1:3::1")
    assert other.status == 201


def test_the_network_a_quota_is_keyed_on() -> None:
    assert quotas.network_of("2001:DB8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert quotas.network_of("fe80::1%eth0") == "fe80::/64"
    assert quotas.network_of("::ffff:203.0.113.7") == "203.0.113.7"
    assert quotas.network_of("203.0.113.7") == "203.0.113.7"
    assert quotas.network_of("unknown") == "unknown"
    salt = "p"
    assert quotas.ip_key("203.0.113.7", salt) == quotas.ip_key("::ffff:203.0.113.7", salt)
    assert quotas.ip_key("203.0.113.7", salt) != quotas.ip_key("203.0.113.8", salt)


def test_unused_urls_give_their_share_back() -> None:
    """Issue 20, item 2: the service budget was counted when a URL was issued, so 200
    POSTs and no upload refused every new user until midnight. A URL now holds its
    share until it expires; an upload charges it for good."""
    core, store, q = uploads(quota_service_daily=2, quota_user_daily=10)
    t0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    core.clock = lambda: t0
    ask = [
        core.create(BODY, identity=Identity(f"u{i}", True), client_ip=f"10.0.0.{i}")
        for i in range(3)
    ]
    assert [a.status for a in ask] == [201, 201, 429]  # live reservations count
    used = ask[0].body["job_id"]
    q.charge(store.docs[used]["quota_docs"], used)
    q.charge(store.docs[used]["quota_docs"], used)  # a duplicate delivery: charged once
    core.clock = lambda: t0 + timedelta(seconds=901)  # the URLs have expired
    late = [
        core.create(BODY, identity=Identity(f"v{i}", True), client_ip=f"10.1.0.{i}")
        for i in range(2)
    ]
    assert [a.status for a in late] == [201, 429]  # the unused URL gave its share back
    assert q.counts[quotas.service_doc_id(t0)] == 2  # one charged, one held
