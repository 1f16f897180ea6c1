"""`gradflow export`: writes one HTML file holding the page and its data, and refuses what it cannot export
with a plain message and exit status 2."""

from app.cli import main


def test_export_writes_one_file_with_the_page_and_its_data(tmp_path, capsys):
    out = tmp_path / "bptt.html"
    assert main(["export", "--preset", "bptt", "--no-train", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert 'id="gradflow-export"' in html and 'id="plotly-js"' in html and 'id="gradflow-modules"' in html
    assert f"wrote {out}" in capsys.readouterr().out


def test_export_refuses_what_it_cannot_export(tmp_path, capsys):
    out = tmp_path / "x.html"
    assert main(["export", "--preset", "nope", "--out", str(out)]) == 2
    assert "no preset named 'nope'" in capsys.readouterr().err
    assert main(["export", "--url", "http://localhost:8000/?T=5000", "--out", str(out)]) == 2
    assert "T must be at most 500" in capsys.readouterr().err
    assert main(["export", "--out", str(out)]) == 2
    assert "give --preset, --url or --lesson" in capsys.readouterr().err
    assert not out.exists()
