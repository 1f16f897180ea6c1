from importlib.resources import files

from app.web.vendor import COMPILE_HINT, plotly_url, plotly_version


def test_plotly_is_served_from_the_installed_package_with_long_cache(client):
    r = client.get(plotly_url())
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert "max-age=31536000" in r.headers["cache-control"]
    shipped = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    # The shipped file, byte for byte, after V8's compile hint: a comment line (see app/web/vendor.py).
    assert r.content == COMPILE_HINT + shipped
    assert COMPILE_HINT.startswith(b"//") and COMPILE_HINT.count(b"\n") == 1


def test_plotly_url_carries_the_version_and_other_versions_are_404(client):
    assert plotly_version() in plotly_url()
    assert client.get("/vendor/plotly-0.0.0.min.js").status_code == 404


def test_plotly_is_sent_precompressed_to_browsers_that_accept_gzip(client):
    r = client.get(plotly_url(), headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) < 2_000_000  # 4.8 MB on disk
    # httpx decodes the body; it must be the shipped file, compressed exactly once.
    shipped = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    assert r.content == COMPILE_HINT + shipped


def test_plotly_is_sent_plain_without_accept_encoding(client):
    r = client.get(plotly_url(), headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in r.headers
    shipped = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    assert r.content[len(COMPILE_HINT) :][:20] == shipped[:20]
