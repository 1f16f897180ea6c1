"""One ES module taken apart: what it imports, what it exports, and the edits that take that syntax out.

The forms handled (anything else fails with the file and line, never silently):

    import { a, b as c } from "./x.js";     import * as ns from "./x.js";     import "./x.js";
    export function f() {}   export async function f() {}   export function* g() {}
    export async function* g() {}   export class C {}   export const|let|var a = 1, b = 2;
    export { a, b as c };    export { a, b as c } from "./x.js";

Default imports and exports, `export *`, dynamic `import()`, `import.meta` and bare specifiers are refused.
The module also records which of its top-level names are declared `const`, `function` or `class`: an
export of one of those can never change, so an importer may bind it once.
"""

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from app.export.js_tokens import BundleError, Token, line_of, tokenize


@dataclass
class ImportDecl:
    source: str  # the module id it resolves to
    names: list[tuple[str, str]]  # (exported name, local name)
    namespace: str | None  # `import * as ns`


@dataclass
class Module:
    id: str  # path under the root, with forward slashes: "charts/flow.js"
    source: str
    imports: list[ImportDecl] = field(default_factory=list)
    exports: dict[str, str] = field(default_factory=dict)  # exported name -> local name
    reexports: dict[str, tuple[str, str]] = field(default_factory=dict)  # exported -> (module id, name)
    constant: set[str] = field(default_factory=set)  # top-level names declared const, function or class
    edits: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, replacement)

    @property
    def dependencies(self) -> list[str]:
        deps = [d.source for d in self.imports] + [m for m, _ in self.reexports.values()]
        return list(dict.fromkeys(deps))

    def immutable(self, exported: str) -> bool:
        """Whether the binding behind an export can never change after the module has run."""
        return exported in self.exports and self.exports[exported] in self.constant


def _resolve(module_id: str, specifier: str, where: str) -> str:
    if not specifier.startswith(("./", "../")):
        raise BundleError(f"{where}: only relative imports can be bundled (got {specifier!r})")
    if not specifier.endswith(".js"):
        raise BundleError(f"{where}: imports must name a .js file (got {specifier!r})")
    parts: list[str] = []
    for part in (*PurePosixPath(module_id).parent.parts, *PurePosixPath(specifier).parts):
        if part == "..":
            if not parts:
                raise BundleError(f"{where}: {specifier!r} leaves the modules' folder")
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


