"""Chinese country names come from pycountry's zh_CN catalogue; the project's table holds only the names we
show differently. Every ISO3 code still displays exactly as before the table was reduced."""

from __future__ import annotations

import json
from pathlib import Path

from screening.vocab.countries import ZH_NAMES, all_iso3, country_name, resolve_country, zh_names

SNAPSHOT = Path(__file__).with_name("country_names.json")  # (Chinese, English) shown for each code, frozen


def test_displayed_names_are_unchanged_for_every_iso3_code() -> None:
    before = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert set(before) == set(all_iso3())
    changed = {
        c: (before[c], [country_name(c, "zh"), country_name(c, "en")])
        for c in before
        if before[c] != [country_name(c, "zh"), country_name(c, "en")]
    }
    assert changed == {}


def test_the_difference_table_is_small_and_every_name_still_resolves() -> None:
    assert 0 < len(ZH_NAMES) <= 40  # was 250 names before pycountry's catalogue was used
    for iso3, name in zh_names().items():
        assert resolve_country(name) == iso3, (iso3, name)
