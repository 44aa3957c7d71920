"""Daily quotas that cap the bill: per user, per client address, and for the whole
service (videos, and Gemini tokens spent). Pure: the counting happens in one
Firestore transaction (`shared.adapters.firestore_quotas`), the rules live here.

Counters are documents `quotas/<day>:<scope>:<key>`; a day is a UTC date, and quotas
reset at 00:00 UTC. What is counted is what is used: a signed URL *holds* its share
(`held.<job id>`: until the URL expires) and an upload *charges* it (`count` + 1,
`charged.<job id>`, once however often it is delivered). A URL never used gives its
share back when it expires. The service's document also counts `tokens`.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from shared.core.messages import ErrorCode


class Scope(StrEnum):
    USER = "user"
    IP = "ip"
    SERVICE = "service"


@dataclass(frozen=True)
class Counter:
    """One counter a new upload needs room in."""

    scope: Scope
    doc_id: str
    limit: int


@dataclass(frozen=True)
class Limits:
    per_user: int
    per_ip: int
    service_videos: int
    service_tokens: int  # Gemini tokens a day for the whole service; 0 = no cap


@dataclass(frozen=True)
class Hold:
    """A signed URL's share in each counter: the job's, until the URL expires."""

    job_id: str
    until: datetime


def _live(value: dict[str, Any], now: datetime) -> dict[str, datetime]:
    charged = value.get("charged") or {}
    return {
        job: until
        for job, until in (value.get("held") or {}).items()
        if until > now and job not in charged
    }


def in_use(value: dict[str, Any], now: datetime) -> int:
    """Uploads charged plus URLs still live that may yet be used."""
    return int(value.get("count", 0)) + len(_live(value, now))


def holding(value: dict[str, Any], hold: Hold, now: datetime) -> dict[str, datetime]:
    """The counter's new `held` map: its live reservations and this one (lapsed ones go)."""
    return {**_live(value, now), hold.job_id: hold.until}


def charging(value: dict[str, Any], job_id: str) -> dict[str, Any] | None:
    """The counter's fields once `job_id`'s upload is charged; None if it already was."""
    charged = dict(value.get("charged") or {})
    if job_id in charged:
        return None
    held = {job: until for job, until in (value.get("held") or {}).items() if job != job_id}
    charged[job_id] = True
    return {"count": int(value.get("count", 0)) + 1, "held": held, "charged": charged}


def releasing(value: dict[str, Any], job_id: str) -> dict[str, datetime] | None:
    """The counter's `held` map without `job_id`'s share (its result came from the
    cache: nothing used); None if the job holds nothing there."""
    held = dict(value.get("held") or {})
    if job_id not in held:
        return None
    del held[job_id]
    return held


def day_of(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%d")


def resets_at(now: datetime) -> datetime:
    """The next 00:00 UTC."""
    start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(days=1)


IPV6_PREFIX = 64


def network_of(address: str) -> str:
    """What one client is: an IPv4 address, or an IPv6 /64. A provider hands every
    customer at least a /64 (RFC 6177) and a host picks any address in it at will
    (privacy addresses, RFC 8981), so a per-address quota keyed on the full IPv6 address
    is 2**64 quotas for one client. An IPv4-mapped address is its IPv4 address; a
    string that is no address stays itself."""
    try:
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def ip_key(address: str, salt: str) -> str:
    """Addresses are not stored: a salted hash of the client's network stands for them."""
    return hashlib.sha256(f"{salt}:{network_of(address)}".encode()).hexdigest()[:24]


def counters(uid: str, ip_hash: str, limits: Limits, now: datetime) -> list[Counter]:
    day = day_of(now)
    return [
        Counter(Scope.USER, f"{day}:user:{uid}", limits.per_user),
        Counter(Scope.IP, f"{day}:ip:{ip_hash}", limits.per_ip),
        Counter(Scope.SERVICE, f"{day}:service", limits.service_videos),
    ]


def service_doc_id(now: datetime) -> str:
    return f"{day_of(now)}:service"


ERROR_OF_SCOPE = {
    Scope.USER: ErrorCode.QUOTA_USER,
    Scope.IP: ErrorCode.QUOTA_IP,
    Scope.SERVICE: ErrorCode.QUOTA_SERVICE,
}


def wait_text(now: datetime) -> str:
    """'5 ч 12 мин' until the reset, in Russian."""
    left = max(60, int((resets_at(now) - now).total_seconds()))
    hours, minutes = divmod((left + 59) // 60, 60)
    if hours and minutes:
        return f"{hours} ч {minutes} мин"
    return f"{hours} ч" if hours else f"{minutes} мин"


def retry_after_sec(now: datetime) -> int:
    return max(1, int((resets_at(now) - now).total_seconds()))
