"""Language codes: ISO 639-1 in our API, ISO 639-3 where Apertium wants them, English names.

Our public codes are ISO 639-1 (`es`, `en`, `ca`...) where one exists, otherwise the
three-letter ISO 639-3 code (`ast`, `szl`...). Browser tags such as `en-US` or `pt_BR`
are reduced to their primary subtag by `normalize`.
"""

from __future__ import annotations

import re

# ISO 639-3 (and the few ISO 639-2/B forms Apertium mode names use) → ISO 639-1.
_THREE_TO_TWO: dict[str, str] = {
    "afr": "af",
    "ara": "ar",
    "arg": "an",
    "bel": "be",
    "ben": "bn",
    "bre": "br",
    "bul": "bg",
    "cat": "ca",
    "ces": "cs",
    "cym": "cy",
    "dan": "da",
    "deu": "de",
    "ell": "el",
    "eng": "en",
    "epo": "eo",
    "est": "et",
    "eus": "eu",
    "fas": "fa",
    "fin": "fi",
    "fra": "fr",
    "gle": "ga",
    "glg": "gl",
    "heb": "he",
    "hin": "hi",
    "hrv": "hr",
    "hun": "hu",
    "hye": "hy",
    "ind": "id",
    "isl": "is",
    "ita": "it",
    "jpn": "ja",
    "kaz": "kk",
    "kat": "ka",
    "kor": "ko",
    "lat": "la",
    "lav": "lv",
    "lit": "lt",
    "mkd": "mk",
    "mlt": "mt",
    "msa": "ms",
    "nld": "nl",
    "nno": "nn",
    "nob": "nb",
    "nor": "no",
    "oci": "oc",
    "pol": "pl",
    "por": "pt",
    "ron": "ro",
    "rus": "ru",
    "slk": "sk",
    "slv": "sl",
    "spa": "es",
    "sqi": "sq",
    "srd": "sc",
    "srp": "sr",
    "swe": "sv",
    "tha": "th",
    "tur": "tr",
    "ukr": "uk",
    "urd": "ur",
    "vie": "vi",
    "zho": "zh",
    # Apertium's Serbo-Croatian and Malay pairs use macro-language codes.
    "hbs": "sh",
    "zlm": "ms",
}

# English names for the codes a person is likely to meet; the LLM prompt and the UI use them.
NAMES: dict[str, str] = {
    "af": "Afrikaans",
    "an": "Aragonese",
    "ar": "Arabic",
    "ast": "Asturian",
    "be": "Belarusian",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "br": "Breton",
    "ca": "Catalan",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "eo": "Esperanto",
    "es": "Spanish",
    "et": "Estonian",
    "eu": "Basque",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "frp": "Arpitan",
    "ga": "Irish",
    "gl": "Galician",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "hy": "Armenian",
    "id": "Indonesian",
    "is": "Icelandic",
    "it": "Italian",
    "ja": "Japanese",
    "ka": "Georgian",
    "kk": "Kazakh",
    "ko": "Korean",
    "la": "Latin",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "ms": "Malay",
    "mt": "Maltese",
    "nb": "Norwegian Bokmål",
    "nl": "Dutch",
    "nn": "Norwegian Nynorsk",
    "no": "Norwegian",
    "oc": "Occitan",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sc": "Sardinian",
    "sh": "Serbo-Croatian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sq": "Albanian",
    "sr": "Serbian",
    "sv": "Swedish",
    "sw": "Swahili",
    "szl": "Silesian",
    "ta": "Tamil",
    "th": "Thai",
    "tl": "Tagalog",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "zh": "Chinese",
}

_TWO_TO_THREE: dict[str, str] = {two: three for three, two in _THREE_TO_TWO.items()}
# Where two three-letter codes map to one two-letter code, prefer the individual language.
_TWO_TO_THREE["ms"] = "msa"

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


def normalize(code: str) -> str:
    """Reduce a language tag (`en-US`, `pt_BR`, `spa`, `ES`) to our code (`en`, `pt`, `es`).

    Raises ValueError for something that is not a language tag, so a bad query parameter
    becomes a clear 4xx rather than an engine error.
    """
    tag = code.strip()
    if not _TAG.match(tag):
        raise ValueError(f"not a language code: {code!r} (expected e.g. 'en', 'es', 'pt-BR')")
    primary = re.split(r"[-_]", tag, maxsplit=1)[0].lower()
    return _THREE_TO_TWO.get(primary, primary)


def to_iso639_3(code: str) -> str:
    """The three-letter code for one of our codes (`es` → `spa`); three-letter codes pass."""
    return _TWO_TO_THREE.get(code, code)


def language_name(code: str) -> str:
    """The English name of a language code, or the code itself when we do not know it."""
    return NAMES.get(code, code)
