import pytest

from shared.core.validation import Rejection, UploadRequest, clean_filename, validate_upload_request

MAX = 100 * 1024 * 1024


def ok(**over):
    body = {"filename": "reel.mp4", "content_type": "video/mp4", "size": 1000, **over}
    return validate_upload_request(body, max_bytes=MAX)


def test_accepts_the_three_types():
    for ct in ("video/mp4", "video/quicktime", "video/webm", "VIDEO/WEBM; codecs=vp9"):
        result = ok(content_type=ct)
        assert isinstance(result, UploadRequest), ct
    assert ok().language == "ru"
    assert ok(language="en").language == "en"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (None, 400, "bad_request"),
        ([], 400, "bad_request"),
        ({"content_type": "video/mp4", "size": 1}, 400, "bad_filename"),
        ({"filename": "  ", "content_type": "video/mp4", "size": 1}, 400, "bad_filename"),
        ({"filename": "a.mp4", "size": 1}, 400, "bad_request"),
        ({"filename": "a.mp4", "content_type": "video/mp4", "size": "12"}, 400, "bad_request"),
        ({"filename": "a.mp4", "content_type": "video/mp4", "size": True}, 400, "bad_request"),
        ({"filename": "a.mp4", "content_type": "video/mp4", "size": 0}, 400, "empty_file"),
        ({"filename": "a.mp4", "content_type": "video/mp4", "size": -5}, 400, "empty_file"),
        (
            {"filename": "a.avi", "content_type": "video/x-msvideo", "size": 5},
            415,
            "unsupported_type",
        ),
        ({"filename": "a.mp4", "content_type": "image/png", "size": 5}, 415, "unsupported_type"),
        (
            {"filename": "a.mp4", "content_type": "video/mp4", "size": MAX + 1},
            413,
            "file_too_large",
        ),
        (
            {"filename": "a.mp4", "content_type": "video/mp4", "size": 5, "language": "xx"},
            400,
            "bad_language",
        ),
    ],
)
def test_rejections_are_clear_and_in_russian(body, status, code):
    result = validate_upload_request(body, max_bytes=MAX)
    assert isinstance(result, Rejection)
    assert (result.status, result.code) == (status, code)
    message = result.to_json()["error"]["message"]
    assert any("а" <= ch.lower() <= "я" for ch in message), message


def test_size_limit_is_inclusive_and_named_in_the_message():
    assert isinstance(ok(size=MAX), UploadRequest)
    too_big = ok(size=MAX + 1)
    assert isinstance(too_big, Rejection) and "100 МБ" in too_big.message


def test_filename_is_for_display_only():
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("C:\\Users\\me\\clip.mov") == "clip.mov"
    assert clean_filename("bad\x00name\n.mp4") == "badname.mp4"
    assert len(clean_filename("a" * 1000)) == 255
