"""The catalogue of the tool's own words: every UI, workbook and CLI string, in Chinese and English.

The strings live in ``catalogue.yaml`` beside this module, one key per pair (``key: {zh: ..., en: ...}``),
read once with ``yaml.safe_load`` (size-bounded) into :class:`~screening.i18n.text.Text` values.

Why YAML and not gettext: the strings are short and written in pairs, and bilingual planners review them
side by side. A ``.po`` file keys each translation by its English source text and splits the two languages
into separate files; here the key is stable, both languages sit on consecutive lines, and a missing or
mismatched half is a test failure (``tests/i18n``) rather than a silent fallback.

* :func:`text` — the :class:`Text` of a key, formatted with ``fmt`` in both languages;
* :func:`t` — the same in one language.

Format arguments may themselves be :class:`Text` (a column's label, a list joined with the Chinese list mark):
each language is formatted with its own half. An unknown key shows itself in both languages (a typo is
visible on the page instead of a crash); the tests check that no code asks for a missing key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml

from screening.i18n.text import Text

__all__ = ["MAX_BYTES", "both", "catalogue", "has", "join", "lang_code", "other_lang", "t", "text"]


MAX_BYTES = 1_000_000  # the catalogue is ~80 kB; anything much larger is not this file


FILE = "catalogue.yaml"


def _load(raw: bytes, where: str = FILE) -> dict[str, Text]:
    if len(raw) > MAX_BYTES:
        raise ValueError(f"{where}: larger than {MAX_BYTES:,} bytes; it cannot be the string catalogue")
    data = yaml.safe_load(raw.decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a mapping of keys to {{zh, en}}")
    out: dict[str, Text] = {}
    for key, pair in data.items():
        if not isinstance(key, str) or not isinstance(pair, dict):
            raise ValueError(f"{where}: {key!r}: expected `key: {{zh: ..., en: ...}}`")
        out[key] = Text.model_validate(pair)
    return out


@cache
def catalogue() -> Mapping[str, Text]:
    """Every key and its :class:`Text` (read on first use, once per process)."""
    return _load(files("screening.i18n").joinpath(FILE).read_bytes())


def has(key: str) -> bool:
    return key in catalogue()


def lang_code(lang: str) -> Literal["zh", "en"]:
    """``'zh'`` for Chinese, ``'en'`` for any other code (the rule of :meth:`Text.get`), e.g. to pick a
    ``*_zh`` / ``*_en`` column."""
    return "zh" if lang == "zh" else "en"


def other_lang(lang: str) -> Literal["zh", "en"]:
    """The other of the two languages (a bilingual cell shows ``lang`` first, then this one)."""
    return "en" if lang_code(lang) == "zh" else "zh"


def _args(fmt: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return {k: v.get(lang) if isinstance(v, Text) else v for k, v in fmt.items()}


def text(key: str, **fmt: Any) -> Text:
    """The catalogue's :class:`Text` for ``key``, formatted with ``fmt`` (Text arguments per language)."""
    entry = catalogue().get(key)
    if entry is None:
        return Text(zh=key, en=key)
    if not fmt:
        return entry
    return Text(zh=entry.zh.format(**_args(fmt, "zh")), en=entry.en.format(**_args(fmt, "en")))


def t(key: str, lang: str, **fmt: Any) -> str:
    """The string ``key`` in ``lang`` (``zh``, else English), formatted with ``fmt``."""
    entry = catalogue().get(key)
    if entry is None:
        return key
    s = entry.get(lang)
    return s.format(**_args(fmt, lang)) if fmt else s


def join(items: Iterable[Text | str], sep: str = "sep_list") -> Text:
    """Items joined with the separator ``sep`` (a catalogue key: ``sep_list`` is 、 / ", ", ``sep_items``
    is ； / "; ")."""
    mark = text(sep)
    parts = list(items)
    return Text(
        zh=mark.zh.join(p.zh if isinstance(p, Text) else p for p in parts),
        en=mark.en.join(p.en if isinstance(p, Text) else p for p in parts),
    )


def both(value: Text, lang: str = "zh", sep: str = " / ") -> str:
    """Both languages in one string, ``lang`` first (a bilingual title, note or cell comment)."""
    return f"{value.get(lang)}{sep}{value.get(other_lang(lang))}"
