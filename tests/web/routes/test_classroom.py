import subprocess
import sys
import textwrap

import pytest

from app.settings import Settings
from app.web.routes.classroom import MAX_URL_BYTES, classroom_urls, interface_addresses


def test_loopback_server_is_not_reachable_and_says_how_to_expose(client):
    body = client.get("/api/classroom").json()
    assert body["bound_host"] == "127.0.0.1"
    assert body["reachable_from_network"] is False
    assert body["urls"] == []
    assert body["how_to_expose"] == "gradflow serve --host 0.0.0.0"


def test_specific_host_gives_its_own_url():
    assert classroom_urls(Settings(host="192.0.2.7", port=8000)) == ["http://192.0.2.7:8000/"]


def test_public_url_override(monkeypatch):
    monkeypatch.setenv("GRADFLOW_PUBLIC_URL", "http://lab.example:9000")
    assert classroom_urls(Settings(host="0.0.0.0", port=8000)) == ["http://lab.example:9000/"]


def test_wildcard_host_lists_no_loopback_address():
    urls = classroom_urls(Settings(host="0.0.0.0", port=8123))
    assert urls == [f"http://{a}:8123/" for a in interface_addresses()]
    for url in urls:
        assert not url.startswith("http://127.")


def test_interface_addresses_are_ipv4_and_not_loopback():
    for address in interface_addresses():
        parts = address.split(".")
        assert len(parts) == 4 and all(0 <= int(p) <= 255 for p in parts)
        assert parts[0] != "127"


def test_qr_svg_encodes_a_link(client):
    r = client.get("/api/classroom/qr.svg", params={"url": "http://192.0.2.7:8000/?scene=3&lang=ko"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/svg+xml"
    assert r.text.startswith("<svg") and "<path" in r.text


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "not a url", "x" * 2001])
def test_qr_rejects_non_links_and_long_text(client, bad):
    r = client.get("/api/classroom/qr.svg", params={"url": bad})
    assert r.status_code == 422
    body = r.json()
    assert body["detail"][0]["field"] == "url" and body["message"]


def test_qr_limit_counts_bytes_not_characters(client):
    """800 Hangul characters are 2400 bytes: more than a QR code holds, refused by name, not a 500."""
    url = "http://a/" + "가" * 800
    r = client.get("/api/classroom/qr.svg", params={"url": url})
    assert r.status_code == 422
    item = r.json()["detail"][0]
    assert item["field"] == "url" and item["limit"] == MAX_URL_BYTES
    assert item["got"] == len(url.encode("utf-8"))
    at_limit = "http://a/" + "가" * ((MAX_URL_BYTES - 9) // 3)
    assert client.get("/api/classroom/qr.svg", params={"url": at_limit}).status_code == 200


def test_qr_is_cached_and_admitted_like_a_computation(app, client):
    url = "http://192.0.2.7:8000/?cached=1"
    first = client.get("/api/classroom/qr.svg", params={"url": url})
    misses = app.state.cache.misses
    second = client.get("/api/classroom/qr.svg", params={"url": url})
    assert second.content == first.content and app.state.cache.misses == misses
    limiter = app.state.limiter
    limiter.active = limiter.max_concurrent  # every slot taken
    try:
        busy = client.get("/api/classroom/qr.svg", params={"url": url + "&other=1"})
    finally:
        limiter.active = 0
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"


def test_page_and_classroom_serve_without_fcntl():
    """fcntl exists on POSIX only: the app must import and serve where it is missing (Windows)."""
    code = textwrap.dedent(
        """
        import sys
        sys.modules["fcntl"] = None
        from fastapi.testclient import TestClient
        from app.main import create_app
        with TestClient(create_app()) as client:
            page = client.get("/")
            classroom = client.get("/api/classroom")
            print(page.status_code, classroom.status_code, classroom.json()["bound_host"])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["200", "200", "127.0.0.1"]
