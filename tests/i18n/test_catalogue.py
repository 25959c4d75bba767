"""The one string catalogue: complete pairs, matching placeholders, every key used, every used key present."""

from __future__ import annotations

import string

import pytest
from code_scan import CODE, ROOT, key_families, key_uses, literals

from screening.i18n import Text, both, join, t, text
from screening.i18n.catalogue import FILE, MAX_BYTES, _load, catalogue


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_catalogue_is_one_yaml_file_of_pairs() -> None:
    path = ROOT / "screening" / "i18n" / FILE
    assert path.stat().st_size < MAX_BYTES
    cat = catalogue()
    assert len(cat) > 400 and all(isinstance(v, Text) for v in cat.values())
    assert catalogue() is cat  # loaded once


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_key_has_both_languages_and_the_same_placeholders(key: str) -> None:
    entry = catalogue()[key]
    assert entry.zh.strip() and entry.en.strip(), key
    assert _fields(entry.zh) == _fields(entry.en), (key, _fields(entry.zh), _fields(entry.en))


def test_no_key_is_unused() -> None:
    used = literals()
    families = key_families()
    unused = sorted(k for k in catalogue() if k not in used and not any(k.startswith(f) for f in families))
    assert unused == [], f"catalogue keys no code asks for: {unused}"


def test_no_key_the_code_asks_for_is_missing() -> None:
    cat = catalogue()
    missing = []
    for use in key_uses():
        found = any(k.startswith(use.key) for k in cat) if use.family else use.key in cat
        if not found:
            missing.append(f"{use.path.relative_to(ROOT)}:{use.line}: {use.key}{'…' if use.family else ''}")
    assert missing == [], missing


def test_the_key_scan_sees_the_calls() -> None:
    """The scan itself works: it finds known uses (a literal key, a key family) in the code it reads."""
    uses = {(u.key, u.family) for u in key_uses()}
    assert ("ranking_title", False) in uses and ("page_", True) in uses and ("sep_items", False) in uses
    assert len(CODE) > 40


def test_text_and_t_format_each_language_with_its_own_half() -> None:
    label = Text(zh="项目编号", en="project_id")
    said = text("val_required_blank", column=label)
    assert said == Text(zh="必填字段“项目编号”为空", en="required field 'project_id' is blank")
    assert t("val_required_blank", "zh", column=label) == said.zh
    assert t("val_required_blank", "fr", column=label) == said.en  # any other language reads English
    assert t("next_tier", "en", tier="Priority", gap=1.234) == "1.23 points short of “Priority”."
    assert (
        text("no-such-key") == Text(zh="no-such-key", en="no-such-key")
        and t("no-such-key", "zh") == "no-such-key"
    )


def test_join_and_both() -> None:
    assert join(["1", "2"]) == Text(zh="1、2", en="1, 2")
    assert join([Text(zh="甲", en="a"), "b"], "sep_items") == Text(zh="甲；b", en="a; b")
    assert both(Text(zh="概要", en="Summary"), "en") == "Summary / 概要"
    assert both(Text(zh="概要", en="Summary")) == "概要 / Summary"


def test_loading_is_bounded_and_safe() -> None:
    with pytest.raises(ValueError, match="larger than"):
        _load(b"a: {zh: x, en: y}\n" + b"#" * MAX_BYTES)
    with pytest.raises(ValueError, match="mapping"):
        _load(b"- just a list\n")
    with pytest.raises(ValueError):
        _load(b"a: {zh: x}\n")  # half a pair
    with pytest.raises(Exception):  # noqa: B017 - safe_load refuses Python tags
        _load(b"a: !!python/object/apply:os.system ['true']\n")
    assert _load("a: {zh: 甲, en: a}\n".encode()) == {"a": Text(zh="甲", en="a")}
