"""The whole system on 127.0.0.1: emulators, the three functions, the web page.

    Pub/Sub emulator   topic `uploads` -> push subscription -> analyze function
                       dead-letter topic + pull subscription for inspection
    Firestore emulator job documents (security rules from firestore.rules)
    Auth emulator      Firebase Authentication (firebase-tools): anonymous users
    fake-gcs-server    the upload bucket; finalize events -> topic `uploads`
    functions          upload_url, status, analyze, sweep under functions-framework
    web                web/dist and /config.json
    watcher            calls sweep every `sweep_interval_sec` (Cloud Scheduler's job) and
                       starts a function again when its process died (as Cloud Run
                       starts a new instance)

Used by `make run` (python -m devstack run) and by the test suite.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, fields
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from devstack.emulators import (
    AuthEmulator,
    FakeGcs,
    FirestoreEmulator,
    PortInUse,
    Process,
    PubSubEmulator,
    free_port,
)
from devstack.signing import write_signing_key

ROOT = Path(__file__).resolve().parent.parent
TOPIC = "uploads"
DEAD_LETTER_TOPIC = "uploads-dead-letter"
PUSH_SUBSCRIPTION = "analyze-push"
DEAD_LETTER_SUBSCRIPTION = "uploads-dead-letter-inspect"
BUCKET = "reels-uploads"
PREFIX = "uploads/"


@dataclass
class Ports:
    web: int = 8000
    upload_url: int = 8081
    status: int = 8082
    analyze: int = 8083
    firestore: int = 8080
    pubsub: int = 8085
    gcs: int = 4443
    sweep: int = 8084
    auth: int = 9099

    @classmethod
    def free(cls) -> Ports:
        return cls(*(free_port() for _ in fields(cls)))


def _capture(fn: Any, errors: list[BaseException]) -> None:
    try:
        fn()
    except BaseException as exc:  # re-raised by the thread that waits
        errors.append(exc)


class FunctionProcess(Process):
    def __init__(self, target: str, signature: str, port: int, env: dict[str, str], **kw: Any):
        self.name = f"fn-{target}"
        super().__init__(port, **kw)
        self.target, self.signature, self._env = target, signature, env

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "functions_framework",
            f"--target={self.target}",
            f"--source={ROOT / 'functions' / self.target / 'main.py'}",
            f"--signature-type={self.signature}",
            "--host=127.0.0.1",
            f"--port={self.port}",
        ]

    def env(self) -> dict[str, str]:
        return self._env


class _WebHandler(SimpleHTTPRequestHandler):
    config: bytes = b"{}"

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/config.json":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(self.config)))
            self.end_headers()
            self.wfile.write(self.config)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@dataclass
class Stack:
    ports: Ports = field(default_factory=Ports)
    project: str = field(default_factory=lambda: f"reels-local-{int(time.time())}")
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="reels-stack-")))
    extra_env: dict[str, str] = field(default_factory=dict)
    web_dir: Path = ROOT / "web" / "dist"
    # Local retries are quick so a test sees redelivery in seconds, not minutes.
    retry_min_sec: int = 1
    retry_max_sec: int = 10
    max_delivery_attempts: int = 5
    # Cloud Scheduler runs the sweep every minute; 0 switches the local timer off.
    sweep_interval_sec: float = 60.0

    def __post_init__(self) -> None:
        self._procs: list[Process] = []
        self.auth: AuthEmulator | None = None
        self._functions: list[FunctionProcess] = []
        self._web: ThreadingHTTPServer | None = None
        self._stop_watch = threading.Event()
        self._watcher: threading.Thread | None = None
        self.restarts: list[str] = []
        self.logs_dir = self.workdir / "logs"

    # -- addresses -------------------------------------------------------
    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.web}"

    @property
    def upload_url_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports.upload_url}/"

    @property
    def status_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports.status}/"

    @property
    def analyze_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports.analyze}/projects/{self.project}/topics/{TOPIC}"

    @property
    def sweep_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports.sweep}/"

    @property
    def auth_host(self) -> str:
        return f"127.0.0.1:{self.ports.auth}"

    @property
    def firestore_host(self) -> str:
        return f"127.0.0.1:{self.ports.firestore}"

    @property
    def pubsub_host(self) -> str:
        return f"127.0.0.1:{self.ports.pubsub}"

    @property
    def gcs_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gcs}"

    @property
    def bucket(self) -> str:
        return BUCKET

    def function_env(self) -> dict[str, str]:
        """The environment the functions run with (and tests use for adapters)."""
        return {
            "GOOGLE_CLOUD_PROJECT": self.project,
            "FIRESTORE_EMULATOR_HOST": self.firestore_host,
            "PUBSUB_EMULATOR_HOST": self.pubsub_host,
            "STORAGE_EMULATOR_HOST": self.gcs_url,
            "FIREBASE_AUTH_EMULATOR_HOST": self.auth_host,
            "UPLOAD_BUCKET": BUCKET,
            "UPLOAD_PREFIX": PREFIX,
            "STATUS_BASE_URL": self.status_endpoint.rstrip("/"),
            "FRONTEND_URL": f"{self.web_url},http://localhost:{self.ports.web}",
            "SIGNING_KEY_FILE": str(self.workdir / "signing-key.json"),
            **self.extra_env,
        }

    # -- life cycle ------------------------------------------------------
    def start(self) -> Stack:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def start_on_free_ports(self, attempts: int = 3) -> Stack:
        """Start on ports free now. They are chosen before the processes bind them, so
        another stack on the machine or an outgoing connection may take one first:
        then start again on others."""
        for attempt in range(attempts):
            self.ports = Ports.free()
            try:
                return self.start()
            except PortInUse:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def _start(self) -> None:
        # A fresh start: no objects or logs from an earlier run (the project id is new too).
        for stale in (self.workdir / "gcs", self.logs_dir):
            shutil.rmtree(stale, ignore_errors=True)
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        write_signing_key(self.workdir / "signing-key.json", self.project)
        pubsub = PubSubEmulator(self.ports.pubsub, log_dir=self.logs_dir)
        firestore = FirestoreEmulator(
            self.ports.firestore, rules=self._rules_file(), log_dir=self.logs_dir
        )
        self.auth = AuthEmulator(
            self.ports.auth, self.project, self.workdir / "auth", log_dir=self.logs_dir
        )
        self._procs += [pubsub, firestore, self.auth]
        # The Auth emulator (Node) starts in the time the Java emulators take.
        auth_error: list[BaseException] = []
        auth_start = threading.Thread(
            target=lambda: _capture(self.auth.start, auth_error), name="auth-start"
        )
        auth_start.start()
        pubsub.start()
        firestore.start()
        self._create_topics()
        gcs = FakeGcs(
            self.ports.gcs,
            pubsub_host=self.pubsub_host,
            project=self.project,
            topic=TOPIC,
            prefix=PREFIX,
            root=self.workdir / "gcs",
            log_dir=self.logs_dir,
        )
        self._procs.append(gcs)
        gcs.start()
        self._create_bucket()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        env.pop("GOOGLE_APPLICATION_CREDENTIALS", None)
        env.update(self.function_env())
        functions = [
            FunctionProcess(
                "upload_url", "http", self.ports.upload_url, env, log_dir=self.logs_dir
            ),
            FunctionProcess("status", "http", self.ports.status, env, log_dir=self.logs_dir),
            FunctionProcess(
                "analyze",
                "cloudevent",
                self.ports.analyze,
                {**env, "THREADS": "4"},
                log_dir=self.logs_dir,
            ),
            FunctionProcess("sweep", "http", self.ports.sweep, env, log_dir=self.logs_dir),
        ]
        self._procs += functions
        self._functions = functions
        for fn in functions:
            fn.start()
        auth_start.join()
        if auth_error:
            raise auth_error[0]
        self._create_push_subscription()
        self._start_web()
        self._watcher = threading.Thread(target=self._watch, name="stack-watcher", daemon=True)
        self._watcher.start()

    def function(self, target: str) -> FunctionProcess:
        return next(fn for fn in self._functions if fn.target == target)

    def _watch(self) -> None:
        """Restart functions whose process died; run the sweep on its interval."""
        next_sweep = time.monotonic() + (self.sweep_interval_sec or float("inf"))
        while not self._stop_watch.wait(0.5):
            for fn in self._functions:
                if fn.exited():
                    self.restarts.append(fn.target)
                    try:
                        fn.start()
                    except RuntimeError as exc:  # the port may linger a moment
                        print(f"devstack: restarting {fn.name} failed: {exc}", file=sys.stderr)
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + self.sweep_interval_sec
                self.sweep()

    def sweep(self) -> dict[str, Any] | None:
        """Run the sweep function once (what Cloud Scheduler does every minute)."""
        request = urllib.request.Request(self.sweep_endpoint, data=b"{}", method="POST")
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return dict(json.loads(answer.read()))
        except (OSError, ValueError) as exc:
            print(f"devstack: sweep failed: {exc}", file=sys.stderr)
            return None

    def _rules_file(self) -> Path | None:
        rules = ROOT / "firestore.rules"
        return rules if rules.exists() else None

    def _with_env(self) -> dict[str, str | None]:
        saved = {k: os.environ.get(k) for k in ("PUBSUB_EMULATOR_HOST", "STORAGE_EMULATOR_HOST")}
        os.environ["PUBSUB_EMULATOR_HOST"] = self.pubsub_host
        os.environ["STORAGE_EMULATOR_HOST"] = self.gcs_url
        return saved

    @staticmethod
    def _restore_env(saved: dict[str, str | None]) -> None:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def publisher(self) -> Any:
        from google.cloud import pubsub_v1

        saved = self._with_env()
        try:
            return pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
        finally:
            self._restore_env(saved)

    def _create_topics(self) -> None:
        publisher, subscriber = self.publisher()
        for topic in (TOPIC, DEAD_LETTER_TOPIC):
            publisher.create_topic(name=publisher.topic_path(self.project, topic))
        subscriber.create_subscription(
            request={
                "name": subscriber.subscription_path(self.project, DEAD_LETTER_SUBSCRIPTION),
                "topic": publisher.topic_path(self.project, DEAD_LETTER_TOPIC),
                "message_retention_duration": {"seconds": 7 * 24 * 3600},
            }
        )

    def _create_push_subscription(self) -> None:
        publisher, subscriber = self.publisher()
        subscriber.create_subscription(
            request={
                "name": subscriber.subscription_path(self.project, PUSH_SUBSCRIPTION),
                "topic": publisher.topic_path(self.project, TOPIC),
                "push_config": {"push_endpoint": self.analyze_endpoint},
                "ack_deadline_seconds": 600,
                "retry_policy": {
                    "minimum_backoff": {"seconds": self.retry_min_sec},
                    "maximum_backoff": {"seconds": self.retry_max_sec},
                },
                "dead_letter_policy": {
                    "dead_letter_topic": publisher.topic_path(self.project, DEAD_LETTER_TOPIC),
                    "max_delivery_attempts": self.max_delivery_attempts,
                },
            }
        )

    def _create_bucket(self) -> None:
        body = json.dumps({"name": BUCKET}).encode()
        request = urllib.request.Request(
            f"{self.gcs_url}/storage/v1/b?project={self.project}",
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            urllib.request.urlopen(request, timeout=10).close()
        except urllib.error.HTTPError as exc:
            if exc.code != 409:  # 409: it exists already
                raise

    def web_config(self) -> dict[str, Any]:
        """The page's config.json: the functions' addresses and the limits the functions
        enforce (shared.core.contract.limits of the same settings: environment, .env,
        then this stack's overrides)."""
        from shared.core.contract import limits
        from shared.core.settings import Settings

        overrides = {key.lower(): value for key, value in self.extra_env.items()}
        settings = Settings(**{k: v for k, v in overrides.items() if k in Settings.model_fields})
        return {
            "uploadUrlEndpoint": self.upload_url_endpoint,
            "statusEndpoint": self.status_endpoint,
            **limits(settings),
            "jobsCollection": settings.jobs_collection,
            "privateJobsCollection": settings.private_jobs_collection,
            "firebase": {
                "projectId": self.project,
                "apiKey": "local-emulator-key",
                "appId": self.project,
            },
            "firestoreEmulator": {"host": "127.0.0.1", "port": self.ports.firestore},
            "authEmulator": f"http://{self.auth_host}",
        }

    def _start_web(self) -> None:
        self.web_dir.mkdir(parents=True, exist_ok=True)
        handler = type(
            "Handler", (_WebHandler,), {"config": json.dumps(self.web_config()).encode()}
        )
        server = ThreadingHTTPServer(
            ("127.0.0.1", self.ports.web), partial(handler, directory=str(self.web_dir))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._web = server

    def stop(self) -> None:
        self._stop_watch.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
            self._watcher = None
        if self._web is not None:
            self._web.shutdown()
            self._web.server_close()
            self._web = None
        for proc in reversed(self._procs):
            proc.stop()
        self._procs.clear()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- inspection ------------------------------------------------------
    def sign_up(self) -> str:
        """A new anonymous user's ID token (what the page and the CLI do first)."""
        assert self.auth is not None, "the stack is not running"
        return self.auth.sign_up()["idToken"]

    def dead_letters(self, max_messages: int = 10) -> list[dict[str, Any]]:
        """Pull (and acknowledge) what landed in the dead-letter subscription."""
        _, subscriber = self.publisher()
        sub = subscriber.subscription_path(self.project, DEAD_LETTER_SUBSCRIPTION)
        response = subscriber.pull(
            request={"subscription": sub, "max_messages": max_messages}, timeout=10
        )
        out = [
            {
                "attributes": dict(m.message.attributes),
                "data": m.message.data.decode(errors="replace"),
            }
            for m in response.received_messages
        ]
        if response.received_messages:
            subscriber.acknowledge(
                request={
                    "subscription": sub,
                    "ack_ids": [m.ack_id for m in response.received_messages],
                }
            )
        return out
