// The strings the page's scripts hold, read by a JavaScript parser (acorn, pinned in package.json), never by
// pattern matching: for each file named on the command line, `calls` are the first arguments of t(…) and
// x.t(…) calls that are plain strings (a template with no ${…} counts), and `strings` every plain string and
// template without ${…} anywhere in it. Prints {path: {calls, strings}} as JSON (tests/web/conftest.py).
import { readFileSync } from "node:fs";
import { parse } from "acorn";
import { simple } from "acorn-walk";

function text(node) {
  if (node?.type === "Literal" && typeof node.value === "string") return node.value;
  if (node?.type === "TemplateLiteral" && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return null;
}

const out = {};
for (const path of process.argv.slice(2)) {
  const ast = parse(readFileSync(path, "utf8"), { ecmaVersion: "latest", sourceType: "module" });
  const calls = [];
  const strings = [];
  simple(ast, {
    Literal(node) {
      if (text(node) !== null) strings.push(text(node));
    },
    TemplateLiteral(node) {
      if (text(node) !== null) strings.push(text(node));
    },
    CallExpression(node) {
      const callee = node.callee;
      const name = callee.type === "Identifier" ? callee.name : callee.type === "MemberExpression" && !callee.computed ? callee.property.name : null;
      const key = text(node.arguments[0]);
      if (name === "t" && key !== null) calls.push(key);
    },
  });
  out[path] = { calls, strings };
}
process.stdout.write(JSON.stringify(out));
