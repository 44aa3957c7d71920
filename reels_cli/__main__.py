"""`python -m reels_cli VIDEO`: the same path a browser takes.

POST upload_url -> PUT the file to the signed URL -> poll status until the job
ends -> print the result readably (or as JSON with --json).
Exit codes: 0 success, 1 the job failed, 2 a usage or connection problem.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import shutil
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import requests

from reels_cli.anatomy import pacing_line, render_hook
from reels_cli.auth import AuthConfig, AuthError, id_token
from shared.core.contract import EXTENSION_TYPES
from shared.core.jobs import TERMINAL
from shared.core.messages import NOTICES, ErrorCode, Notice, error_message

NOTICE_CODES = {notice.value for notice in Notice}

# The server's accepted types and messages (the one source of truth:
# shared/core/contract.py and the modules it reads), never copied here.
TYPES = {f".{ext}": mime for ext, mime in EXTENSION_TYPES.items()}


class Bar:
    """One progress line on a terminal; plain lines when not a terminal."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.last = ""

    def show(self, fraction: float, label: str) -> None:
        fraction = max(0.0, min(1.0, fraction))
        width = 30
        filled = int(fraction * width)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {fraction * 100:5.1f}%  {label}"
        if self.tty:
            cols = shutil.get_terminal_size((100, 20)).columns
            self.stream.write("\r" + line[: cols - 1].ljust(cols - 1))
            self.stream.flush()
        else:  # a log: one line per stage, and per tenth of an upload
            key = f"{label.split(' ')[0]} {int(fraction * 10)}"
            if key != self.last:
                self.stream.write(line + "\n")
            self.last = key

    def done(self) -> None:
        if self.tty:
            self.stream.write("\n")


def content_type_for(path: Path) -> str:
    return TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "video/mp4"


class ProgressReader:
    """The file as a PUT body with a known length (no chunked encoding), reporting
    bytes sent, speed and time left as requests reads it."""

    def __init__(self, path: Path, bar: Bar) -> None:
        self.file = path.open("rb")
        self.total = path.stat().st_size
        self.sent = 0
        self.start = time.monotonic()
        self.bar = bar

    def __len__(self) -> int:
        return self.total

    def read(self, size: int = -1) -> bytes:
        chunk = self.file.read(size if size and size > 0 else 256 * 1024)
        self.sent += len(chunk)
        speed = self.sent / max(time.monotonic() - self.start, 1e-6)
        left = (self.total - self.sent) / speed if speed else 0
        self.bar.show(
            self.sent / max(self.total, 1),
            f"Загрузка {self.sent / 1e6:.1f}/{self.total / 1e6:.1f} МБ, "
            f"{speed / 1e6:.1f} МБ/с, осталось {left:.0f} с",
        )
        return chunk

    def close(self) -> None:
        self.file.close()


