"""PDF of a brief's HTML through WeasyPrint (a maintained HTML/CSS-to-PDF engine: no browser, fonts from the
system — the Noto CJK fonts of Debian's ``fonts-noto-cjk``, installed by ``scripts/install_browser.sh``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"a brief fetches nothing: {url[:60]}")


def _layout(html: str) -> Any:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetch).render()


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML page (no external resources are fetched)."""
    return bytes(_layout(html).write_pdf())


def one_page_pdf(make_html: Callable[[str], str], densities: Iterable[str]) -> bytes:
    """The PDF of the first density whose page fits one sheet (the last one's when none does):
    ``make_html(density)`` renders the page at that density."""
    doc = None
    for density in densities:
        doc = _layout(make_html(density))
        if len(doc.pages) <= 1:
            break
    assert doc is not None, "no density given"
    return bytes(doc.write_pdf())
