"""The page fills in the numbers a preset's words quote with static/js/claims.js; the tests check the claims with
app/web/payloads/claims.py. Both read the same definitions, and here they must give the same numbers for every
quantity of every traced preset (run in Node.js, which the page's bundling needs too)."""

import math

import pytest

from app.paths import STATIC_DIR
from app.web.payloads.claims import about_training, quantity
from app.web.payloads.presets import PRESETS, quoted
from tests.node import module_url, run_module_script

SCRIPT = """
import { quantity, fillQuantities } from %s;
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const cases = JSON.parse(input);
  const out = cases.map(({ preset, payloads, text }) => ({
    values: Object.fromEntries(Object.entries(preset.quantities).map(([k, spec]) => [k, quantity(spec, payloads)])),
    filled: fillQuantities(text, preset, payloads, (v) => v.toExponential(3)),
  }));
  process.stdout.write(JSON.stringify(out));
});
"""


def run_node(cases: list[dict]) -> list[dict]:
    script = SCRIPT % module_url(STATIC_DIR / "js" / "claims.js")
    return run_module_script(script, cases, "the page's claims")


def test_the_page_reads_the_same_numbers_as_the_tests(client):
    cases = []
    for preset in PRESETS.values():
        traced = [n for n, spec in preset["quantities"].items() if spec["of"] not in ("final",)]
        if not preset["trace"] or not traced or all(about_training(preset, c) for c in preset["claims"]):
            continue
        payloads = {"trace": client.post("/api/trace", json=preset["trace"]).json()}
        payloads["compare"] = [client.post("/api/trace", json=c["trace"]).json() for c in preset["compare"]]
        quantities = {n: preset["quantities"][n] for n in traced}
        cases.append(
            {
                "preset": {**preset, "quantities": quantities},
                "payloads": payloads,
                "text": preset["description"]["en"],
            }
        )
    assert len(cases) >= 10
    for case, result in zip(cases, run_node(cases), strict=True):
        for name, spec in case["preset"]["quantities"].items():
            ours = quantity(spec, case["payloads"])
            theirs = result["values"][name]
            if theirs is None or (isinstance(theirs, float) and math.isinf(ours)):
                assert not math.isfinite(ours), (case["preset"]["name"], name)
            else:
                assert theirs == pytest.approx(ours, rel=1e-12), (case["preset"]["name"], name)
        assert not quoted(result["filled"]) & set(case["preset"]["quantities"]), result["filled"]
