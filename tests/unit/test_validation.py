import tracemalloc

import pytest

from shared.core.validation import (
    MAX_FILENAME,
    MAX_REQUEST_BYTES,
    Rejection,
    UploadRequest,
    clean_filename,
    validate_upload_request,
)

MAX = 100 * 1024 * 1024
GOOD = {"filename": "reel.mp4", "content_type": "video/mp4", "size": 1000}


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


def test_the_request_body_limit_is_16_kb():
    assert MAX_REQUEST_BYTES == 16 * 1024


def test_a_huge_file_name_is_cut_before_it_is_filtered():
    """A 30 MB name costs the filter no more than a short one: only its end is read."""
    name = "x" * (30 * 1024 * 1024) + "клип\x00.mp4"
    tracemalloc.start()
    try:
        cleaned = clean_filename(name)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert cleaned.endswith("xxклип.mp4") and len(cleaned) == MAX_FILENAME
    assert peak < 256 * 1024  # kilobytes; filtering the whole name first took 320 MB
    # The cut comes first: a name whose last 4×255 characters are control characters
    # is empty, whatever came before them.
    assert clean_filename("clip.mp4" + "\x01" * (4 * MAX_FILENAME)) == ""


@pytest.mark.parametrize("body", [[], [GOOD], 42, 4.2, "text", None, True, set()])
def test_anything_but_an_object_is_a_bad_request(body):
    result = validate_upload_request(body, max_bytes=MAX)
    assert isinstance(result, Rejection) and (result.status, result.code) == (400, "bad_request")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("filename", 12, "bad_filename"),
        ("filename", ["a.mp4"], "bad_filename"),
        ("filename", {"name": "a.mp4"}, "bad_filename"),
        ("filename", None, "bad_filename"),
        ("filename", "\ud800\x00\u200b", "bad_filename"),
        ("content_type", ["video/mp4"], "bad_request"),
        ("content_type", None, "bad_request"),
        ("size", 1000.0, "bad_request"),
        ("size", float("nan"), "bad_request"),
        ("size", float("inf"), "bad_request"),
        ("size", None, "bad_request"),
        ("size", [1000], "bad_request"),
        ("size", False, "bad_request"),
        ("language", None, "bad_language"),
        ("language", ["ru"], "bad_language"),
        ("language", "RU", "bad_language"),
        ("topic", 5, "bad_request"),
        ("topic", {"a": "b"}, "bad_request"),
    ],
)
def test_fields_of_the_wrong_type_are_refused(field, value, code):
    result = validate_upload_request({**GOOD, field: value}, max_bytes=MAX)
    assert isinstance(result, Rejection) and (result.status, result.code) == (400, code)


def test_extra_fields_are_ignored_and_a_surrogate_never_reaches_the_store():
    result = validate_upload_request(
        {**GOOD, "filename": "\ud800клип\x00.mp4", "owner": "x", "extra": [[[]]]}, max_bytes=MAX
    )
    assert isinstance(result, UploadRequest) and result.filename == "клип.mp4"
    result.filename.encode("utf-8")  # Firestore stores UTF-8: no lone surrogate left
