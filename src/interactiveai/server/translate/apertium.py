"""Apertium: offline rule-based translation through the `apertium` command (Debian packages).

The installed language pairs (`apertium-eng-spa`, `apertium-fra-cat`...) decide the
languages offered; `apertium -l` lists their modes (`spa-eng`, `eng-cat_valencia`, `fr-es`).

Batching: many texts go through one `apertium` process, separated by a line made of
private-use characters. Apertium treats characters outside its alphabets as blanks and
copies blanks through unchanged, and a blank line ends a sentence, so no transfer rule
spans two texts. Measured on Debian 12 (apertium 3.8): output of a batch equals the
output of one process per text, at one process start (~0.2 s) instead of one per text.
The `-z` null-flush mode was tried and rejected: it dropped the NUL separators and let
words from neighbouring texts run together.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

from interactiveai.server.translate.chunking import pack, split_outer_whitespace, split_text
from interactiveai.server.translate.interface import TranslationError, UnsupportedLanguageError
from interactiveai.server.translate.languages import normalize

log = logging.getLogger(__name__)

# The separator between texts of one batch (private-use code points: no text has them).
_MARK = "\ue100\ue101\ue100"
_SEPARATOR = f"\n\n{_MARK}\n\n"
_MODES_DIR = Path("/usr/share/apertium/modes")
# `spa-eng`, `fr-es`, `eng-cat_valencia` (variant after the underscore); not `eco-es-fr`.
_MODE = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})(?:_([A-Za-z0-9_]+))?$")


def parse_modes(names: list[str]) -> dict[tuple[str, str], str]:
    """Map (source, target) in our codes to the Apertium mode that translates it.

    The plain mode wins over a variant (`cat-eng` over `cat-eng_US`); a variant is used
    only when it is the sole mode for its pair. Names that are not translation modes
    (analysers, `eco-es-fr`) are ignored.
    """
    pairs: dict[tuple[str, str], str] = {}
    variants: dict[tuple[str, str], str] = {}
    for name in sorted(names):
        m = _MODE.match(name)
        if not m:
            continue
        try:
            pair = (normalize(m.group(1)), normalize(m.group(2)))
        except ValueError:
            continue
        if pair[0] == pair[1]:
            continue
        if m.group(3):
            variants.setdefault(pair, name)
        # Two packages may offer one pair (`spa-cat` and the older `es-ca`); prefer the
        # three-letter one, which is the maintained package.
        elif pair not in pairs or len(m.group(1)) == 3:
            pairs[pair] = name
    for pair, name in variants.items():
        pairs.setdefault(pair, name)
    return pairs


class ApertiumTranslator:
    """Translate with the locally installed Apertium pairs (no network)."""

    name = "apertium"

    def __init__(
        self,
        *,
        command: str = "apertium",
        data_dir: str | None = None,
        timeout: float = 60.0,
        max_batch_chars: int = 100_000,
    ) -> None:
        """`command` is looked up on PATH; `data_dir` is passed as `apertium -d`.

        `timeout` bounds one `apertium` process; `max_batch_chars` bounds the text sent to
        one process (Apertium does ~100k characters a second on one core).
        """
        self.command = command
        self.data_dir = data_dir
        self.timeout = timeout
        self.max_batch_chars = max_batch_chars
        self._modes: dict[tuple[str, str], str] | None = None
        self._lock = threading.Lock()

    # -- discovery ---------------------------------------------------------------------

    def executable(self) -> str | None:
        """The path of the `apertium` command, or None when it is not installed."""
        return shutil.which(self.command)

    def available(self) -> bool:
        """Apertium is installed and at least one language pair is."""
        return bool(self.modes())

    def modes(self) -> dict[tuple[str, str], str]:
        """The installed pairs, read once (call `refresh` after installing a pair)."""
        with self._lock:
            if self._modes is None:
                self._modes = parse_modes(self._list_modes())
                log.info("apertium pairs: %s", sorted(self._modes.values()) or "none")
            return self._modes

    def refresh(self) -> None:
        """Forget the list of installed pairs so that the next call reads it again."""
        with self._lock:
            self._modes = None

    def _list_modes(self) -> list[str]:
        exe = self.executable()
        if exe is None:
            return []
        args = [exe, *self._data_args(), "-l"]
        try:
            proc = subprocess.run(args, capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("could not list apertium modes: %s", exc)
            return []
        names = proc.stdout.decode("utf-8", "replace").split()
        if proc.returncode != 0 or not names:
            # Older apertium lacks -l; the mode files are the same list.
            modes_dir = Path(self.data_dir) / "modes" if self.data_dir else _MODES_DIR
            names = [p.stem for p in modes_dir.glob("*.mode")]
        return names

    def _data_args(self) -> list[str]:
        return ["-d", self.data_dir] if self.data_dir else []

    def languages(self) -> frozenset[tuple[str, str]]:
        """The (source, target) pairs of the installed Apertium packages."""
        return frozenset(self.modes())

    def supports(self, source: str, target: str) -> bool:
        """Whether an installed pair translates `source` into `target` directly."""
        return (source, target) in self.modes()

    # -- translation -------------------------------------------------------------------

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """Translate `texts` from `source` to `target`, a few processes for all of them."""
        mode = self.modes().get((source, target))
        if mode is None:
            raise UnsupportedLanguageError(
                f"Apertium has no {source}→{target} pair installed"
                f" (installed: {', '.join(sorted(self.modes().values())) or 'none'})"
            )
        # Cut long texts so one process never gets more than a batch; join them afterwards.
        pieces: list[str] = []
        owners: list[int] = []
        for i, text in enumerate(texts):
            for piece in split_text(text, self.max_batch_chars):
                pieces.append(piece)
                owners.append(i)
        translated = self._translate_pieces(pieces, mode)
        out = [""] * len(texts)
        for owner, piece in zip(owners, translated, strict=True):
            out[owner] += piece
        return out

    def _translate_pieces(self, pieces: list[str], mode: str) -> list[str]:
        parts = [split_outer_whitespace(p) for p in pieces]
        cores = [core for _, core, _ in parts]
        todo = [i for i, core in enumerate(cores) if core and _MARK not in core]
        alone = [i for i, core in enumerate(cores) if core and _MARK in core]
        result = list(cores)
        for batch in pack([cores[i] for i in todo], self.max_batch_chars):
            idx = [todo[j] for j in batch]
            for i, text in zip(idx, self._run_batch([cores[i] for i in idx], mode), strict=True):
                result[i] = text
        for i in alone:
            result[i] = self._run(cores[i], mode).strip()
        return [lead + result[i] + trail for i, (lead, _, trail) in enumerate(parts)]

    def _run_batch(self, cores: list[str], mode: str) -> list[str]:
        if len(cores) == 1:
            return [self._run(cores[0], mode).strip()]
        output = self._run(_SEPARATOR.join(cores), mode)
        parts = output.split(_MARK)
        if len(parts) == len(cores):
            return [p.strip() for p in parts]
        # Not seen in practice; if a pair ever eats the separator, pay one process per text.
        log.warning(
            "apertium %s returned %d parts for %d texts; translating one by one",
            mode,
            len(parts),
            len(cores),
        )
        return [self._run(core, mode).strip() for core in cores]

    def _run(self, text: str, mode: str) -> str:
        exe = self.executable()
        if exe is None:
            raise TranslationError("the `apertium` command is not installed")
        # -u: no '*' marks on unknown words (they are copied as they are); -f txt: plain text.
        args = [exe, *self._data_args(), "-u", "-f", "txt", mode]
        env = {**os.environ, "LC_ALL": "C.UTF-8"}
        try:
            proc = subprocess.run(
                args,
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=self.timeout,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise TranslationError(
                f"Apertium ({mode}) did not finish within {self.timeout:g} s"
                f" for {len(text)} characters"
            ) from exc
        except OSError as exc:
            raise TranslationError(f"could not run apertium: {exc}") from exc
        if proc.returncode != 0:
            stderr = proc.stderr.decode("utf-8", "replace").strip()
            raise TranslationError(
                f"apertium {mode} failed with exit code {proc.returncode}: {stderr[:500]}"
            )
        return proc.stdout.decode("utf-8", "replace")
