from importlib.resources import files

from app.web.vendor import plotly_url, plotly_version


def test_plotly_is_served_from_the_installed_package_with_long_cache(client):
    r = client.get(plotly_url())
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert "max-age=31536000" in r.headers["cache-control"]
    shipped = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    assert r.content == shipped


def test_plotly_url_carries_the_version_and_other_versions_are_404(client):
    assert plotly_version() in plotly_url()
    assert client.get("/vendor/plotly-0.0.0.min.js").status_code == 404


def test_plotly_is_sent_precompressed_to_browsers_that_accept_gzip(client):
    r = client.get(plotly_url(), headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) < 2_000_000  # 4.8 MB on disk
    # httpx decodes the body; it must be the shipped file, compressed exactly once.
    shipped = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    assert r.content == shipped


def test_plotly_is_sent_plain_without_accept_encoding(client):
    r = client.get(plotly_url(), headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in r.headers
    assert r.content[:20] == files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()[:20]
