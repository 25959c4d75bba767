"""End-to-end in a real headless browser: Debian's chromium driven by Playwright against `streamlit run app.py`.

Opens the app, checks the sample ranking is shown, takes the README screenshots (ranking page, a project's
rationale; written to docs/images only with ``SCREENSHOTS_DIR=docs/images``), uploads a workbook, changes a
weight, downloads the export and opens it with openpyxl.

Needs /usr/bin/chromium and the Python ``playwright`` package: ``scripts/install_browser.sh`` installs both
(it never runs ``playwright install``). In CI (``CI`` set) a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from screening import pipeline

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Screenshots go to the test's temporary folder; SCREENSHOTS_DIR=docs/images refreshes the README's pictures.
SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR")
UPLOAD = ROOT / "sample_projects" / "sample_projects_zh.xlsx"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require_browser() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append("/usr/bin/chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package")
    if missing:
        message = f"{' and '.join(missing)} missing: run scripts/install_browser.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    _require_browser()
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310 - localhost
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _settle(page, timeout: float = 60_000) -> None:  # noqa: ANN001 - playwright Page
    """Wait until the script run is over (no 'running' indicator) and the page has content."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stStatusWidget']\")"
        " || !document.querySelector(\"[data-testid='stStatusWidget']\").innerText.match(/Running|Stop|运行/)",
        timeout=timeout,
    )
    page.wait_for_timeout(600)


def _no_exception(page) -> None:  # noqa: ANN001
    assert page.locator("[data-testid='stException']").count() == 0, page.inner_text("body")[:2000]


def _nav(page, title: str) -> None:  # noqa: ANN001
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    page.wait_for_timeout(300)
    _settle(page)


def _showcase_project() -> str | None:
    """The best-ranked sample project that has a review flag and is not in the top tier (else None)."""

    ranked = pipeline.run(ROOT / "sample_projects" / "sample_projects.xlsx").ranked
    top = ranked["tier"].iloc[0] if len(ranked) else None
    pick = ranked[
        (ranked["flags"].astype(str) != "")
        & (ranked["tier"] != top)
        & (ranked["tier"] != "insufficient_data")
    ]
    return str(pick["project_id"].iloc[0]) if len(pick) else None


def test_browser_end_to_end(app_url: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from playwright.sync_api import expect, sync_playwright

    images = Path(SCREENSHOTS_DIR) if SCREENSHOTS_DIR else tmp_path / "images"
    images.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=60_000)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="zh-CN"
            )
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(app_url)

            # 1. Opens on the bundled sample: the ranking (Chinese by default), 59 ranked projects.
            expect(page.get_by_role("heading", name="项目排名")).to_be_visible()
            _settle(page)
            _no_exception(page)
            expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible()
            metrics = page.locator("[data-testid='stMetric']")
            expect(metrics.first).to_be_visible()
            text = metrics.all_inner_texts()
            assert any("参与排名" in m for m in text), text
            expect(page.locator(".vega-embed").first).to_be_visible()

            # 2. Language switch: English labels.
            page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
            expect(page.get_by_role("heading", name="Project ranking")).to_be_visible()
            _settle(page)
            ranked = [m for m in metrics.all_inner_texts() if m.startswith("Ranked")]
            assert ranked and ranked[0].split()[-1].isdigit(), metrics.all_inner_texts()
            page.set_viewport_size({"width": 1440, "height": 2000})  # the app scrolls inside: show it all
            page.wait_for_timeout(2000)  # let the charts finish drawing
            page.screenshot(path=str(images / "ranking.png"))

            # 3. A project's rationale: a flagged project below the top tier shows the most.
            _nav(page, "Project")
            expect(page.get_by_role("heading", name="Project rationale")).to_be_visible()
            pid = _showcase_project()
            if pid:
                page.locator("[data-testid='stSelectbox']").first.click()
                page.keyboard.type(pid)
                page.keyboard.press("Enter")
                _settle(page)
                expect(page.get_by_role("combobox", name="Project")).to_have_value(re.compile(re.escape(pid)))
            # the contribution view first; the raw tables ("Points by criterion") sit in the closed expander
            expect(page.get_by_text("What each dimension added, against the track median")).to_be_visible()
            _no_exception(page)
            page.set_viewport_size({"width": 1440, "height": 2200})
            page.wait_for_timeout(2000)
            page.screenshot(path=str(images / "project.png"))
            page.set_viewport_size({"width": 1440, "height": 1000})

            # 4. Upload a workbook (Chinese headers) on the Data page.
            _nav(page, "Data")
            page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(
                str(UPLOAD)
            )
            expect(page.get_by_text(UPLOAD.name).first).to_be_visible()
            _settle(page)
            expect(page.get_by_text("Validation report")).to_be_visible()
            _no_exception(page)

            # 5. Change a dimension weight on the Criteria page.
            _nav(page, "Criteria")
            box = page.locator("[data-testid='stNumberInput'] input").first
            box.fill("60")
            box.press("Enter")
            _settle(page)
            expect(page.get_by_text("Weights edited").first).to_be_visible()
            _no_exception(page)

            # 6. Download the export and open it.
            _nav(page, "Export")
            with page.expect_download(timeout=120_000) as info:
                page.get_by_role("button", name="Download the ranked workbook (.xlsx)").click()
            target = tmp_path / "export.xlsx"
            info.value.save_as(str(target))
            _no_exception(page)
        finally:
            browser.close()

    wb = load_workbook(io.BytesIO(target.read_bytes()))
    names = wb.sheetnames
    ranking_name = next(n for n in names if n.lower().startswith("ranking") or n.startswith("排名"))
    audit_name = next(n for n in names if n.lower() == "audit" or n.startswith("审计"))
    audit = {
        str(r[0]): r[1]
        for r in wb[audit_name].iter_rows(values_only=True)
        if len(r) >= 2 and r[0] is not None
    }
    assert audit.get("input_file") == UPLOAD.name, audit
    assert wb[ranking_name].max_row > 10
    # The export carries the edited weight: the first dimension now weighs 60 (as a share of the total).
    from screening.criteria.loader import load_criteria

    cs = load_criteria()
    first = cs.dimensions[0]
    total = 60 + sum(d.weight for d in cs.dimensions[1:])
    crit_sheet = next(n for n in names if n.lower() == "criteria" or n.startswith("评价标准"))
    row = next(
        r for r in wb[crit_sheet].iter_rows(values_only=True) if r[0] == "dimension" and r[1] == first.id
    )
    assert abs(float(row[3]) - 60 / total * 100) < 0.01, row
    for image in ("ranking.png", "project.png"):
        assert (images / image).stat().st_size > 10_000


