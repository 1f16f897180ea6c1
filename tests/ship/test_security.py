"""app/web/infrastructure/security.py and the hardening around it: headers on every kind of response, no path traversal out
of /static, content types that do not depend on the host, and templates that never echo a payload raw.

Traversal attempts go over a real socket to a real uvicorn: an HTTP client library would normalise `..` and
`%2e%2e` away before sending, and then the test would prove nothing.
"""

import http.client
import os
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import jinja2.meta
import pytest
import uvicorn
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient

import app.paths
from app.bench.api_latency import free_port
from app.main import create_app
from app.paths import STATIC_DIR
from app.web.infrastructure.security import COMMON_HEADERS, DOCS_CSP, PAGE_CSP, SecurityHeaders
from app.web.routes.pages import templates
from app.web.routes.vendor import plotly_url

PAYLOAD = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def probe_app():
    """The real app plus one route with a typed parameter, so that a 422 can be asked for on purpose."""
    application = create_app()

    @application.get("/api/test-probe")
    def probe(n: int) -> dict:
        return {"n": n}

    return application


@pytest.fixture(scope="module")
def probe_client(probe_app):
    with TestClient(probe_app) as c:
        yield c


@pytest.fixture(scope="module")
def live_port():
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def raw_get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET `path` exactly as written: http.client sends the request target without normalising it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def assert_security_headers(headers, policy: str = PAGE_CSP) -> None:
    """`headers` is httpx's case-insensitive Headers or a dict with lower-case names."""
    assert headers["content-security-policy"] == policy
    for name, value in COMMON_HEADERS.items():
        assert headers[name.lower()] == value, name


# ---------------------------------------------------------------- headers on every response


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/static/css/app.css", 200),
        ("GET", "/static/js/main.js", 200),
        ("GET", "/api/health", 200),
        ("GET", "/openapi.json", 200),
        ("GET", "PLOTLY", 200),
        ("GET", "/no-such-page", 404),
        ("GET", "/static/no-such-file.css", 404),
        ("GET", "/vendor/plotly-0.0.0.min.js", 404),
        ("GET", "/api/test-probe?n=not-a-number", 422),
        ("GET", "/api/test-probe", 422),
        ("POST", "/api/health", 405),
    ],
)
def test_security_headers_on_every_kind_of_response(probe_client, method, path, status):
    path = plotly_url() if path == "PLOTLY" else path
    r = probe_client.request(method, path)
    assert r.status_code == status
    assert_security_headers(r.headers)


def test_security_headers_on_a_successful_probe(probe_client):
    r = probe_client.get("/api/test-probe?n=7")
    assert r.json() == {"n": 7}
    assert_security_headers(r.headers)


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_security_headers_docs_pages_get_the_docs_policy(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert_security_headers(r.headers, DOCS_CSP)


def test_security_headers_a_route_can_set_its_own_policy():
    async def own_policy(scope, receive, send):
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-security-policy", b"sandbox")],
            }
        )
        await send({"type": "http.response.body", "body": b"ok"})

    r = TestClient(SecurityHeaders(own_policy)).get("/")  # no `with`: a bare ASGI app has no lifespan
    assert r.headers["content-security-policy"] == "sandbox"
    assert r.headers["x-content-type-options"] == "nosniff"


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {name: values for name, *values in parts}


