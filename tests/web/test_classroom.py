import pytest

from app.web.classroom import classroom_urls


def test_loopback_server_is_not_reachable_and_says_how_to_expose(client):
    body = client.get("/api/classroom").json()
    assert body["bound_host"] == "127.0.0.1"
    assert body["reachable_from_network"] is False
    assert body["urls"] == []
    assert body["how_to_expose"] == "gradflow serve --host 0.0.0.0"


def test_specific_host_gives_its_own_url():
    assert classroom_urls("192.0.2.7", 8000) == ["http://192.0.2.7:8000/"]


def test_public_url_override(monkeypatch):
    monkeypatch.setenv("GRADFLOW_PUBLIC_URL", "http://lab.example:9000")
    assert classroom_urls("0.0.0.0", 8000) == ["http://lab.example:9000/"]


def test_wildcard_host_lists_no_loopback_address():
    for url in classroom_urls("0.0.0.0", 8123):
        assert not url.startswith("http://127.")
        assert url.endswith(":8123/")


def test_qr_svg_encodes_a_link(client):
    r = client.get("/api/classroom/qr.svg", params={"url": "http://192.0.2.7:8000/?scene=3&lang=ko"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/svg+xml"
    assert r.text.startswith("<svg") and "<path" in r.text


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "not a url", "x" * 2001])
def test_qr_rejects_non_links_and_long_text(client, bad):
    r = client.get("/api/classroom/qr.svg", params={"url": bad})
    assert r.status_code == 422
