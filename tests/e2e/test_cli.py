"""The command-line client through the same HTTP contract as the browser."""

from __future__ import annotations

import json

import pytest

from devstack import media
from reels_cli.__main__ import main, render

pytestmark = pytest.mark.emulators


def test_cli_shows_progress_then_the_result(stack, media_dir, capsys):
    clip = media.webm_clip(media_dir)
    code = main([str(clip.path), "--api", stack.upload_url_endpoint, "--json"])
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
    code = main([str(media.not_a_video(media_dir)), "--api", stack.upload_url_endpoint])
    _, err = capsys.readouterr()
    assert code == 1
    assert "not_a_video" in err and "не похож на видео" in err


def test_cli_rejected_type_and_missing_file(stack, tmp_path, capsys):
    bad = tmp_path / "clip.avi"
    bad.write_bytes(b"x" * 10)
    assert main([str(bad), "--api", stack.upload_url_endpoint]) == 1
    assert "unsupported_type" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.mp4"), "--api", stack.upload_url_endpoint]) == 2
