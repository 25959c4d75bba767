"""PDF of a brief's HTML through WeasyPrint (a maintained HTML/CSS-to-PDF engine: no browser, fonts from the
system — the Noto CJK fonts of Debian's ``fonts-noto-cjk``, installed by ``scripts/install_browser.sh``)."""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML page (no external resources are fetched)."""
    from weasyprint import HTML

    def no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        raise ValueError(f"a brief fetches nothing: {url[:60]}")

    return bytes(HTML(string=html, url_fetcher=no_fetch).write_pdf())
