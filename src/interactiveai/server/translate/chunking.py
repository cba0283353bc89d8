"""Splitting long texts into pieces an engine can take, at paragraph and sentence boundaries.

Every split is lossless: joining the pieces gives back the original text exactly, so the
whitespace between paragraphs survives translation untouched.
"""

from __future__ import annotations

import re

# Boundaries from the strongest to the weakest; a text is cut at the strongest kind that
# makes the pieces fit, so a paragraph is never split while whole paragraphs would do.
_BOUNDARIES: tuple[re.Pattern[str], ...] = (
    re.compile(r"\n[ \t]*\n\s*"),  # paragraphs (blank lines)
    re.compile(r"\n\s*"),  # lines
    re.compile(r"(?<=[.!?;:。！？؟…])[\"'”’)\]]*\s+"),  # sentences
    re.compile(r"(?<=[,，、])\s+"),  # clauses
    re.compile(r"\s+"),  # words
)


def split_outer_whitespace(text: str) -> tuple[str, str, str]:
    """`(leading, core, trailing)` with `leading + core + trailing == text`."""
    core = text.strip()
    if not core:
        return text, "", ""
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


def _pieces(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Cut `text` after each match of `pattern` (the separator stays with the left piece)."""
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.end() <= pos or m.end() >= len(text):
            continue
        out.append(text[pos : m.end()])
        pos = m.end()
    out.append(text[pos:])
    return out


def split_text(text: str, max_chars: int) -> list[str]:
    """Split `text` into pieces of at most `max_chars` characters, joined back losslessly.

    Pieces are cut at paragraph breaks if possible, else line breaks, sentence ends,
    commas, spaces, and only as a last resort in the middle of a word.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    if len(text) <= max_chars:
        return [text]
    return _split(text, max_chars, 0)


def _split(text: str, max_chars: int, level: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    if level >= len(_BOUNDARIES):
        return [text[i : i + max_chars] for i in range(0, len(text), max_chars)]
    pieces = _pieces(text, _BOUNDARIES[level])
    if len(pieces) == 1:
        return _split(text, max_chars, level + 1)
    # Greedily pack consecutive pieces; a piece too long on its own goes one level down.
    out: list[str] = []
    current = ""
    for piece in pieces:
        if len(piece) > max_chars:
            if current:
                out.append(current)
                current = ""
            out.extend(_split(piece, max_chars, level + 1))
        elif len(current) + len(piece) > max_chars:
            out.append(current)
            current = piece
        else:
            current += piece
    if current:
        out.append(current)
    return out


def pack(texts: list[str], max_chars: int) -> list[list[int]]:
    """Group indexes of `texts` into batches whose total length stays within `max_chars`.

    A text longer than `max_chars` gets a batch of its own (callers split it first).
    """
    batches: list[list[int]] = []
    current: list[int] = []
    size = 0
    for i, text in enumerate(texts):
        if current and size + len(text) > max_chars:
            batches.append(current)
            current, size = [], 0
        current.append(i)
        size += len(text)
    if current:
        batches.append(current)
    return batches
