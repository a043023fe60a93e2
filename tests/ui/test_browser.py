"""End to end in real headless Chromium: ask, open a citation, upload, and stay inert to HTML."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.index import ingest_files
from rag.pipeline import Answerer
from rag.settings import PROJECT_ROOT
from rag.store import open_store
from tests.conftest import ARTICLE, make_settings
from tests.ui.test_app import free_port
from ui.app import launch

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]  # fmt: skip
SCREENSHOT = PROJECT_ROOT / "docs" / "screenshot.png"
TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) missing"),
]


@pytest.fixture(scope="module")
def app_url(
    tmp_path_factory: pytest.TempPathFactory, embeddings: Any
) -> Iterator[tuple[str, Answerer]]:
    """The app on a free port over its own index holding the article."""
    settings = make_settings(tmp_path_factory.mktemp("browser") / "gw", port=free_port())
    store = open_store(settings, embeddings)
    ingest_files([ARTICLE], store, settings)
    answerer = Answerer(settings, store)
    demo = launch(settings, answerer, store, prevent_thread_lock=True)
    try:
        yield f"http://127.0.0.1:{settings.port}/", answerer
    finally:
        demo.close()


@pytest.fixture
def page(app_url: tuple[str, Answerer]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.set_default_timeout(TIMEOUT_MS)
        tab.goto(app_url[0])
        yield tab
        browser.close()


def ask(page: Any, question: str, answers_before: int, *, enter: bool = False) -> Any:
    """Type a question, send it (button or Enter), and return the finished bot message."""
    page.locator("#gw-question textarea").fill(question)
    if enter:
        page.locator("#gw-question textarea").press("Enter")
    else:
        page.locator("#gw-ask").click()
    bot = page.locator('#gw-chat [data-testid="bot"]').nth(answers_before)
    bot.locator(".gw-answer, .gw-refusal, .gw-error").wait_for()
    return bot


def test_ask_click_citation_upload_and_stay_inert(
    page: Any, app_url: tuple[str, Answerer], tmp_path: Path
) -> None:
    expected = app_url[1].ask("Who is Sabrina Singh?").citations[0]

    bot = ask(page, "Who is Sabrina Singh?", 0)
    assert "Sabrina Singh" in bot.locator(".gw-answer").inner_text()
    assert bot.locator("a.gw-card").count() >= 1
    bot.locator("a.gw-marker").first.click()
    mark = page.locator("#gw-document mark")
    mark.wait_for()
    assert mark.inner_text() == expected.quote
    assert expected.source in page.locator("#gw-source").inner_text()
    page.wait_for_timeout(500)
    assert _inside(mark.bounding_box(), page.locator("#gw-document .gw-doc-text").bounding_box())
    page.screenshot(path=str(tmp_path / "citation.png"))
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / "citation.png", SCREENSHOT)

    note = tmp_path / "zebra note.txt"
    note.write_text(
        "Town notes.\n\nThe zebra crossing at Elm Street was repainted blue in March 2021.\n\n"
        'Markup test: <img src=x onerror="window.__pwned=3"> <script>window.__pwned=4</script>\n'
    )
    page.locator("#gw-upload input[type=file]").set_input_files(str(note))
    page.get_by_text(re.compile(r"added: zebra_note-[0-9a-f]{8}\.txt")).wait_for()
    page.locator("#gw-document .gw-doc-text", has_text="zebra crossing").wait_for()
    assert "<script>window.__pwned=4</script>" in page.locator("#gw-document").inner_text()

    bot = ask(page, "What colour was the zebra crossing repainted?", 1)
    assert "blue" in bot.locator(".gw-answer").inner_text()
    assert re.search(r"zebra_note-[0-9a-f]{8}\.txt", bot.locator("a.gw-card").first.inner_text())

    hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> hi?'
    ask(page, hostile, 2)
    user = page.locator('#gw-chat [data-testid="user"]').nth(2)
    assert user.inner_text().strip() == hostile
    page.screenshot(path=str(tmp_path / "inert.png"))
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.locator("#gw-chat .message-content img, #gw-chat script").count() == 0
    assert page.locator("#gw-document img, #gw-document script").count() == 0


HOSTILE_NAME = "![pic](https:evil.example) [click](https:evil.example).txt"


def test_a_document_ingested_after_start_is_listed_inertly_and_cited(
    page: Any, app_url: tuple[str, Answerer], tmp_path: Path
) -> None:
    answerer = app_url[1]
    note = tmp_path / HOSTILE_NAME
    note.write_text("The pelican statue in Harbor Square was cast in bronze in 1911.\n")
    ingest_files([note], answerer.store, answerer.settings)  # as the CLI would, after start
    page.reload()

    listing = page.locator("#gw-doc-list")
    listing.get_by_text(HOSTILE_NAME, exact=False).wait_for()
    page.locator("#gw-picker input").click()
    page.locator('#gw-picker [data-testid="dropdown-option"]', has_text=HOSTILE_NAME).wait_for()
    page.keyboard.press("Escape")

    bot = ask(page, "What was the pelican statue in Harbor Square cast in?", 0)
    assert HOSTILE_NAME in bot.locator("a.gw-card").first.inner_text()
    bot.locator("a.gw-card").first.click()
    page.locator("#gw-document mark", has_text="bronze").wait_for()
    assert page.locator("#gw-picker input").input_value() == HOSTILE_NAME

    with page.expect_download() as download:
        page.get_by_role("button", name="Download conversation (.md)").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "pelican statue" in exported and "\\[click\\]\\(https:evil.example\\)" in exported

    for panel in ("#gw-doc-list", "#gw-picker", "#gw-chat", "#gw-source"):
        assert page.locator(f"{panel} img").count() == 0, panel
        hrefs = page.locator(f"{panel} a").evaluate_all("links => links.map(a => a.href)")
        assert all("#cite-" in href for href in hrefs), (panel, hrefs)


def test_the_page_opens_on_a_document_and_keeps_conversations_across_reloads(
    page: Any, app_url: tuple[str, Answerer]
) -> None:
    from playwright.sync_api import expect

    answerer = app_url[1]
    shown = answerer.store.list_documents()[0]  # the first in the list (the article, unless
    opening = answerer.store.document_text(shown["doc_id"]).split("\n")[0]  # one was added)
    page.locator("#gw-document .gw-doc-text", has_text=opening).wait_for()
    assert page.locator("#gw-picker input").input_value() == shown["source"]
    first = answerer.ask("Who is Sabrina Singh?").citations[0]
    second_question = "What year did the US invade Iraq?"
    second = answerer.ask(second_question).citations[0]
    assert (first.start, first.end) != (second.start, second.end)

    bot = ask(page, "Who is Sabrina Singh?", 0, enter=True)  # Enter sends
    page.locator("#gw-document mark", has_text=first.quote).wait_for()  # opened by itself
    ask(page, second_question, 1, enter=True)
    page.locator("#gw-document mark", has_text=second.quote).wait_for()
    marker = bot.locator("a.gw-marker").first  # the first answer's marker, by keyboard
    marker.focus()
    assert page.evaluate("() => document.activeElement.classList.contains('gw-marker')")
    page.keyboard.press("Enter")
    page.locator("#gw-document mark", has_text=first.quote).wait_for()
    conversations = page.locator("#gw-conversations input")
    expect(conversations).to_have_value("Who is Sabrina Singh?")  # saved in the browser

    page.reload()
    restored = page.locator('#gw-chat [data-testid="bot"]')
    restored.nth(1).locator(".gw-answer").wait_for()
    assert "Sabrina Singh" in restored.nth(0).inner_text()
    expect(conversations).to_have_value("Who is Sabrina Singh?")
    page.locator("#gw-document .gw-doc-text", has_text=opening).wait_for()

    page.get_by_role("button", name="New conversation").click()
    page.locator('#gw-chat [data-testid="bot"]').first.wait_for(state="detached")
    ask(page, "Is the US withdrawing from Iraq?", 0, enter=True)
    expect(conversations).to_have_value("Is the US withdrawing from Iraq?")
    page.reload()
    page.locator('#gw-chat [data-testid="user"]', has_text="withdrawing").wait_for()
    conversations.click()
    option = page.locator('[data-testid="dropdown-option"]', has_text="Who is Sabrina Singh?")
    option.click()
    page.locator('#gw-chat [data-testid="user"]', has_text="Sabrina Singh").wait_for()
    assert page.locator('#gw-chat [data-testid="bot"]').count() == 2

    page.get_by_role("button", name="Delete conversation").click()
    page.locator('#gw-chat [data-testid="bot"]').first.wait_for(state="detached")
    expect(conversations).to_have_value("")
    page.reload()
    page.locator('#gw-chat [data-testid="user"]', has_text="withdrawing").wait_for()
    conversations.click()
    page.locator('[data-testid="dropdown-option"]').first.wait_for()
    titles = page.locator('[data-testid="dropdown-option"]').all_inner_texts()
    titles = [title.split("\n")[-1].strip() for title in titles]  # after the "✓" of the chosen
    assert titles == ["Is the US withdrawing from Iraq?"]


def _inside(inner: dict[str, float] | None, outer: dict[str, float] | None) -> bool:
    assert inner is not None and outer is not None
    return outer["y"] <= inner["y"] and inner["y"] + inner["height"] <= outer["y"] + outer["height"]
