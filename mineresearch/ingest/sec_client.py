"""A polite HTTP client for SEC EDGAR's JSON APIs (``data.sec.gov``), on the standard library.

The SEC's fair-access rules (https://www.sec.gov/os/accessing-edgar-data): every request declares a
User-Agent naming the requester with a contact address, and a client makes at most 10 requests per
second. This client:

- refuses to start without such a User-Agent (``check_user_agent``);
- spaces requests at least ``1 / max_per_second`` seconds apart;
- retries 429 and 5xx responses, and connection failures, with exponential backoff, waiting what a
  ``Retry-After`` header asks (seconds or an HTTP date) when there is one;
- keeps each response on disk with its ``ETag`` and ``Last-Modified`` and revalidates it
  (``If-None-Match`` / ``If-Modified-Since``): an unchanged document is a 304 with no body;
- checks every body is complete JSON before it is cached or returned. A timeout, a truncated or
  non-JSON body, or a refused request raises ``SecFetchError`` naming the company.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import http.client
import json
import os
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "https://data.sec.gov"
USER_AGENT_RULE = (
    "the SEC requires a User-Agent naming you and a contact e-mail address, e.g. "
    "--user-agent \"Jane Analyst jane@example.com\" (or set MINERESEARCH_SEC_USER_AGENT)"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class SecFetchError(Exception):
    """A document could not be fetched; the message names the company and the cause."""


class SecNotFound(SecFetchError):
    """The server has no such document (HTTP 404): for company facts, a company without XBRL financial data."""


def check_user_agent(user_agent: str | None) -> str:
    """The User-Agent, stripped, when it names someone with a contact address.

    Raises:
        ValueError: missing, or without an e-mail address (message: ``USER_AGENT_RULE``).
    """
    text = (user_agent or "").strip()
    if not _EMAIL.search(text) or len(text.split()) < 2:
        raise ValueError(USER_AGENT_RULE)
    return text


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class FetchStats:
    """What a client did: requests sent, bodies downloaded, 304 revalidations, retries, body bytes received."""

    requests: int = 0
    downloaded: int = 0
    not_modified: int = 0
    retries: int = 0
    bytes: int = 0


@dataclass
class SecClient:
    """Fetch JSON documents under ``base_url`` politely, with a revalidated disk cache.

    Args:
        user_agent: checked by ``check_user_agent``.
        base_url: ``https://data.sec.gov`` or a mirror / proxy serving the same paths.
        cache_dir: where responses and their validators are kept (one folder per host).
        max_per_second: request rate ceiling (the SEC allows 10).
        timeout: seconds to wait for a response.
        retries: further attempts after a 429, a 5xx or a connection failure.
        backoff: first wait in seconds when no ``Retry-After`` is given; doubled each attempt, capped at 60.
        sleep, clock: injectable for tests.
    """

    user_agent: str
    base_url: str
    cache_dir: Path
    max_per_second: float = 10.0
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    stats: FetchStats = field(default_factory=FetchStats)
    _last: float | None = None

    def __post_init__(self) -> None:
        self.user_agent = check_user_agent(self.user_agent)
        self.base_url = self.base_url.rstrip("/")
        host = urlsplit(self.base_url).netloc or "local"
        self.cache_dir = Path(self.cache_dir) / re.sub(r"[^A-Za-z0-9.-]", "_", host)

    def get_json(self, path: str, company: str) -> dict:
        """The JSON object at ``base_url + path``, from the cache when the server says it is unchanged.

        Raises:
            SecFetchError: naming ``company``, for any failure (nothing is cached then).
        """
        url = f"{self.base_url}/{path.lstrip('/')}"
        body_file, meta_file = self._cache_files(path)
        meta = _read_meta(meta_file) if body_file.is_file() else {}
        attempt = 0
        while True:
            status, headers, body = self._request(url, meta, company)
            if status == 304 and body_file.is_file():
                self.stats.not_modified += 1
                return _parse(body_file.read_bytes(), company, url)
            if status == 200:
                document = _parse(body, company, url)
                self.stats.downloaded += 1
                _write_atomic(body_file, body)
                validators = {k: headers[k] for k in ("ETag", "Last-Modified") if headers.get(k)}
                _write_atomic(meta_file, json.dumps(validators).encode())
                return document
            if status in RETRY_STATUSES and attempt < self.retries:
                wait = retry_after_seconds(headers.get("Retry-After"))
                self._wait(wait if wait is not None else min(60.0, self.backoff * 2**attempt))
                attempt += 1
                self.stats.retries += 1
                continue
            if status == 404:
                raise SecNotFound(f"{company}: {url} answered HTTP 404 (no such document)")
            hint = " (the SEC refuses clients without a declared User-Agent or over the rate limit)" \
                if status == 403 else ""
            raise SecFetchError(f"{company}: {url} answered HTTP {status}" + (
                f" after {attempt + 1} attempts" if status in RETRY_STATUSES else "") + hint)

    def _request(self, url: str, meta: dict[str, str], company: str) -> tuple[int, dict[str, str], bytes]:
        """One GET (rate-limited); (status, headers, decoded body). Connection failures are retried."""
        headers = {"User-Agent": self.user_agent, "Accept": "application/json", "Accept-Encoding": "gzip"}
        if meta.get("ETag"):
            headers["If-None-Match"] = meta["ETag"]
        if meta.get("Last-Modified"):
            headers["If-Modified-Since"] = meta["Last-Modified"]
        for attempt in range(self.retries + 1):
            self._throttle()
            self.stats.requests += 1
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=self.timeout) as r:
                    status, received, raw = r.status, dict(r.headers.items()), r.read()
                self.stats.bytes += len(raw)  # as sent, compressed or not
                return status, received, _decoded(raw, received.get("Content-Encoding"), company, url)
            except urllib.error.HTTPError as exc:
                body = exc.read() if exc.code != 304 else b""
                return exc.code, dict(exc.headers.items()), body
            except http.client.IncompleteRead:
                raise SecFetchError(f"{company}: {url}: the response was truncated") from None
            except OSError as exc:
                if attempt == self.retries:
                    reason = "timed out" if _is_timeout(exc) else f"failed ({exc})"
                    raise SecFetchError(f"{company}: {url}: the request {reason} "
                                        f"after {attempt + 1} attempts") from None
                self.stats.retries += 1
                self._wait(min(60.0, self.backoff * 2**attempt))
        raise AssertionError("unreachable")

    def _throttle(self) -> None:
        now = self.clock()
        if self._last is not None:
            gap = 1.0 / self.max_per_second - (now - self._last)
            if gap > 0:
                self.sleep(gap)
        self._last = self.clock()

    def _wait(self, seconds: float) -> None:
        self.sleep(seconds)

    def _cache_files(self, path: str) -> tuple[Path, Path]:
        name = re.sub(r"[^A-Za-z0-9.-]", "_", path.strip("/")) or "index"
        if len(name) > 120:
            name = hashlib.sha256(path.encode()).hexdigest()
        return self.cache_dir / name, self.cache_dir / f"{name}.meta"


def _is_timeout(exc: BaseException) -> bool:
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason)


def _decoded(body: bytes, encoding: str | None, company: str, url: str) -> bytes:
    if (encoding or "").lower() != "gzip":
        return body
    try:
        return gzip.decompress(body)
    except (OSError, EOFError):
        raise SecFetchError(f"{company}: {url}: the response was truncated (incomplete gzip)") from None


def _parse(body: bytes, company: str, url: str) -> dict:
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SecFetchError(f"{company}: {url}: the response is truncated or not JSON") from None
    if not isinstance(document, dict):
        raise SecFetchError(f"{company}: {url}: the response is not a JSON object")
    return document


def _read_meta(path: Path) -> dict[str, str]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: str(v) for k, v in meta.items()} if isinstance(meta, dict) else {}


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
