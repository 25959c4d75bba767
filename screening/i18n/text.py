"""The one bilingual text type: every message the library returns, every label a criteria file carries."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Text(BaseModel):
    """A string in Chinese and English; ``get(lang)`` picks one (English for any other language code)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @classmethod
    def of(cls, en: str, zh: str) -> Text:
        """Positional shorthand, English first (as the messages are written in code)."""
        return cls(en=en, zh=zh)

    def __str__(self) -> str:
        return self.en
