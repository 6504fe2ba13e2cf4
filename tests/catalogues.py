"""Kawal's translation catalogues read as plain entries: the project's and each app's own.

A small reader of gettext .po files, enough for what the tests check: every msgid has an
Indonesian translation, the compiled .mo says the same, and which English phrases must
never show on an Indonesian page.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def catalogues() -> list[Path]:
    """Every Indonesian catalogue: kawal/locale and each app's kawal/<app>/locale."""
    return sorted(ROOT.glob("kawal/**/locale/id/LC_MESSAGES/django.po"))


@dataclass(frozen=True)
class Entry:
    msgid: str
    msgstrs: tuple[str, ...]  # one, or one per plural form
    plural: str = ""
    context: str = ""
    fuzzy: bool = False
    line: int = 0


KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$')


def entries(path: Path) -> list[Entry]:
    """The entries of one .po file, the header and obsolete (#~) entries left out."""
    found = []
    for start, block in _blocks(path.read_text(encoding="utf-8")):
        fields: dict[str, str] = {}
        key = ""
        for text in block:
            keyword = KEYWORD.match(text)
            if keyword:
                key = keyword[1]
                fields[key] = json.loads(keyword[2])
            elif text.startswith('"') and key:
                fields[key] += json.loads(text)
        if "msgid" not in fields or not fields["msgid"]:
            continue
        found.append(
            Entry(
                msgid=fields["msgid"],
                msgstrs=tuple(v for k, v in sorted(fields.items()) if k.startswith("msgstr")),
                plural=fields.get("msgid_plural", ""),
                context=fields.get("msgctxt", ""),
                fuzzy=any(t.startswith("#,") and "fuzzy" in t for t in block),
                line=start,
            )
        )
    return found


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if current:
                blocks.append((start, current))
            current = []
            continue
        if line.startswith("#~"):
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, current))
    return blocks


# Words that read the same in both languages (TPS, Polri, PDF…) are not English phrases;
# a phrase needs two words of letters and a translation that differs from it.
PHRASE = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)* [A-Za-z]+")


def english_phrases() -> set[str]:
    """The English text of every translated msgid that reads differently in Indonesian,
    with its placeholders cut out: what an Indonesian page must never show."""
    phrases = set()
    for path in catalogues():
        for entry in entries(path):
            if entry.msgstrs[0] == entry.msgid:
                continue
            for piece in re.split(r"%\(\w+\)[sd]|\{\{[^}]*\}\}|%[sd]", entry.msgid):
                piece = piece.strip(" .,:;·()“”\"'–-")
                if PHRASE.search(piece):
                    phrases.add(piece)
    return phrases
