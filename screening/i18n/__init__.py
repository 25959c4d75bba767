"""Two languages, one way: the :class:`Text` type (and, in the catalogue, every UI, workbook and CLI label)."""

from __future__ import annotations

from screening.i18n.text import Text

__all__ = ["Text"]
