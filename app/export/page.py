"""The page as one HTML file: the server's own page with everything it loads put inside it.

The HTML is what GET / answers (templates/index.html, rendered by Jinja2 as for a browser). Then every
resource it names is inlined: each stylesheet as a <style>, the icon as a data: URL, Plotly.js (the copy
of the installed plotly package that /vendor serves) as a classic <script> that keeps its id, and the
page's ES modules, which browsers will not load from file://, as one classic script: modules.js, which
esbuild builds from static/js/main.js and everything it imports (`make bundle`; it is committed, so an
export needs no Node.js, and tests/export/test_modules.py fails when it is older than static/js). Before
that script come the embedded data (a <script type="application/json">) and offline.js, which answers
the page's fetch() calls from it. A resource the page names that cannot be inlined stops the export: the
file must open with no server and no network.

"Share with class" is hidden in the file: it shows a QR code that the server draws, for students to reach
the server over the classroom network, and a file on one laptop has no server to reach. So is every part of
the live class (`.live-ui`: its bar, question and forms), which lives in the server's memory.
"""

import base64
import re
from html.parser import HTMLParser
from importlib.resources import files
from urllib.parse import urlsplit

import orjson

OFFLINE_JS = files("app.export").joinpath("offline.js")
MODULES_JS = files("app.export").joinpath("modules.js")
# The page's module script that modules.js is built from (package.json, "bundle").
ENTRY = "/static/js/main.js"
DATA_ID = "gradflow-export"
# What the file leaves out of the page (see the module docstring), and a mark that it is a saved copy.
OFFLINE_CSS = "#class-share-btn, .live-ui { display: none !important; }"


class PageError(RuntimeError):
    """The page names something the export cannot put inside the file."""


class _Tags(HTMLParser):
    """Every start tag of the page with its attributes and its exact text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs), self.get_starttag_text()))

    handle_startendtag = handle_starttag


def inline_script(source: str) -> str:
    """Script text that cannot end its <script> element early (`</script` and `<!--` are escaped; in the
    strings and regular expressions where they can occur, `\\/` and `\\!` mean the same characters)."""
    source = re.sub(r"</(script)", r"<\\/\1", source, flags=re.IGNORECASE)
    return source.replace("<!--", "<\\!--")


def json_block(data: dict) -> str:
    """JSON for a <script type="application/json">: every `<` is written \\u003c, so no tag can end it."""
    return orjson.dumps(data).decode().replace("<", "\\u003c")


def _local(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        raise PageError(f"the page loads {url}, which is not one of the server's own files")
    return parts.path


def _fetch(client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise PageError(f"GET {url} answered {response.status_code}")
    return response.content


def _stylesheet(client, href: str) -> str:
    css = _fetch(client, href).decode("utf-8")
    refs = [m for m in re.findall(r"url\(\s*['\"]?([^'\")]*)", css) if not m.startswith("data:")]
    if refs or "@import" in css:
        raise PageError(f"{href} loads other files ({', '.join(refs) or '@import'}); they cannot be inlined")
    if re.search(r"</style", css, re.IGNORECASE):
        raise PageError(f"{href} contains </style")
    return f"<style>\n{css}\n</style>"


def render(client, data: dict) -> str:
    """The page at / with its stylesheets, icon, Plotly.js, modules and `data` inside it."""
    html = _fetch(client, "/").decode("utf-8")
    parser = _Tags()
    parser.feed(html)
    replacements: list[tuple[str, str]] = []
    entry = None
    for tag, attrs, text in parser.tags:
        url = attrs.get("src") if tag in ("script", "img", "iframe", "audio", "video", "source") else None
        url = url or (attrs.get("href") if tag == "link" else None)
        if tag == "a" or not url or url.startswith(("#", "data:")):
            continue
        path = _local(url)
        rel = (attrs.get("rel") or "").split()
        if tag == "link" and "stylesheet" in rel:
            replacements.append((text, _stylesheet(client, url)))
        elif tag == "link" and "icon" in rel:
            kind = attrs.get("type") or "image/svg+xml"
            encoded = base64.b64encode(_fetch(client, url)).decode()
            replacements.append((text, text.replace(attrs["href"], f"data:{kind};base64,{encoded}")))
        elif tag == "script" and attrs.get("type") == "module":
            if entry is not None:
                raise PageError("the page has more than one module script")
            if path != ENTRY:
                raise PageError(f"the page's module script is {path}; modules.js is built from {ENTRY}")
            entry = path
            modules = inline_script(MODULES_JS.read_text(encoding="utf-8"))
            scripts = [
                f'<script type="application/json" id="{DATA_ID}">{json_block(data)}</script>',
                f"<script>\n{inline_script(OFFLINE_JS.read_text(encoding='utf-8'))}\n</script>",
                f'<script id="gradflow-modules">\n{modules}\n</script>',
            ]
            replacements.append((text + "</script>", "\n".join(scripts)))
        elif tag == "script" and path.startswith("/vendor/"):
            source = inline_script(_fetch(client, url).decode("utf-8"))
            script_id = f' id="{attrs["id"]}"' if attrs.get("id") else ""
            replacements.append((text + "</script>", f"<script{script_id}>\n{source}\n</script>"))
        else:
            raise PageError(
                f"the page loads {url} with <{tag}>, which the export does not know how to inline"
            )
    if entry is None:
        raise PageError("the page has no module script to bundle")
    replacements.append(("</head>", f"<style>{OFFLINE_CSS}</style>\n</head>"))
    return _replace_once(html, replacements)


def _replace_once(html: str, replacements: list[tuple[str, str]]) -> str:
    """Each `old` text, found exactly once in the page as it came, swapped for its `new` text."""
    spans = []
    for old, new in replacements:
        if html.count(old) != 1:
            raise PageError(f"cannot place {old[:80]!r} in the page")
        start = html.index(old)
        spans.append((start, start + len(old), new))
    out, at = [], 0
    for start, end, new in sorted(spans):
        out += [html[at:start], new]
        at = end
    return "".join([*out, html[at:]])
