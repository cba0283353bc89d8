"""Translation mode on the session page, in Debian's Chromium, with real Apertium.

A folded card is not translated (no request for it) until it is unfolded; translated blocks
say from which language and by which engine; the icon again restores every original text;
HTML in translated text stays text.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.support.server import start_server
from tests.translate_ui.conftest import SpanishSession, ingest_trace, uid
from tests.ui.conftest import login_with_link, project_id

pytestmark = pytest.mark.browser

TEXTS = "[data-io-block] [data-translatable]"
# Set to a directory to look at the pages (development aid).
SCREENSHOTS = (
    Path(os.environ["IA_TRANSLATE_SHOTS"]) if os.environ.get("IA_TRANSLATE_SHOTS") else None
)


@pytest.fixture(scope="module")
def page(browser: Browser, spanish_session: SpanishSession) -> Iterator[Page]:
    """A logged-in page of an English-speaking viewer."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    login_with_link(p, spanish_session.server)
    yield p
    context.close()
    assert errors == []


def card(page: Page, trace_id: str) -> str:
    """The selector of one trace card."""
    return f'article.trace-card[data-trace-id="{trace_id}"]'


def test_translation_mode(page: Page, spanish_session: SpanishSession) -> None:
    s = spanish_session
    pid = project_id(s.server)
    page.goto(f"{s.server.url}/project/{pid}/sessions/{quote(s.session_id, safe='')}")
    expect(page.locator("#translate-target")).to_have_value("en")  # from navigator.language
    originals = page.locator(TEXTS).all_text_contents()
    assert any("contraseña" in t for t in originals)

    # Fold the second turn first: translation mode must leave it alone.
    page.locator(f"{card(page, s.order)} > details > summary .turn").click()
    expect(page.locator(f"{card(page, s.order)} > details")).not_to_have_attribute("open", "")
    asked: list[str] = []

    def record(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/translate"):
            asked.append(request.url)

    page.on("request", record)

    toggle = page.locator("#translate-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    chat = page.locator(card(page, s.chat))
    expect(chat.locator('[data-io-block="input"] [data-translatable]')).to_contain_text("password")
    expect(chat.locator('[data-io-block="input"] .translate-label')).to_contain_text(
        "from Spanish · apertium"
    )
    expect(chat.locator('[data-io-block="output"] [data-translatable]')).to_contain_text("password")
    xss = page.locator(card(page, s.xss))
    expect(xss.locator('[data-io-block="input"] .translate-label')).to_be_visible()
    # The folded card: no request, still Spanish.
    folded = page.locator(card(page, s.order))
    assert not any(s.order in url for url in asked), asked
    assert len(asked) == 2, asked
    assert "pedido" in (
        folded.locator('[data-io-block="input"] [data-translatable]').text_content() or ""
    )
    assert folded.locator(".translate-label").count() == 0

    # HTML in a translated text is shown as text, never run.
    xss_text = xss.locator('[data-io-block="input"] [data-translatable]').inner_text()
    assert "<script>" in xss_text and "cancel" in xss_text
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert xss.locator("script, img").count() == 0

    # Unfold it: now it is translated.
    folded.locator("> details > summary .turn").click()
    expect(folded.locator('[data-io-block="input"] [data-translatable]')).to_contain_text("package")
    expect(folded.locator('[data-io-block="output"] .translate-label')).to_contain_text(
        "from Spanish · apertium"
    )
    assert any(s.order in url for url in asked), asked
    if SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "translate-on.png"), full_page=True)

    # One block back to its original and forth again.
    block = chat.locator('[data-io-block="input"]')
    block.locator(".translate-label button").click()
    expect(block.locator("[data-translatable]")).to_contain_text("contraseña")
    expect(block.locator(".translate-label button")).to_have_text("Show translation")
    block.locator(".translate-label button").click()
    expect(block.locator("[data-translatable]")).to_contain_text("password")

    # The icon again: every original text is back at once.
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert page.locator(TEXTS).all_text_contents() == originals
    assert page.locator(".translate-label, .translate-state, [data-translated]").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_failure_shows_on_the_card_and_the_language_is_remembered(
    page: Page, spanish_session: SpanishSession
) -> None:
    s = spanish_session
    doomed = uid()
    with s.server.client() as c:
        ingest_trace(
            c,
            doomed,
            sessionId=s.session_id,
            timestamp="2025-03-01T09:03:00Z",
            input={"message": "Gracias por la ayuda, hasta mañana."},
        )
        url = f"{s.server.url}/project/{project_id(s.server)}/sessions/{quote(s.session_id)}"
        page.goto(url)
        originals = page.locator(TEXTS).all_text_contents()
        # The trace goes away while the page is open: its card says so, keeps its text.
        assert c.delete(f"/api/public/traces/{doomed}").status_code == 200
    page.locator("#translate-toggle").click()
    gone = page.locator(card(page, doomed))
    expect(gone.locator(".translate-state.error")).to_contain_text("Trace not found")
    assert gone.locator(".translate-label").count() == 0
    expect(page.locator(card(page, s.chat)).locator(".translate-label").first).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "translate-failure.png"), full_page=True)
    page.locator("#translate-toggle").click()
    assert page.locator(TEXTS).all_text_contents() == originals
    # The chosen language is remembered by the browser.
    page.locator("#translate-target").select_option("fr")
    page.reload()
    expect(page.locator("#translate-target")).to_have_value("fr")
    page.locator("#translate-target").select_option("en")


def test_without_an_engine_the_icon_says_what_to_install(browser: Browser, tmp_path: Path) -> None:
    env = {
        "INTERACTIVEAI_TRANSLATE_ENGINES": "apertium",
        "INTERACTIVEAI_TRANSLATE_APERTIUM_COMMAND": str(tmp_path / "no-apertium"),
    }
    server = start_server(f"sqlite:///{tmp_path / 'ia.db'}", extra_env=env)
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(15_000)
    try:
        with server.client() as c:
            ingest_trace(c, uid(), sessionId="s-1", input="Mi contraseña no funciona.")
        p = context.new_page()
        login_with_link(p, server)
        p.goto(f"{server.url}/project/{project_id(server)}/sessions/s-1")
        p.locator("#translate-toggle").click()
        expect(p.locator(".translate-notice")).to_contain_text("apt-get install apertium")
        expect(p.locator("#translate-toggle")).to_have_attribute("aria-pressed", "false")
        expect(p.locator("#translate-target")).to_be_hidden()
    finally:
        context.close()
        server.stop()
