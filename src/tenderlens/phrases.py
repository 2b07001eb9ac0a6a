"""Catalogues: reading their data files, and finding their phrases whatever the case, spacing,
hyphens or slashes.

Phrases and text are compared in a compact form (lower case; letters, digits and '+' only), and
word boundaries are checked on the original text, so "DCB 0129", "DCB-0129" and "dcb0129" all
match the phrase "DCB0129", and "call off" matches "call-off" and "call-offs". A token-based spaCy
PhraseMatcher misses such variants because each tokenises differently.

Where no fixed phrase fits ("RM6187", "a restricted, below threshold procedure"), a catalogue entry
may add regular-expression `patterns`, matched case-insensitively on the original text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any


def read_catalogue(name: str, path: str | None = None) -> Any:
    """The shipped `data/<name>` of the package, or a user's own file of the same shape."""
    if path is None:
        return json.loads(resources.files("tenderlens").joinpath(f"data/{name}").read_text("utf-8"))
    return json.loads(Path(path).read_text("utf-8"))


_NUMBER_GOES_ON = re.compile(r"\.?\d")


def compact(text: str) -> tuple[str, list[int]]:
    """Lower-cased letters, digits and '+', with the original offset of each kept char."""
    chars, offsets = [], []
    for i, char in enumerate(text):
        if char.isalnum() or char == "+":
            chars.append(char.lower())
            offsets.append(i)
    return "".join(chars), offsets


class PhraseIndex:
    """Phrases and patterns, each owned by one id or more; `find` returns (start, end, id) in the
    original text, once for each id that owns the match ("grant funding" is both a regime's and a
    route's tell-tale).

    A pattern match that overlaps an earlier match of the same id is dropped, so one wording counts once.
    """

    def __init__(
        self,
        phrases: Iterable[tuple[str, str]],
        *,
        patterns: Iterable[tuple[str, str]] = (),
        min_length: int = 3,
    ) -> None:
        self.owners: dict[str, list[str]] = {}
        for phrase, owner in phrases:
            key, _ = compact(phrase)
            if len(key) >= min_length and owner not in self.owners.setdefault(key, []):
                self.owners[key].append(owner)
        ordered = sorted(self.owners, key=len, reverse=True)  # the longest phrase wins at a position
        self.pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self.patterns = [(re.compile(p, re.IGNORECASE), owner) for p, owner in patterns]

    def find(self, text: str) -> list[tuple[int, int, str]]:
        found = self._phrases(text)
        for pattern, owner in self.patterns:
            for match in pattern.finditer(text):
                start, end = match.span()
                if end > start and not any(start < e and s < end and o == owner for s, e, o in found):
                    found.append((start, end, owner))
        return sorted(found)

    def _phrases(self, text: str) -> list[tuple[int, int, str]]:
        if self.pattern is None:
            return []
        key, offsets = compact(text)
        found: list[tuple[int, int, str]] = []
        position = 0
        while (match := self.pattern.search(key, position)) is not None:
            # the longest phrase at a position may fail the word checks ("Direct Award C" in "direct
            # award contract") where a shorter one, a prefix of it, passes ("direct award")
            at, longest = match.start(), match.group(0)
            for phrase in (longest[:n] for n in range(len(longest), 0, -1) if longest[:n] in self.owners):
                if (span := self._span(text, phrase, offsets, at)) is not None:
                    found += [(*span, owner) for owner in self.owners[phrase]]
                    position = at + len(phrase)
                    break
            else:
                position = at + 1
        return found

    @staticmethod
    def _span(text: str, phrase: str, offsets: list[int], at: int) -> tuple[int, int] | None:
        """The phrase's (start, end) in ``text`` where it stands as whole words, a plural 's' included."""
        start, end = offsets[at], offsets[at + len(phrase) - 1] + 1
        if start and text[start - 1].isalnum():  # "CQC" but not inside "NCQCX"
            return None
        if phrase[-1].isdigit():
            # "27001" may run on into ":2022", but a number is not cut short: "Schedule 3" is not
            # in "Schedule 31" or "Schedule\n3.11.1"
            return None if _NUMBER_GOES_ON.match(text, end) else (start, end)
        if text[end : end + 1] in ("s", "S") and not text[end + 1 : end + 2].isalpha():
            end += 1  # "call-offs", "DPIAs"
        return None if text[end : end + 1].isalpha() else (start, end)
