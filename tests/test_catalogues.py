"""Every catalogue speaks Bahasa Indonesia: each msgid translated once, and compiled."""

import gettext
import re

import pytest

from tests.catalogues import ROOT, catalogues, english_phrases, entries

CATALOGUES = catalogues()
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def _name(path) -> str:
    return str(path.relative_to(ROOT))


def test_the_project_and_each_app_with_pages_have_a_catalogue():
    names = {_name(p).split("/locale/")[0] for p in CATALOGUES}
    assert {"kawal", "kawal/custody", "kawal/planning"} <= names


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_every_msgid_has_an_indonesian_translation(path):
    missing = [
        f"{_name(path)}:{e.line} {e.msgid!r}"
        for e in entries(path)
        if e.fuzzy or not all(s.strip() for s in e.msgstrs)
    ]
    assert not missing, "untranslated or fuzzy:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_no_translation_says_the_same_sentence_twice(path):
    def repeats(text: str) -> bool:
        return len(text) > 12 and text in (text + text)[1:-1]

    doubled = [f"{_name(path)}:{e.line} {e.msgid!r}" for e in entries(path) if any(
        repeats(s) for s in e.msgstrs
    )]
    assert not doubled, "a translation repeats itself:\n" + "\n".join(doubled)


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_each_translation_keeps_the_placeholders_of_its_msgid(path):
    wrong = [
        f"{_name(path)}:{e.line} {e.msgid!r}"
        for e in entries(path)
        for s in e.msgstrs
        if sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(e.plural or e.msgid))
        and sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(e.msgid))
    ]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_the_compiled_catalogue_says_what_the_po_file_says(path):
    with path.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for e in entries(path):
        if e.plural:
            got = compiled.ngettext(e.msgid, e.plural, 1)
        elif e.context:
            got = compiled.pgettext(e.context, e.msgid)
        else:
            got = compiled.gettext(e.msgid)
        if got != e.msgstrs[0]:
            stale.append(f"{_name(path)}:{e.line} {e.msgid!r}")
    assert not stale, "run `make messages`; the .mo is stale for:\n" + "\n".join(stale)


def test_a_msgid_in_several_catalogues_reads_the_same_in_each():
    readings: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
    for path in CATALOGUES:
        for e in entries(path):
            readings.setdefault((e.context, e.msgid), {})[_name(path)] = e.msgstrs
    differ = {k: v for k, v in readings.items() if len(set(v.values())) > 1}
    assert not differ, f"one msgid, several translations: {differ}"


def test_the_english_phrases_include_the_alert_messages():
    phrases = english_phrases()
    assert "departure without a Polri escort" in phrases
    assert "seals differ from sealing" in phrases
