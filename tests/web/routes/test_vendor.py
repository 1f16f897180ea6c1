"""Plotly.js: the page loads the vendored cartesian bundle, at the version the plotly package bundles; the full
bundle stays at its URL; both go out after the compile hint, with a long cache and precompressed."""

import json
from importlib.resources import files
from pathlib import Path

import pytest

from app.web.routes.vendor import (
    CARTESIAN,
    CARTESIAN_DIR,
    COMPILE_HINT,
    FULL,
    cartesian_version,
    plotly_url,
    plotly_version,
)

ROOT = Path(__file__).resolve().parents[3]
PACKAGE_FULL = files("plotly").joinpath("package_data", "plotly.min.js")
VENDORED = CARTESIAN_DIR.joinpath("plotly-cartesian.min.js")
NPM = ROOT / "node_modules" / "plotly.js-cartesian-dist-min"


def test_the_vendored_cartesian_bundle_is_the_plotly_js_of_the_plotly_package():
    """The npm package's own version (its package.json, copied with the bundle, which the next test holds
    byte for byte to the pinned package) is the one the plotly package names for its bundle."""
    assert cartesian_version() == plotly_version()
    assert json.loads(CARTESIAN_DIR.joinpath("package.json").read_text())["version"] == plotly_version()


def test_the_vendored_files_are_the_pinned_npm_package():
    """Byte for byte what `npm ci` installs from package-lock.json; `make vendor` copies them."""
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"][
        "plotly.js-cartesian-dist-min"
    ]
    assert pinned == plotly_version()
    if not NPM.is_dir():
        pytest.fail("node_modules has no plotly.js-cartesian-dist-min: run `npm ci` (or `make vendor`)")
    for name in ("plotly-cartesian.min.js", "LICENSE", "README.md", "package.json"):
        assert CARTESIAN_DIR.joinpath(name).read_bytes() == (NPM / name).read_bytes(), (
            f"{name}: run make vendor"
        )
    assert "MIT License" in CARTESIAN_DIR.joinpath("LICENSE").read_text()


def test_the_page_loads_the_cartesian_bundle_with_long_cache(client):
    assert plotly_url() == plotly_url(CARTESIAN) == f"/vendor/plotly-cartesian-{plotly_version()}.min.js"
    assert plotly_url() in client.get("/").text
    r = client.get(plotly_url())
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert "max-age=31536000" in r.headers["cache-control"]
    # The vendored file, byte for byte, after V8's compile hint: a comment line (see app/web/routes/vendor.py).
    assert r.content == COMPILE_HINT + VENDORED.read_bytes()
    assert COMPILE_HINT.startswith(b"//") and COMPILE_HINT.count(b"\n") == 1


def test_the_full_bundle_is_served_from_the_installed_package(client):
    r = client.get(f"/vendor/plotly-{plotly_version()}.min.js")
    assert r.status_code == 200 and plotly_url(FULL) == f"/vendor/plotly-{plotly_version()}.min.js"
    assert "max-age=31536000" in r.headers["cache-control"]
    assert r.content == COMPILE_HINT + PACKAGE_FULL.read_bytes()


def test_other_versions_are_404(client):
    assert client.get("/vendor/plotly-0.0.0.min.js").status_code == 404
    assert client.get("/vendor/plotly-cartesian-0.0.0.min.js").status_code == 404


@pytest.mark.parametrize(
    ("bundle", "shipped", "limit"), [(CARTESIAN, VENDORED, 600_000), (FULL, PACKAGE_FULL, 2_000_000)]
)
def test_plotly_is_sent_precompressed_to_browsers_that_accept_gzip(client, bundle, shipped, limit):
    r = client.get(plotly_url(bundle), headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) < limit  # 1.5 MB and 4.8 MB on disk
    # httpx decodes the body; it must be the shipped file, compressed exactly once.
    assert r.content == COMPILE_HINT + shipped.read_bytes()


@pytest.mark.parametrize("bundle", [CARTESIAN, FULL])
def test_plotly_is_sent_plain_without_accept_encoding(client, bundle):
    r = client.get(plotly_url(bundle), headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in r.headers
    shipped = VENDORED if bundle == CARTESIAN else PACKAGE_FULL
    assert r.content == COMPILE_HINT + shipped.read_bytes()


def test_the_page_falls_back_to_the_full_bundle_when_the_versions_differ(monkeypatch):
    monkeypatch.setattr("app.web.routes.vendor.cartesian_version", lambda: "0.0.1")
    assert plotly_url() == plotly_url(FULL)
