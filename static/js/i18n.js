// Every string a person reads, in English and Korean. The words live in static/i18n/<lang>.json (flat keys,
// `{name}` placeholders); this module picks the language, looks keys up and fills the page's data-i18n*
// attributes. A missing key is a bug: it is logged as a console error (the browser tests fail on those) and
// shown as the key itself, never as a blank.

import { getStrings } from "./api.js";

export const LANGUAGES = ["en", "ko"];

let strings = {};
let current = "en";

/** The language to show: the URL's `lang` if valid, else Korean when the browser asks for it, else English. */
export function pickLanguage(urlLang, browserLanguages = navigator.languages || [navigator.language]) {
  if (LANGUAGES.includes(urlLang)) return urlLang;
  for (const tag of browserLanguages) {
    const base = String(tag || "").toLowerCase().split("-")[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return "en";
}

export async function loadLanguage(lang) {
  strings = await getStrings(lang);
  current = lang;
  return lang;
}

export function language() {
  return current;
}

export function has(key) {
  return Object.hasOwn(strings, key);
}

/** The string for `key` with `{name}` placeholders replaced from `vars`. */
export function t(key, vars = {}) {
  if (!has(key)) {
    console.error(`i18n: no "${key}" in ${current}.json`);
    return key;
  }
  return strings[key].replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** A number in the current language's format, to `digits` significant digits (exponent form when tiny or huge). */
export function formatNumber(x, digits = 3) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(digits - 1);
  return new Intl.NumberFormat(current, { maximumSignificantDigits: digits }).format(x);
}

const ATTRIBUTES = [
  ["i18nTitle", "title"],
  ["i18nAriaLabel", "aria-label"],
  ["i18nPlaceholder", "placeholder"],
];

/** Fill every data-i18n (text), data-i18n-title, data-i18n-aria-label and data-i18n-placeholder under `root`. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const [dataKey, attr] of ATTRIBUTES) {
    const selector = `[data-${dataKey.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
    for (const el of root.querySelectorAll(selector)) el.setAttribute(attr, t(el.dataset[dataKey]));
  }
  if (root === document) {
    document.documentElement.lang = current;
    document.title = t("app.title");
  }
}