def analyze(
    path: Path,
    api: str,
    language: str,
    timeout: float,
    bar: Bar,
    token: str,
    topic: str | None = None,
) -> dict[str, Any]:
    size = path.stat().st_size
    answer = requests.post(
        api,
        json={
            "filename": path.name,
            "content_type": content_type_for(path),
            "size": size,
            "language": language,
            **({"topic": topic} if topic else {}),
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body = answer.json()
    if answer.status_code != 201:
        error = body.get("error", {})
        raise SystemExit(_fail(error.get("message") or answer.text, error.get("code")))
    upload = body["upload"]
    body_reader = ProgressReader(path, bar)
    try:
        put = requests.request(
            upload["method"],
            upload["url"],
            data=body_reader,
            headers=upload["headers"],
            timeout=600,
        )
    finally:
        body_reader.close()
    if put.status_code >= 300:
        raise SystemExit(_fail(f"Загрузка не удалась: HTTP {put.status_code} {put.text[:200]}"))
    deadline = time.monotonic() + timeout
    delay = 0.5
    while time.monotonic() < deadline:
        reply = requests.get(body["status_url"], timeout=30)
        status = reply.json()
        if reply.status_code == 404:  # expired and deleted: no use waiting for it
            bar.done()
            message = (status.get("error") or {}).get("message")
            raise SystemExit(_fail(message or error_message(ErrorCode.NOT_FOUND), "not_found"))
        if "state" in status:  # else a passing server error: ask again
            bar.show(status.get("progress", 0) / 100, status.get("status", ""))
            if status["state"] in TERMINAL:
                bar.done()
                return {"job_id": body["job_id"], **status}
        time.sleep(delay)
        delay = min(delay * 1.5, 3.0)
    bar.done()
    raise SystemExit(_fail(f"Нет результата за {timeout:.0f} с; задача {body['job_id']}"))


def _fail(message: str, code: str | None = None) -> int:
    print(f"Ошибка{f' ({code})' if code else ''}: {message}", file=sys.stderr)
    return 1 if code else 2


def render(result: dict[str, Any], width: int = 100) -> str:
    """The result as text a person reads in a terminal."""

    def wrap(text: str, indent: str = "  ") -> str:
        return textwrap.fill(text or "—", width, initial_indent=indent, subsequent_indent=indent)

    original = result.get("original", {})
    meta = result.get("meta", {})
    out = []
    for notice in meta.get("notices") or []:  # from the cache, the AI unavailable...
        code = notice.get("code")
        text = NOTICES.get(Notice(code)) if code in NOTICE_CODES else notice.get("message")
        out += [wrap(f"! {text}", ""), ""]
    out += render_hook(result, width)
    pacing = pacing_line(result)
    if pacing:
        out += [pacing, ""]
    out += ["ТРАНСКРИБАЦИЯ (язык оригинала)", wrap(original.get("transcription", "")), ""]
    translation = original.get("translation")
    out += [
        "ПЕРЕВОД",
        wrap(translation if translation else meta.get("translation_note") or "—"),
        "",
    ]
    out.append(f"КЛЮЧИ К УСПЕХУ ({len(result.get('keys', []))})")
    for i, key in enumerate(result.get("keys", []), 1):
        out += [f"  {i}. {key['title']}", wrap(key["description"], "     ")]
    out += ["", "СЦЕНАРИЙ"]
    for row in result.get("script", []):
        out.append(f"  [{row['time']}]")
        out.append(wrap(f"Кадр: {row['visual']}", "     "))
        if row.get("text"):
            out.append(wrap(f"Текст на экране: {row['text']}", "     "))
        if row.get("note"):
            out.append(wrap(f"Заметка: {row['note']}", "     "))
    out += ["", "РЕКОМЕНДАЦИИ"]
    for rec in result.get("recommendations", []):
        out.append(wrap(f"{rec['category']}: {rec['text']}"))
    engine = meta.get("engine")
    out += [
        "",
        f"[{engine}, {meta.get('model') or '—'}; длительность {meta.get('duration_sec')} с; "
        f"язык речи {meta.get('language') or '—'}]",
    ]
    return "\n".join(out)


def _local_auth_emulator() -> str | None:
    """The Auth emulator of a `make run` stack on this machine, if one runs."""
    state = Path(__file__).resolve().parent.parent / ".local" / "stack.json"
    try:
        host = json.loads(state.read_text()).get("FIREBASE_AUTH_EMULATOR_HOST")
        return str(host) if host else None
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    if args_in[:1] == ["doctor"] and not Path("doctor").is_file():
        from reels_cli.doctor import main as doctor

        return doctor(args_in[1:])
    parser = argparse.ArgumentParser(prog="python -m reels_cli", description="Сценарий по видео.")
    parser.add_argument("video", type=Path)
    parser.add_argument(
        "--api",
        default=os.environ.get("REELS_API", "http://127.0.0.1:8081/"),
        help="URL функции upload_url",
    )
    parser.add_argument(
        "--auth-emulator",
        default=os.environ.get("FIREBASE_AUTH_EMULATOR_HOST") or _local_auth_emulator(),
        help="host:port эмулятора Firebase Auth (локальный стенд находится сам)",
    )
    parser.add_argument(
        "--api-key",
        default=os.environ.get("REELS_FIREBASE_API_KEY"),
        help="ключ Firebase Web API (для облака)",
    )
    parser.add_argument("--language", default="ru", help="язык результата (по умолчанию ru)")
    parser.add_argument(
        "--topic",
        help="о чём ваше видео (до 200 символов): Gemini перепишет сценарий под эту тему",
    )
    parser.add_argument("--json", action="store_true", help="вывести ответ status как JSON")
    parser.add_argument("--timeout", type=float, default=900, help="сколько ждать результата, с")
    args = parser.parse_args(argv)
    if not args.video.is_file():
        return _fail(f"файл не найден: {args.video}")
    bar = Bar()
    try:
        token = id_token(AuthConfig.resolve(args.auth_emulator, args.api_key))
        final = analyze(args.video, args.api, args.language, args.timeout, bar, token, args.topic)
    except AuthError as exc:
        return _fail(str(exc))
    except requests.RequestException as exc:
        return _fail(f"сервис недоступен: {exc}")
    except SystemExit as exit_:
        return int(exit_.code or 1)
    if args.json:
        print(json.dumps(final, ensure_ascii=False, indent=2))
    elif final["state"] == "SUCCESS":
        print(render(final["result"]))
    if final["state"] != "SUCCESS":
        error = final.get("error") or {}
        code = error.get("code") or ErrorCode.ANALYSIS_FAILED.value
        return _fail(error.get("message") or error_message(code), code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