class _Parser:
    def __init__(self, module_id: str, source: str):
        self.module = Module(module_id, source)
        self.tokens = tokenize(source, module_id)
        self.k = 0

    def where(self, token: Token | None = None) -> str:
        token = token or self.peek()
        at = token.start if token else len(self.module.source)
        return f"{self.module.id}:{line_of(self.module.source, at)}"

    def fail(self, message: str, token: Token | None = None):
        raise BundleError(f"{self.where(token)}: {message}")

    def peek(self, ahead: int = 0) -> Token | None:
        j = self.k + ahead
        return self.tokens[j] if j < len(self.tokens) else None

    def take(self, kind: str | None = None, text: str | None = None) -> Token:
        token = self.peek()
        if token is None or (kind and token.kind != kind) or (text and token.text != text):
            wanted = text or kind
            self.fail(f"expected {wanted!r}, found {token.text if token else 'the end'!r}", token)
        self.k += 1
        return token

    def optional(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "punct" and token.text == text:
            self.k += 1
            return True
        return False

    def specifier(self) -> str:
        """A module specifier: a plain string literal."""
        token = self.take("string")
        if "\\" in token.text:
            self.fail("escapes in a module specifier are not supported", token)
        return token.text[1:-1]

    def statement_end(self) -> int:
        """Consume an optional `;` and return where the statement ends."""
        end = self.tokens[self.k - 1].end
        if self.optional(";"):
            end = self.tokens[self.k - 1].end
        return end

    def remove(self, start: int, end: int) -> None:
        """Drop a statement, keeping its line breaks so that line numbers stay the same."""
        self.module.edits.append((start, end, "\n" * self.module.source.count("\n", start, end)))

    def parse(self) -> Module:
        while self.k < len(self.tokens):
            token = self.tokens[self.k]
            previous = self.tokens[self.k - 1] if self.k else None
            after_dot = previous is not None and previous.kind == "punct" and previous.text == "."
            if token.kind == "name" and token.text == "import" and not after_dot:
                following = self.peek(1)
                if following is not None and following.kind == "punct" and following.text in "(.":
                    what = "dynamic import()" if following.text == "(" else "import.meta"
                    self.fail(f"{what} cannot be bundled", token)
                if token.depth == 0:
                    self.parse_import()
                    continue
            if token.kind == "name" and token.text == "export" and not after_dot and token.depth == 0:
                self.parse_export()
                continue
            if token.kind == "name" and token.depth == 0 and token.text == "const":
                self.module.constant.update(self.declared_names(self.k + 1, patterns_allowed=True))
            elif token.kind == "name" and token.depth == 0 and token.text in ("function", "class"):
                name = self.declared_function_or_class(self.k)
                if name:
                    self.module.constant.add(name)
            self.k += 1
        return self.module

    # -- import ----------------------------------------------------------------------------------------------

    def parse_import(self) -> None:
        start = self.take("name", "import")
        names: list[tuple[str, str]] = []
        namespace = None
        token = self.peek()
        if token is not None and token.kind == "string":
            source = self.specifier()
        else:
            if token is not None and token.kind == "name":
                self.fail("default imports cannot be bundled (the page's modules use named imports)")
            if self.optional("*"):
                self.take("name", "as")
                namespace = self.take("name").text
            else:
                self.take("punct", "{")
                while not self.optional("}"):
                    imported = self.take("name").text
                    if imported == "default":
                        self.fail("default imports cannot be bundled")
                    local = imported
                    if self.peek() is not None and self.peek().text == "as":
                        self.k += 1
                        local = self.take("name").text
                    names.append((imported, local))
                    if not self.optional(","):
                        self.take("punct", "}")
                        break
            self.take("name", "from")
            source = self.specifier()
        end = self.statement_end()
        resolved = _resolve(self.module.id, source, self.where(start))
        self.module.imports.append(ImportDecl(resolved, names, namespace))
        self.remove(start.start, end)

    # -- export ----------------------------------------------------------------------------------------------

    def parse_export(self) -> None:
        start = self.take("name", "export")
        token = self.peek()
        if token is None:
            self.fail("nothing after export", start)
        if token.text in ("default", "*"):
            self.fail(f"`export {token.text}` cannot be bundled (use named exports)")
        if token.text == "{":
            self.parse_export_list(start)
            return
        # A declaration: only the word `export` goes; the declaration stays as it is.
        self.module.edits.append((start.start, token.start, ""))
        if token.text in ("function", "class", "async"):
            name = self.declared_function_or_class(self.k)
            if not name:
                self.fail("expected a function or class declaration after export")
            self.module.exports[name] = name
            self.module.constant.add(name)
        elif token.text in ("const", "let", "var"):
            names = self.declared_names(self.k + 1)
            for name in names:
                self.module.exports[name] = name
            if token.text == "const":
                self.module.constant.update(names)
        else:
            self.fail(f"`export {token.text}` cannot be bundled")
        self.k += 1

    def parse_export_list(self, start: Token) -> None:
        self.take("punct", "{")
        entries: list[tuple[str, str]] = []
        while not self.optional("}"):
            local = self.take("name").text
            exported = local
            if self.peek() is not None and self.peek().text == "as":
                self.k += 1
                exported = self.take("name").text
            if exported == "default":
                self.fail("`export { x as default }` cannot be bundled (use named exports)")
            entries.append((local, exported))
            if not self.optional(","):
                self.take("punct", "}")
                break
        source = None
        if self.peek() is not None and self.peek().kind == "name" and self.peek().text == "from":
            self.k += 1
            source = _resolve(self.module.id, self.specifier(), self.where(start))
        end = self.statement_end()
        for local, exported in entries:
            if exported in self.module.exports or exported in self.module.reexports:
                self.fail(f"{exported!r} is exported twice", start)
            if source:
                self.module.reexports[exported] = (source, local)
            else:
                self.module.exports[exported] = local
        self.remove(start.start, end)

    # -- declarations ----------------------------------------------------------------------------------------

    def declared_function_or_class(self, k: int) -> str | None:
        """The name declared by `[async] function [*] name` or `class name` starting at token k."""
        tokens = self.tokens
        if k < len(tokens) and tokens[k].text == "async":
            k += 1
        if k >= len(tokens) or tokens[k].text not in ("function", "class"):
            return None
        k += 1
        if k < len(tokens) and tokens[k].text == "*":
            k += 1
        return tokens[k].text if k < len(tokens) and tokens[k].kind == "name" else None

    def declared_names(self, k: int, patterns_allowed: bool = False) -> list[str]:
        """The names of `const|let|var a = …, b = …` whose first name is token k. A destructuring pattern
        is refused in an export; elsewhere its names are left out (they are then read as live bindings)."""
        tokens = self.tokens
        depth = tokens[k - 1].depth
        names = []
        expect_name = True
        previous = tokens[k - 1]
        while k < len(tokens):
            token = tokens[k]
            if expect_name:
                if token.kind != "name":
                    if patterns_allowed:
                        return names
                    self.fail("an exported destructuring declaration cannot be bundled", token)
                names.append(token.text)
                expect_name = False
            elif token.depth == depth:
                if token.kind == "punct" and token.text == ";":
                    break
                if token.kind == "punct" and token.text == ",":
                    expect_name = True
                elif token.newline_before and _ends_expression(previous) and _starts_statement(token):
                    break  # automatic semicolon insertion
            previous = token
            k += 1
        return names


def _ends_expression(token: Token) -> bool:
    return token.kind in ("name", "number", "string", "template", "regex") or token.text in ")]}"


def _starts_statement(token: Token) -> bool:
    return token.kind in ("name", "number", "string", "template") and token.text not in (
        "instanceof",
        "in",
        "of",
    )


def parse_module(module_id: str, source: str) -> Module:
    """A module's imports and exports, and the edits that take its import/export syntax out."""
    return _Parser(module_id, source).parse()