def test_page_csp_scripts_are_strict():
    d = _directives(PAGE_CSP)
    assert d["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert d["default-src"] == ["'self'"]
    assert d["connect-src"] == ["'self'"]
    assert d["style-src"] == ["'self'", "'unsafe-inline'"]
    assert d["img-src"] == ["'self'", "data:", "blob:"]
    assert d["frame-ancestors"] == ["'none'"]
    assert d["object-src"] == ["'none'"]
    assert d["base-uri"] == ["'self'"]
    assert not any("http" in v for values in d.values() for v in values)


class _PageScan(HTMLParser):
    """Collects what a strict script-src would block: inline scripts, on* handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self.urls: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=...>")
            if name in ("src", "href") and value:
                self.urls.append(value)
                if value.strip().lower().startswith("javascript:"):
                    self.blocked.append(f"<{tag} {name}={value}>")
        self._in_inline_script = tag == "script" and not a.get("src")

    def handle_endtag(self, tag):
        self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.blocked.append(f"<script>{data.strip()[:60]}")


def test_page_has_nothing_the_csp_would_block(client):
    scan = _PageScan()
    scan.feed(client.get("/").text)
    assert scan.blocked == []
    # every script and stylesheet comes from this server ('self'), none from another host
    assert scan.urls, "the page loads no script or stylesheet at all"
    assert all(u.startswith(("/", "#")) for u in scan.urls), scan.urls


# ---------------------------------------------------------------- static files: no traversal

# A file that exists one level above the static folder, in a checkout and in an installed wheel alike.
_SECRET = Path(app.paths.__file__).resolve()
_REL = os.path.relpath(_SECRET, STATIC_DIR)  # "../app/paths.py" in a checkout, "../paths.py" installed
_SECRET_MARK = b"def _find("

TRAVERSALS = [
    f"/static/{_REL}",
    f"/static/{_REL.replace('..', '%2e%2e')}",
    f"/static/{_REL.replace('..', '%2E%2E')}",
    f"/static/{_REL.replace('/', '%2f')}",
    f"/static/{_REL.replace('../', '..%5c')}",
    f"/static/{_REL.replace('..', '%252e%252e')}",
    f"/static/css/../{_REL}",
    f"/static/css/%2e%2e/{_REL.replace('..', '%2e%2e')}",
    f"/static/js/..%2f{_REL.replace('/', '%2f')}",
    f"/{_REL}",
    f"/%2e%2e/{_REL.removeprefix('../')}",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/%5cetc%5cpasswd",
    "/static/../../../../../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%00",
    "/static/css/app.css%00.txt",
    "/vendor/plotly-..%2f..%2f..%2fetc%2fpasswd.min.js",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_static_traversal_is_404_and_never_file_contents(live_port, path):
    status, headers, body = raw_get(live_port, path)
    assert status == 404
    assert _SECRET_MARK not in body
    assert b"root:" not in body
    assert_security_headers(headers)


def test_static_traversal_targets_are_real(live_port):
    """The files the attempts aim at exist, so a 404 above means refused, not merely missing."""
    assert _SECRET_MARK in _SECRET.read_bytes()
    assert _REL.startswith("../")
    assert Path("/etc/passwd").exists()
    status, _, body = raw_get(live_port, "/static/css/../css/app.css")  # `..` that stays inside is fine
    assert status == 200
    assert body == (STATIC_DIR / "css" / "app.css").read_bytes()


# ---------------------------------------------------------------- content types

EXPECTED_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}


def test_content_types_every_static_file(client):
    checked = 0
    for f in sorted(STATIC_DIR.rglob("*")):
        if f.is_file() and f.suffix in EXPECTED_TYPES:
            r = client.get("/static/" + f.relative_to(STATIC_DIR).as_posix())
            assert r.status_code == 200
            assert r.headers["content-type"].split(";")[0] == EXPECTED_TYPES[f.suffix], f
            checked += 1
    assert checked >= 2  # at least the page's stylesheet and its main module


def test_content_types_each_kind_served(tmp_path):
    samples = {
        "a.js": b"export const a = 1;\n",
        "a.mjs": b"export const a = 1;\n",
        "a.css": b"body { margin: 0; }\n",
        "a.json": b'{"a": 1}\n',
        "a.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>\n',
    }
    for name, body in samples.items():
        (tmp_path / name).write_bytes(body)
    c = TestClient(SecurityHeaders(StaticFiles(directory=tmp_path)))  # no `with`: StaticFiles has no lifespan
    for name, body in samples.items():
        r = c.get("/" + name)
        assert r.status_code == 200
        assert r.content == body
        assert r.headers["content-type"].split(";")[0] == EXPECTED_TYPES[Path(name).suffix], name
        assert r.headers["x-content-type-options"] == "nosniff"


def test_content_types_without_the_hosts_mime_table():
    """Like the slim Docker image, which has no /etc/mime.types: only Python's table plus ours."""
    code = (
        "import mimetypes; mimetypes.init(files=[]);"
        "from app.web.infrastructure.security import register_content_types; register_content_types();"
        "print(' '.join(mimetypes.guess_type('x' + e)[0] for e in ('.js', '.mjs', '.css', '.json', '.svg')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == [EXPECTED_TYPES[e] for e in (".js", ".mjs", ".css", ".json", ".svg")]


# ---------------------------------------------------------------- templates escape

QUERY_NAMES = ["lang", "preset", "cell", "view", "scene", "T", "H", "seed", "task", "q", "url", "share", "x"]


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_autoescape_payload_in_a_query_parameter(client, name):
    r = client.get("/", params={name: PAYLOAD})
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text
    assert "onerror=alert(2)" not in r.text


def test_autoescape_payload_in_every_parameter_and_name_at_once(client):
    params = {name: PAYLOAD for name in QUERY_NAMES} | {PAYLOAD: PAYLOAD}
    r = client.get("/", params=params)
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text
    assert "onerror=alert(2)" not in r.text


def test_autoescape_every_template_variable():
    """Whatever a template prints is escaped: feed the payload to every variable index.html uses."""
    env = templates.env
    source = env.loader.get_source(env, "index.html")[0]
    names = jinja2.meta.find_undeclared_variables(env.parse(source)) - {"request", "url_for"}
    assert names, "index.html uses no variable at all"
    html = env.get_template("index.html").render(**dict.fromkeys(names, PAYLOAD))
    assert PAYLOAD not in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html or "&#34;" in html or "&#39;" in html
