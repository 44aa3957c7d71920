"""The command-line client through the same HTTP contract as the browser."""

from __future__ import annotations

import json

import pytest

from devstack import media
from reels_cli.__main__ import main, render

pytestmark = pytest.mark.emulators


@pytest.fixture(autouse=True)
def cli_config(tmp_path, monkeypatch):
    """The CLI keeps its sign-in here (not in the developer's ~/.config)."""
    monkeypatch.setenv("REELS_CLI_CONFIG", str(tmp_path / "cli-config"))
    return tmp_path / "cli-config"


def cli(stack, *args: str) -> int:
    return main([*args, "--api", stack.upload_url_endpoint, "--auth-emulator", stack.auth_host])


def test_cli_shows_progress_then_the_result(stack, media_dir, capsys):
    clip = media.webm_clip(media_dir)
    code = cli(stack, str(clip.path), "--json")
    out, err = capsys.readouterr()
    assert code == 0, err
    final = json.loads(out)
    assert final["state"] == "SUCCESS" and final["progress"] == 100
    assert "Загрузка" in err and "Готово" in err  # the progress lines
    text = render(final["result"])
    for heading in ("ТРАНСКРИБАЦИЯ", "ПЕРЕВОД", "КЛЮЧИ К УСПЕХУ", "СЦЕНАРИЙ", "РЕКОМЕНДАЦИИ"):
        assert heading in text
    for row in final["result"]["script"]:
        assert f"[{row['time']}]" in text


def test_cli_reports_a_failed_job_with_its_message(stack, media_dir, capsys):
    code = cli(stack, str(media.not_a_video(media_dir)))
    _, err = capsys.readouterr()
    assert code == 1
    assert "not_a_video" in err and "не похож на видео" in err


def test_cli_rejected_type_and_missing_file(stack, tmp_path, capsys):
    bad = tmp_path / "clip.avi"
    bad.write_bytes(b"x" * 10)
    assert cli(stack, str(bad)) == 1
    assert "unsupported_type" in capsys.readouterr().err
    assert cli(stack, str(tmp_path / "missing.mp4")) == 2


def test_cli_signs_in_once_and_keeps_its_user(stack, media_dir, cli_config, capsys):
    from reels_cli.auth import AuthConfig, id_token

    config = AuthConfig.resolve(stack.auth_host, None)
    first = id_token(config)
    assert id_token(config) == first  # kept between runs, not a new user each time
    saved = json.loads((cli_config / "token.json").read_text())
    (entry,) = saved.values()
    assert entry["refresh_token"] and entry["uid"]
    entry["expires_at"] = 0  # expired: the refresh token gets a new ID token, same user
    (cli_config / "token.json").write_text(json.dumps({next(iter(saved)): entry}))
    renewed = id_token(config)
    again = json.loads((cli_config / "token.json").read_text())
    assert next(iter(again.values()))["uid"] == entry["uid"]
    assert renewed


def test_cli_says_when_the_quota_is_used_up(stack, media_dir, capsys):
    clip = media.not_a_video(media_dir)  # cheap: fails at once, still counts
    codes = [cli(stack, str(clip)) for _ in range(6)]  # QUOTA_USER_DAILY is 5 here
    err = capsys.readouterr().err
    assert codes[:5] == [1] * 5 and codes[5] == 1
    assert "quota_user" in err and "00:00 UTC" in err
