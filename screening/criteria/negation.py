"""Negation of one occurrence: "non-weapon aid", "no resettlement", "not coal", "without dams", 非军事, 无移民.

The text engine (:mod:`screening.criteria.textscan`) returns every occurrence of a term with its position;
:meth:`Negation.negates` judges one occurrence by what stands right before it in the same clause. All cues are
literal text from the criteria file's ``negation:`` block (no regular expressions):

* ``prefixes`` glued to the occurrence ("non-", "non "): the text just before the occurrence ends with one;
* ``cues`` (English words, whole words) among the ``window_words`` words before the occurrence;
* ``zh_cues`` (Chinese, no spaces to count words by) among the ``window_chars`` characters before it, not
  counting ``zh_non_cues``, words that hold a cue character but negate nothing (南非, 西非, 非洲, 未来, 无线).

The look-back stops at a clause boundary (``stops``): "No. 5 Thermal Power Plant" is not a negation, and
"without delays, the coal plant" negates nothing. Text and cues are folded by the engine's own case fold, which keeps
positions, so ``start``/``end`` from the engine index the text as written.

Another stage (inference) imports :class:`Negation` and calls ``negates(text, start, end)`` on occurrences
from the same engine: keep that signature.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from screening.criteria.textscan import fold
from screening.i18n import Text

# Characters before an occurrence that the look-back reads: 12 words (the widest window allowed) of 20
# characters each. Our own bound; a clause boundary further back cannot matter to the last words.
LOOK_BACK = 240


class Negation(BaseModel):
    """The negation cues of a criteria set; ``negates`` judges one occurrence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cues: list[str] = []
    prefixes: list[str] = []
    zh_cues: list[str] = []
    zh_non_cues: list[str] = []  # words that hold a cue but negate nothing: 南非, 非洲, 未来, 无线
    stops: list[str] = [
        ".",
        ",",
        ";",
        ":",
        "!",
        "?",
        "(",
        ")",
        "[",
        "]",
        "\n",
        "。",
        "；",
        "：",
        "！",
        "？",
        "，",
    ]
    window_words: int = Field(default=3, ge=0, le=12)
    window_chars: int = Field(default=4, ge=0, le=20)
    why: Text | None = None

    def negates(self, text: str, start: int, end: int) -> bool:
        """Whether the occurrence ``text[start:end]`` is negated by what stands before it in its clause."""
        if start <= 0 or start > len(text):
            return False
        # Only the end of the clause can hold a cue (at most 12 words or 20 characters back), so only the
        # last LOOK_BACK characters are folded and searched: the cost no longer grows with the text.
        before = fold(text[max(0, start - LOOK_BACK) : start])
        cut = max((before.rfind(s) for s in self.stops if s), default=-1)
        clause = before[cut + 1 :]
        if any(p and clause.endswith(fold(p)) for p in self.prefixes):
            return True
        if self.zh_cues and self.window_chars:
            # look a little further back so that a non-cue word cut by the window is still recognised
            reach = self.window_chars + max((len(w) for w in self.zh_non_cues), default=0)
            tail = clause[-reach:]
            for word in self.zh_non_cues:
                if word:
                    tail = tail.replace(fold(word), " " * len(word))
            tail = tail[-self.window_chars :]
            if any(c and fold(c) in tail for c in self.zh_cues):
                return True
        if self.cues and self.window_words:
            words = [w.strip(",\"'“”‘’") for w in clause.split()][-self.window_words :]
            wanted = {fold(c) for c in self.cues if c}
            if any(w in wanted for w in words):
                return True
        return False


NO_NEGATION = Negation()
