"""Two languages, one way: the :class:`Text` type, and in :mod:`~screening.i18n.catalogue` every UI,
workbook and CLI string (``text(key)`` → Text, ``t(key, lang)`` → str); one colour palette in
:mod:`~screening.i18n.palette`."""

from __future__ import annotations

from screening.i18n.catalogue import both, has, join, lang_code, other_lang, t, text
from screening.i18n.text import Text

__all__ = ["Text", "both", "has", "join", "lang_code", "other_lang", "t", "text"]
