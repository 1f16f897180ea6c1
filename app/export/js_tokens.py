"""A small JavaScript tokenizer, enough to find a module's top-level `import` and `export` statements.

It knows strings, template literals with nested `${…}`, comments, regular-expression literals (told from
a division by the token before the `/`), numbers, names and punctuation, and the bracket depth of every
token. It is not a parser: app/export/js_module.py only trusts it at the top level of a module, and every
character it does not need to change is copied as it is.
"""

import re
from dataclasses import dataclass


class BundleError(ValueError):
    """A module uses a form the bundler does not handle, or the modules do not fit together."""


@dataclass(frozen=True)
class Token:
    kind: str  # name | number | string | template | regex | punct
    text: str
    start: int
    end: int
    depth: int  # open ( [ { and ${ around the token; an opener or closer counts at its outer depth
    newline_before: bool


_NAME = re.compile(r"[^\W\d][\w$]*|\$[\w$]*")
_NUMBER = re.compile(r"0[xXoObB][\da-fA-F_]+n?|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?n?")
_SPACE = " \t\f\v\u00a0\ufeff"
_NEWLINES = "\n\r\u2028\u2029"
# After these names an expression starts, so a `/` begins a regular expression, not a division.
_BEFORE_EXPRESSION = {
    "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else",
    "yield", "await",
}  # fmt: skip
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def line_of(source: str, index: int) -> int:
    return source.count("\n", 0, index) + 1


class _Tokenizer:
    def __init__(self, source: str, name: str):
        self.s = source
        self.name = name
        self.i = 0
        self.stack: list[str] = []
        self.tokens: list[Token] = []

    def fail(self, message: str, at: int | None = None):
        at = self.i if at is None else at
        raise BundleError(f"{self.name}:{line_of(self.s, at)}: {message}")

    def run(self) -> list[Token]:
        s, n = self.s, len(self.s)
        newline = False
        while self.i < n:
            c = s[self.i]
            if c in _SPACE or c in _NEWLINES:
                newline = newline or c in _NEWLINES
                self.i += 1
                continue
            if s.startswith("//", self.i):
                ends = [p for p in (s.find(ch, self.i) for ch in _NEWLINES) if p >= 0]
                self.i = min(ends) if ends else n
                continue
            if s.startswith("/*", self.i):
                end = s.find("*/", self.i + 2)
                if end < 0:
                    self.fail("unterminated comment")
                newline = newline or any(ch in s[self.i : end] for ch in _NEWLINES)
                self.i = end + 2
                continue
            start, depth = self.i, len(self.stack)
            kind = self.scan(c)
            if kind == "punct" and c in _CLOSERS:
                depth = len(self.stack)  # a closer counts at the depth of its opener
            self.tokens.append(Token(kind, s[start : self.i], start, self.i, depth, newline))
            newline = False
        if self.stack:
            self.fail(f"unclosed {self.stack[-1]!r}", n)
        return self.tokens

    def scan(self, c: str) -> str:
        s = self.s
        if c in "'\"":
            self.string(c)
            return "string"
        if c == "`":
            self.i += 1
            self.template()
            return "template"
        if c == "}" and self.stack and self.stack[-1] == "${":
            self.stack.pop()
            self.i += 1
            self.template()
            return "template"
        if c.isdigit() or (c == "." and self.i + 1 < len(s) and s[self.i + 1].isdigit()):
            self.i = _NUMBER.match(s, self.i).end()
            return "number"
        match = _NAME.match(s, self.i)
        if match:
            self.i = match.end()
            return "name"
        if c == "\\":
            self.fail("unicode escapes in names are not supported")
        if c == "/" and self.regex_allowed():
            self.regex()
            return "regex"
        if c in "([{":
            self.stack.append(c)
        elif c in _CLOSERS:
            if not self.stack or self.stack[-1] != _CLOSERS[c]:
                self.fail(f"unbalanced {c!r}")
            self.stack.pop()
        self.i += 1
        return "punct"

    def string(self, quote: str) -> None:
        s, i = self.s, self.i + 1
        while i < len(s):
            if s[i] == "\\":
                i += 2
                continue
            if s[i] == quote:
                self.i = i + 1
                return
            if s[i] in "\n\r":
                break
            i += 1
        self.fail("unterminated string")

    def template(self) -> None:
        """From just inside a template literal (or just after a `${…}`) to its end or its next `${`."""
        s, i = self.s, self.i
        while i < len(s):
            if s[i] == "\\":
                i += 2
                continue
            if s[i] == "`":
                self.i = i + 1
                return
            if s.startswith("${", i):
                self.stack.append("${")
                self.i = i + 2
                return
            i += 1
        self.fail("unterminated template literal")

    def regex_allowed(self) -> bool:
        if not self.tokens:
            return True
        prev = self.tokens[-1]
        if prev.kind == "name":
            return prev.text in _BEFORE_EXPRESSION
        if prev.kind == "punct":
            return prev.text not in ")]"
        return False

    def regex(self) -> None:
        s, i, in_class = self.s, self.i + 1, False
        while i < len(s):
            ch = s[i]
            if ch == "\\":
                i += 2
                continue
            if ch in _NEWLINES:
                break
            if ch == "[":
                in_class = True
            elif ch == "]":
                in_class = False
            elif ch == "/" and not in_class:
                i += 1
                while i < len(s) and (s[i].isalnum() or s[i] in "_$"):
                    i += 1
                self.i = i
                return
            i += 1
        self.fail("unterminated regular expression")


def tokenize(source: str, name: str = "<module>") -> list[Token]:
    """The tokens of a JavaScript source (comments dropped), each with its bracket depth."""
    return _Tokenizer(source, name).run()