# ---- every page in both languages (issue 18 items 5 and 6)

PAGE_KEYS = [
    "ranking",
    "data",
    "criteria",
    "project",
    "robustness",
    "portfolio",
    "excluded",
    "export",
    "howto",
]
# Streamlit's own English words in the file uploader (1.67): the Chinese override must hide every one of them.
UPLOADER_ENGLISH = ("Upload", "per file", "Drag and drop", "Browse files")


def _show_all(page) -> None:  # noqa: ANN001
    """Make the viewport as tall as the page's content (the app scrolls inside its main block), at most 7000 px."""
    height = page.evaluate(  # the tallest scrolling block holds the page (Streamlit scrolls inside one)
        "() => Math.max(...[...document.querySelectorAll('section, div')].map(e => e.scrollHeight)) + 80"
    )
    page.set_viewport_size({"width": 1440, "height": int(min(max(height, 1000), 7000))})
    page.evaluate(
        "() => document.querySelectorAll(\"[data-testid='stMain'], section\").forEach(e => e.scrollTo(0, 0))"
    )
    page.wait_for_timeout(1500)  # charts redraw at the new size


def _uploader_words(page) -> list[dict[str, str]]:  # noqa: ANN001
    """For each file uploader on the page: the text a reader gets (innerText leaves hidden text out) and the
    words the override shows on the button and under it (the ::after content)."""
    return page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stFileUploaderDropzone']")].map(z => {
            const after = sel => { const e = z.querySelector(sel);
                return e ? getComputedStyle(e, '::after').content : ''; };
            return {text: z.innerText,
                    button: after("button[data-testid='stBaseButton-secondary'] [data-testid='stMarkdownContainer'] p"),
                    note: after("[data-testid='stFileUploaderDropzoneInstructions'] span")};
        })"""
    )


def test_every_page_in_both_languages(app_url: str, tmp_path: Path) -> None:
    """Each page in Chinese and in English, screenshotted whole (into SCREENSHOTS_DIR when set); in Chinese the
    uploaders show no English word of Streamlit's and the multiselects no English placeholder."""
    from playwright.sync_api import expect, sync_playwright

    from screening import present

    images = Path(SCREENSHOTS_DIR) if SCREENSHOTS_DIR else tmp_path / "images"
    images.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=60_000)
    taken: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(app_url)
            expect(page.get_by_role("heading", name=present.t("ranking_title", "zh"))).to_be_visible()
            _settle(page)
            for lang in ("zh", "en"):
                if lang == "en":
                    page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
                    expect(  # still on the last page, now in English
                        page.get_by_role("heading", name=present.t(f"{PAGE_KEYS[-1]}_title", "en"))
                    ).to_be_visible()
                    _settle(page)
                for key in PAGE_KEYS:
                    page.set_viewport_size({"width": 1440, "height": 1000})
                    _nav(page, present.t(f"page_{key}", lang))
                    _no_exception(page)
                    if key == "portfolio":
                        page.get_by_role("button", name=present.t("pf_solve", lang), exact=True).click()
                        expect(page.get_by_text(present.t("pf_chosen", lang), exact=True)).to_be_visible()
                        page.wait_for_function(
                            "() => !document.querySelector(\"[data-testid='stProgress']\")", timeout=120_000
                        )
                        _settle(page)
                    if key == "robustness":
                        page.get_by_role("button", name=present.t("rb_run", lang), exact=True).click()
                        expect(
                            page.get_by_role("button", name=present.t("download_sensitivity", lang))
                        ).to_be_visible()
                        _settle(page)
                    _no_exception(page)
                    if lang == "zh":
                        for box in _uploader_words(page):
                            english = [w for w in UPLOADER_ENGLISH if w in box["text"]]
                            assert english == [], (key, box)
                            assert present.t("uploader_button", "zh") in box["button"], (key, box)
                            assert "MB" in box["note"], (key, box)
                        placeholders = page.eval_on_selector_all(
                            "[data-testid='stMultiSelect'] input, [data-testid='stSelectbox'] input",
                            "els => els.map(e => e.placeholder || '')",
                        )
                        assert not {"Choose options", "Choose an option"} & set(placeholders), (
                            key,
                            placeholders,
                        )
                    _show_all(page)
                    target = images / f"{lang}_{key}.png"
                    page.screenshot(path=str(target))
                    taken.append(target)
        finally:
            browser.close()
    assert len(taken) == 2 * len(PAGE_KEYS)
    for image in taken:
        assert image.stat().st_size > 10_000, image
