"""The bundler: small sets of ES modules turned into one classic script and run by Node, which must print what
the modules would print as ES modules; the forms it cannot handle fail with the file and line; every module of
the page is understood, and the page's bundle is valid JavaScript."""

import os
import re
import shutil
import subprocess

import pytest

from app.export.bundle import BundleError, bundle, parse_module
from app.paths import STATIC_DIR


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is needed to run the bundles in CI")
        pytest.skip("node is not installed")
    return found


def write(root, modules: dict[str, str]) -> None:
    for name, source in modules.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


def run(node, tmp_path, modules: dict[str, str], entry: str = "main.js") -> list[str]:
    """What the bundle of `modules` prints when Node runs it as a classic script."""
    write(tmp_path / "js", modules)
    script = tmp_path / "bundle.js"
    script.write_text(bundle(tmp_path / "js", entry), encoding="utf-8")
    done = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_named_imports_run_after_the_modules_they_come_from(node, tmp_path):
    printed = run(
        node,
        tmp_path,
        {
            "main.js": 'import { twice, K as k, Box } from "./lib/values.js";\n'
            'import { hello } from "./greet.js";\n'
            'console.log("main");\n'
            "console.log(twice(k), new Box(3).size, hello());\n",
            "lib/values.js": 'console.log("values");\n'
            "export function twice(x) { return 2 * x; }\n"
            "export const K = 21;\n"
            "export class Box { constructor(n) { this.size = n; } }\n",
            "greet.js": 'import { K } from "./lib/values.js";\nconsole.log("greet");\n'
            "export async function* never() {}\n"
            "export function hello() { return `hi ${K}`; }\n",
        },
    )
    assert printed == ["values", "greet", "main", "42 3 hi 21"]


def test_let_exports_are_live_bindings_and_namespaces_see_them(node, tmp_path):
    printed = run(
        node,
        tmp_path,
        {
            "main.js": 'import * as counter from "./counter.js";\n'
            'import { count, bump } from "./counter.js";\n'
            "bump(); bump();\n"
            "console.log(count, counter.count, Object.keys(counter).join());\n"
            "try { count = 5; } catch (e) { console.log(e.constructor.name); }\n",
            "counter.js": "export let count = 0;\nexport function bump() { count += 1; }\n",
        },
    )
    assert printed == ["2 2 count,bump", "TypeError"]


def test_export_lists_and_reexports(node, tmp_path):
    printed = run(
        node,
        tmp_path,
        {
            "main.js": 'import { one, deux, three } from "./index.js";\nconsole.log(one, deux, three);\n',
            "index.js": 'export { one, two as deux } from "./numbers.js";\nconst three = 3;\nexport { three };\n',
            "numbers.js": "const one = 1, two = 2;\nexport { one, two };\n",
        },
    )
    assert printed == ["1 2 3"]


def test_top_level_await_finishes_before_importers_run(node, tmp_path):
    printed = run(
        node,
        tmp_path,
        {
            "main.js": 'import { ready } from "./slow.js";\nconsole.log("main sees", ready);\n',
            "slow.js": "export let ready = false;\n"
            "await new Promise((resolve) => setTimeout(resolve, 20));\n"
            'ready = true;\nconsole.log("slow done");\n',
        },
    )
    assert printed == ["slow done", "main sees true"]


def test_strings_templates_regexes_and_comments_are_left_as_they_are(node, tmp_path):
    source = (
        'import { id } from "./id.js";\n'
        "// import { nothing } from './nowhere.js';\n"
        "/* export const ghost = 1; */\n"
        "const text = 'import x from \"y\"; export {a}';\n"
        "const nested = `a ${id({ b: `c ${'}'} d` }).b} e`;\n"
        "const pattern = /export \\{[a-z]\\}\\/ /g;\n"
        "const ratio = 10 / 2 / 5;\n"
        "console.log(text);\nconsole.log(nested);\nconsole.log(pattern.source, ratio);\n"
    )
    printed = run(node, tmp_path, {"main.js": source, "id.js": "export const id = (x) => x;\n"})
    assert printed == ['import x from "y"; export {a}', "a c } d e", "export \\{[a-z]\\}\\/  1"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('const a = 1;\nimport b from "./lib.js";\n', r"main\.js:2: default imports"),
        ("export default 1;\n", r"main\.js:1: `export default`"),
        ('export * from "./lib.js";\n', r"main\.js:1: `export \*`"),
        ('\n\nconst lib = await import("./lib.js");\n', r"main\.js:3: dynamic import\(\)"),
        ("console.log(import.meta.url);\n", r"main\.js:1: import\.meta"),
        ('import { a } from "lodash";\n', r"main\.js:1: only relative imports"),
        ("export const { a, b } = { a: 1, b: 2 };\n", r"main\.js:1: an exported destructuring"),
        ('import { missing } from "./lib.js";\n', r"main\.js imports 'missing' from lib\.js"),
        (
            'import { a } from "./cycle.js";\nexport const b = 1;\n',
            r"import cycle: main\.js → cycle\.js → main\.js",
        ),
        ("const s = 'unterminated;\n", r"main\.js:1: unterminated string"),
    ],
)
def test_forms_it_cannot_handle_fail_with_the_file_and_line(tmp_path, source, message):
    write(
        tmp_path,
        {
            "main.js": source,
            "lib.js": "export const a = 1;\n",
            "cycle.js": 'import { b } from "./main.js";\nexport const a = b;\n',
        },
    )
    with pytest.raises(BundleError, match=message):
        bundle(tmp_path, "main.js")


def test_removed_statements_keep_the_line_numbers(tmp_path):
    write(
        tmp_path,
        {
            "main.js": 'import {\n  a,\n} from "./lib.js";\nthrow new Error(a);\n',
            "lib.js": "export const a = 1;\n",
        },
    )
    lines = bundle(tmp_path, "main.js").splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith('__gradflow_bundle__.exports("main.js"'))
    # The module's own lines follow its head, the import statement's three lines left blank.
    assert lines[head + 1 : head + 5] == ["", "", "", "throw new Error(a);"]


def test_every_module_of_the_page_is_understood_and_its_bundle_is_valid(node, tmp_path):
    root = STATIC_DIR / "js"
    modules = {path.relative_to(root).as_posix(): path for path in root.rglob("*.js")}
    for name, path in modules.items():
        parsed = parse_module(name, path.read_text(encoding="utf-8"))
        assert parsed.exports or name == "main.js", name
    script = tmp_path / "page.js"
    script.write_text(bundle(root, "main.js"), encoding="utf-8")
    checked = subprocess.run([node, "--check", str(script)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    bundled = re.findall(r'^__gradflow_bundle__\.define\("([^"]+)"', script.read_text(encoding="utf-8"), re.M)
    assert sorted(bundled) == sorted(modules)  # every module is one the page runs, bundled once
