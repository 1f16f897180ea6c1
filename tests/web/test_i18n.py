"""The page's words: static/i18n/en.json and ko.json hold the same keys, and every key the page uses exists.

A key in one language and not the other fails here, as does a placeholder ({step}, {cell}) that one
translation forgets, and a key that the template or a script names literally but neither file has.
"""

import json
import re

import pytest

from app.paths import STATIC_DIR, TEMPLATES_DIR

LANGUAGES = ("en", "ko")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def strings(lang: str) -> dict[str, str]:
    return json.loads((STATIC_DIR / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def used_keys(script_strings) -> set[str]:
    """Keys named literally in the template (data-i18n*) and the scripts (the plain-string first argument of
    every t(…) call, as a JavaScript parser reads it)."""
    template = (TEMPLATES_DIR / "index.html").read_text(encoding="utf-8")
    views = re.findall(r'\{"id": "(\w+)"', template)
    assert views, "the template lists its views"
    keys = set()
    for key in re.findall(r'data-i18n(?:-[a-z-]+)?="([^"]+)"', template):
        if "{{ view.id }}" in key:
            keys.update(key.replace("{{ view.id }}", view) for view in views)
        else:
            keys.add(key)
    for found in script_strings.values():
        keys.update(found["calls"])
    return keys


def test_both_languages_have_the_same_keys():
    en, ko = strings("en"), strings("ko")
    assert sorted(set(en) - set(ko)) == [], "keys in en.json missing from ko.json"
    assert sorted(set(ko) - set(en)) == [], "keys in ko.json missing from en.json"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_non_empty_text(lang):
    for key, value in strings(lang).items():
        assert isinstance(value, str) and value.strip(), f"{lang}.json: {key} is empty"


def test_translations_keep_their_placeholders():
    en, ko = strings("en"), strings("ko")
    for key in en:
        assert placeholders(en[key]) == placeholders(ko[key]), key


def test_korean_file_is_korean():
    ko = strings("ko")
    korean = sum(bool(HANGUL.search(v)) for v in ko.values())
    assert korean / len(ko) > 0.8
    assert HANGUL.search(ko["chart.flow.title"]) and HANGUL.search(ko["banner.overflow"])


def test_every_key_the_page_names_exists(script_strings):
    keys = used_keys(script_strings)
    assert {"app.title", "chart.flow.title", "chart.connectivity.caption", "banner.overflow"} <= keys
    for lang in LANGUAGES:
        missing = sorted(keys - set(strings(lang)))
        assert missing == [], f"{lang}.json lacks {missing}"


def test_every_api_parameter_has_a_label_and_a_tooltip(client):
    """The controls are built from /api/meta: a parameter the API adds needs its words in both languages.

    A control is named by the parameter's `key` in /api/meta (the training batch is `train_batch`).
    """
    meta = client.get("/api/meta").json()
    for lang in LANGUAGES:
        words = strings(lang)
        for endpoint, params in meta["parameters"].items():
            for name, spec in params.items():
                assert f"param.{spec['key']}.label" in words, (
                    f"{lang}.json has no label for {endpoint}.{name}"
                )
                assert f"param.{spec['key']}.help" in words, (
                    f"{lang}.json has no tooltip for {endpoint}.{name}"
                )
        for task in meta["tasks"]:
            assert f"task.{task}" in words, f"{lang}.json has no name for task {task}"


def test_the_template_holds_no_words_of_its_own():
    """Every text node of the body is empty or a Jinja expression: words come from the language files."""
    template = (TEMPLATES_DIR / "index.html").read_text(encoding="utf-8")
    body = template.split("<body", 1)[1]
    body = re.sub(r"\{#.*?#\}", "", body, flags=re.S)  # template comments
    texts = [t.strip() for t in re.findall(r">([^<]+)<", body)]
    stray = [t for t in texts if t and not re.fullmatch(r"(\{[%{].*?[%}]\}\s*)+", t, flags=re.S)]
    assert stray == []
