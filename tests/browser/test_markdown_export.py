"""The page's Markdown export (web/src/export.js `toMarkdown`), fed a hostile answer
and rendered by a real CommonMark renderer with raw HTML allowed (as GitHub, a
notes app or a preview would show the file): every text arrives as text. No HTML
from the answer, no link, no image but the app's own https frames, and every attack
string reads back word for word. The exact escapes are web/test/export.test.mjs.
Python writes no Markdown (the CLI prints plain text), so there is one escaping."""

from __future__ import annotations

import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from markdown_it import MarkdownIt

WEB = Path(__file__).resolve().parents[2] / "web"
ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![](https://evil.example/p.png)",
    "a | b",
    "# heading",
    "<https://evil.example/auto>",
    "**bold** _em_ `code`",
    "&lt;b&gt;",
]
EVIL = " ".join(ATTACKS)
FRAME = "https://storage.googleapis.com/reels-results/frames/f.jpg?X-Goog-Signature=ab"
HOSTILE = {
    "hook": {
        "type": "question",
        "type_label": EVIL,
        "strength": 7,
        "why": EVIL,
        "reasons": [EVIL],
        "alternatives": [EVIL],
        "measured": {"words": EVIL, "on_screen_text": EVIL},
    },
    "original": {"transcription": "\n".join(ATTACKS), "translation": EVIL},
    "keys": [{"title": EVIL, "description": EVIL}],
    "script": [
        {"time": "0:00-0:01", "visual": EVIL, "text": "\n".join(ATTACKS), "note": EVIL},
        {"time": "0:01-0:02", "visual": "b", "text": "", "note": ""},
        {"time": "0:02-0:03", "visual": "c", "text": "", "note": ""},
    ],
    "recommendations": [{"category": EVIL, "text": EVIL}],
    "meta": {"engine": "gemini", "model": EVIL, "translation_note": EVIL},
}
FRAMES = [
    {"row": 0, "url": FRAME},
    {"row": 1, "url": "javascript:alert(1)"},
    {"row": 2, "url": "data:image/png;base64,AAAA"},
]
SCRIPT = """
import { toMarkdown } from "./src/export.js";
let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;
const { result, options } = JSON.parse(text);
process.stdout.write(toMarkdown(result, options));
"""


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def markdown_of(result: dict[str, object], **options: object) -> str:
    proc = subprocess.run(
        ["node", "--input-type=module", "-e", SCRIPT],
        cwd=WEB,
        input=json.dumps({"result": result, "options": options}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return proc.stdout


def rendered(markdown: str) -> Tags:
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    parser = Tags()
    parser.feed(html)
    return parser


def test_a_hostile_answer_renders_as_text_only() -> None:
    page = rendered(markdown_of(HOSTILE, filename=EVIL + ".mp4", frames=FRAMES))
    structure = {"h1", "h2", "h3", "p", "blockquote", "ol", "ul", "li", "strong", "em", "hr"}
    table = {"table", "thead", "tbody", "tr", "th", "td", "br"}
    assert {tag for tag, _ in page.tags} <= structure | table | {"img"}
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert [image["src"] for image in images] == [FRAME], "only the app's own https frame"
    assert "javascript:" not in json.dumps(page.tags).lower(), "no attribute runs script"
    headings = [tag for tag, _ in page.tags if tag in {"h1", "h2", "h3"}]
    assert headings.count("h1") == 1, "the answer adds no heading"
    text = "".join(page.text)
    for attack in ATTACKS:
        assert attack in text, f"{attack!r} reads back as text"


def test_a_pipe_stays_in_its_table_cell() -> None:
    result = {"script": [{"time": "0:00|0:01", "visual": "a | b", "text": "c\n# d", "note": "e"}]}
    page = rendered(markdown_of(result))
    cells = sum(1 for tag, _ in page.tags if tag == "td")
    assert cells == 4, "one row of four cells, as the header"
