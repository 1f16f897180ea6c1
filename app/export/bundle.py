"""The page's ES modules as one classic script, so that a page opened from disk (file://) can run them.

Browsers refuse to load ES modules from file:// URLs, so a static copy of the page carries its modules
inlined in one <script>. Each module keeps its own scope: its body becomes an async function (which also
makes top-level `await` work), run once, in dependency order, after the modules it imports. Exports are
getters on a namespace object per module, so `import * as ns` sees live values.

An imported binding that its module declares with `const`, `function` or `class` cannot change, so it is
bound once as a `const`. One declared with `let` or `var` can be reassigned by its module; the importer
then reads it through a `with` scope of getters (outside the importer's strict-mode body), which is how a
live ES module binding behaves. Import cycles are refused. js_module.py lists the import and export forms
that are understood; every other character of a module is copied as it is.
"""

import json
from pathlib import Path

from app.export.js_module import Module, parse_module
from app.export.js_tokens import BundleError

__all__ = ["BundleError", "bundle", "parse_module"]


_RUNTIME = """\
var __gradflow_bundle__ = (function () {
  "use strict";
  var modules = Object.create(null);
  function module(id) {
    var m = modules[id];
    if (!m || !m.done) throw new Error("bundle: module " + id + " has not run yet");
    return m.ns;
  }
  return {
    define: function (id, factory) {
      var ns = Object.create(null);
      modules[id] = { factory: factory, ns: ns, done: false };
    },
    exports: function (id, getters) {
      var ns = modules[id].ns;
      Object.keys(getters).forEach(function (name) {
        Object.defineProperty(ns, name, { get: getters[name], enumerable: true });
      });
    },
    module: module,
    // A `with` scope of getters: an importer reads a binding its module may reassign, as ES modules do.
    live: function (bindings) {
      var scope = Object.create(null);
      Object.keys(bindings).forEach(function (local) {
        var from = bindings[local];
        Object.defineProperty(scope, local, { get: function () { return module(from[0])[from[1]]; } });
      });
      return scope;
    },
    run: async function (order) {
      for (var i = 0; i < order.length; i++) {
        var m = modules[order[i]];
        await m.factory().call(undefined);
        m.done = true;
      }
    },
  };
})();
"""
_RESERVED = "__gradflow_bundle__"


def _order(modules: dict[str, Module], entry: str) -> list[str]:
    """Modules in the order they must run: every module after the ones it imports."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(mid: str, path: list[str]) -> None:
        if state.get(mid) == "done":
            return
        if state.get(mid) == "visiting":
            cycle = [*path[path.index(mid) :], mid]
            raise BundleError("import cycle: " + " → ".join(cycle))
        state[mid] = "visiting"
        for dep in modules[mid].dependencies:
            visit(dep, [*path, mid])
        state[mid] = "done"
        order.append(mid)

    visit(entry, [])
    return order


def _load(root: Path, entry: str) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    todo = [entry]
    while todo:
        mid = todo.pop()
        if mid in modules:
            continue
        path = root / mid
        if not path.is_file():
            raise BundleError(f"no module {mid} under {root}")
        modules[mid] = parse_module(mid, path.read_text(encoding="utf-8"))
        todo.extend(modules[mid].dependencies)
    return modules


def _check_names(modules: dict[str, Module]) -> None:
    for module in modules.values():
        if _RESERVED in module.source:
            raise BundleError(f"{module.id}: uses the bundler's reserved name {_RESERVED}")
        for decl in module.imports:
            target = modules[decl.source]
            for imported, _ in decl.names:
                if imported not in target.exports and imported not in target.reexports:
                    raise BundleError(
                        f"{module.id} imports {imported!r} from {decl.source}, which does not export it"
                    )
        for source, name in module.reexports.values():
            target = modules[source]
            if name not in target.exports and name not in target.reexports:
                raise BundleError(f"{module.id} re-exports {name!r} from {source}, which does not export it")


def _body(module: Module) -> str:
    out, at = [], 0
    for start, end, replacement in sorted(module.edits):
        out.append(module.source[at:start])
        out.append(replacement)
        at = end
    out.append(module.source[at:])
    return "".join(out)


def _wrap(module: Module, modules: dict[str, Module]) -> str:
    b = _RESERVED
    constants, live = [], {}
    for decl in module.imports:
        if decl.namespace:
            constants.append(f"const {decl.namespace} = {b}.module({json.dumps(decl.source)});")
        fixed = []
        for imported, local in decl.names:
            if modules[decl.source].immutable(imported):
                fixed.append(imported if imported == local else f"{imported}: {local}")
            else:
                live[local] = [decl.source, imported]
        if fixed:
            constants.append(f"const {{ {', '.join(fixed)} }} = {b}.module({json.dumps(decl.source)});")
    getters = [f"{json.dumps(name)}: () => {local}" for name, local in module.exports.items()]
    getters += [
        f"{json.dumps(name)}: () => {b}.module({json.dumps(source)})[{json.dumps(original)}]"
        for name, (source, original) in module.reexports.items()
    ]
    head = "\n".join([*constants, f"{b}.exports({json.dumps(module.id)}, {{ {', '.join(getters)} }});"])
    inner = f'async function () {{\n"use strict";\n{head}\n{_body(module)}\n}}'
    if live:
        factory = f"function () {{ with ({b}.live({json.dumps(live)})) {{ return {inner}; }} }}"
    else:
        factory = f"function () {{ return {inner}; }}"
    return f"// ---- {module.id}\n{b}.define({json.dumps(module.id)}, {factory});\n"


def bundle(root: Path, entry: str) -> str:
    """The module `entry` (a path under `root`, such as "main.js") and everything it imports, as one
    classic script that runs them in dependency order."""
    root = Path(root)
    modules = _load(root, entry)
    _check_names(modules)
    order = _order(modules, entry)
    parts = [
        "// The page's ES modules as one classic script (app/export/bundle.py); each module keeps its scope.\n",
        "(function () {\n",
        _RUNTIME,
        *(_wrap(modules[mid], modules) for mid in order),
        f"{_RESERVED}.run({json.dumps(order)});\n",
        "})();\n",
    ]
    return "".join(parts)
