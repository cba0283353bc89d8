"""Which strings are prose, and which parts of a prose string must not be translated.

Fenced code blocks split a text into separate prose blocks (they sit between paragraphs).
Inside a prose block, inline code, URLs, e-mail addresses and template variables
(`{name}`, `{{ name }}`) are replaced by markers `⟦0⟧`, `⟦1⟧`... that both engines copy
through (Apertium reads them as unknown words; the LLM prompt says so), then put back.
If an engine loses or duplicates a marker, the block is translated again piece by piece
between the protected spans, which cannot lose them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A fence opens at a line start (up to 3 spaces) with ``` or ~~~ and closes with the same
# run on its own line, or runs to the end of the text (an unclosed fence is still code).
_FENCE = re.compile(
    r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}(?P=fence)[ \t]*$|\Z)",
    re.MULTILINE | re.DOTALL,
)
_INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+)[^`\n]+?(?P=ticks))"
    r"|(?P<url>\b(?:https?|ftp|file)://[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]}])"
    r"|(?P<www>\bwww\.[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]}])"
    r"|(?P<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b)"
    r"|(?P<tmpl>\{\{.*?\}\}|\{%.*?%\}|\{[A-Za-z_][\w.]*\})"
)
_MARKER = re.compile(r"⟦(\d+)⟧")
_LETTER = re.compile(r"[^\W\d_]")
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)
_HEX = re.compile(r"^(?:0x)?[0-9a-fA-F]{8,}$")
_WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
_PATHLIKE = re.compile(r"^[\w.~-]*[/\\][\w./\\~-]*$")


def is_prose(text: str) -> bool:
    """Whether a person reads `text` as language (worth translating).

    Not prose: blank strings, strings without letters, ids (UUIDs, hex, `call_abc123`),
    identifiers (`snake_case`, `camelCase`, `gpt-4o-mini`), paths, URLs, e-mail
    addresses, single words of fewer than 4 letters, and anything that is all code.
    """
    s = text.strip()
    if len(s) < 2 or not _LETTER.search(s):
        return False
    if any(ch.isspace() for ch in s):
        # Several words; still not prose if nothing but code/URLs remains outside them.
        return bool(_LETTER.search(_strip_protected(s)))
    if _UUID.match(s) or _HEX.match(s) or _PATHLIKE.match(s) or _INLINE.fullmatch(s):
        return False
    # One token: a word like "Gracias!" or "¿Verdad?" is prose, an identifier is not.
    word = s.strip("¡¿!?.,;:…\"'()«»“”")
    if not _WORD.match(word):
        return False
    if len(word) < 4:
        return False
    # camelCase / PascalCase inside a word marks an identifier.
    return not re.search(r"[a-z][A-Z]", word)


def _strip_protected(text: str) -> str:
    return _INLINE.sub(" ", _FENCE.sub(" ", text))


@dataclass(frozen=True, slots=True)
class Block:
    """A stretch of a text: prose to translate (with markers) or something kept as is."""

    text: str
    prose: bool
    # The protected spans behind markers ⟦i⟧, in order; empty for kept blocks.
    spans: tuple[str, ...] = field(default=())


def split_blocks(text: str) -> list[Block]:
    """Cut a text into kept code blocks and prose blocks whose inline code is masked.

    Joining `restore(block, block.text)` over the blocks gives the text back.
    """
    blocks: list[Block] = []
    pos = 0
    for m in _FENCE.finditer(text):
        if m.start() > pos:
            blocks.extend(_prose_blocks(text[pos : m.start()]))
        blocks.append(Block(m.group(0), prose=False))
        pos = m.end()
    if pos < len(text):
        blocks.extend(_prose_blocks(text[pos:]))
    return blocks


def _prose_blocks(text: str) -> list[Block]:
    if not _LETTER.search(_strip_protected(text)):
        return [Block(text, prose=False)]
    if "⟦" in text:
        # The text has our marker characters itself; masking would be ambiguous, so the
        # spans are kept by translating the pieces between them separately.
        return [
            Block(piece, prose=bool(_LETTER.search(piece)) and not is_span)
            for piece, is_span in split_spans(text)
        ]
    spans: list[str] = []

    def mask(m: re.Match[str]) -> str:
        spans.append(m.group(0))
        return f"⟦{len(spans) - 1}⟧"

    masked = _INLINE.sub(mask, text)
    return [Block(masked, prose=True, spans=tuple(spans))]


def split_spans(text: str) -> list[tuple[str, bool]]:
    """`(piece, is_protected)` pieces of a prose text, cut around inline code and URLs."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def unmask(block: Block, translated: str) -> str | None:
    """Put the protected spans back into a translated block; None if markers got lost.

    Every marker must come back exactly once, else the caller falls back to translating
    the pieces between spans separately.
    """
    if not block.spans:
        return None if _MARKER.search(translated) else translated
    found = [int(m.group(1)) for m in _MARKER.finditer(translated)]
    if sorted(found) != list(range(len(block.spans))):
        return None
    return _MARKER.sub(lambda m: block.spans[int(m.group(1))], translated)


def unmasked_source(block: Block) -> str:
    """The original text of a block (markers replaced by their spans)."""
    if not block.spans:
        return block.text
    return _MARKER.sub(lambda m: block.spans[int(m.group(1))], block.text)


def prose_for_detection(text: str) -> str:
    """The text with code, URLs and markers removed, for language detection."""
    return _MARKER.sub(" ", _strip_protected(text))
