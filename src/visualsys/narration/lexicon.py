"""The pronunciation lexicon: written terms and how the voice should say them.

A lexicon is a JSON object mapping a written term to its spoken form::

    {"WAL": "wall", "2PC": "two phase commit", "O(log N)": "oh of log N"}

The project-wide one lives in ``assets/lexicon.json``; a topic adds its own
terms in ``Topic(lexicon={...})``, which win over the project's. Terms match
whole words (case-sensitive), may span several words ("O(log N)"), and also
match with punctuation around them ("(WAL),") and with a plural or
possessive ending ("WALs", "etcd's"). Captions always show the written form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path


class LexiconError(ValueError):
    """A lexicon file or entry is malformed; the message names the file and the entry."""


def check_lexicon(lexicon: Mapping[str, str], origin: str = "lexicon") -> dict[str, str]:
    """Validate ``lexicon`` and return it as a plain dict.

    Raises
    ------
    LexiconError
        If a term or spoken form is not a non-empty string, or a term has
        leading or trailing spaces.
    """
    out: dict[str, str] = {}
    for term, spoken in lexicon.items():
        if not isinstance(term, str) or not term.strip() or term != term.strip():
            raise LexiconError(f"{origin}: term {term!r} must be a non-empty string without outer spaces")
        if not isinstance(spoken, str) or not spoken.split():
            raise LexiconError(f"{origin}: {term!r} must map to the words to say, got {spoken!r}")
        out[" ".join(term.split())] = " ".join(spoken.split())
    return out


def load_lexicon(path: Path | str) -> dict[str, str]:
    """Read a lexicon JSON file (an object of ``"term": "spoken form"``).

    A missing file is an empty lexicon; a malformed one raises
    :class:`LexiconError` naming the file.
    """
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise LexiconError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path} must hold one JSON object mapping terms to spoken forms")
    return check_lexicon(data, str(path))


def merge(*lexicons: Mapping[str, str] | None) -> dict[str, str]:
    """Merge lexicons left to right: a later one's terms win."""
    out: dict[str, str] = {}
    for lex in lexicons:
        out.update(lex or {})
    return out
