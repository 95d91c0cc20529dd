"""End to end: render two fixture topics, build the gallery, and use it in headless Chromium.

Debian's ``chromium`` (installed by the set-up) is driven by the ``playwright``
package through ``executable_path``; Playwright's own browser download is
never used. Each page is checked from ``file://`` and, where it matters, from
a static HTTP server on 127.0.0.1.

Set ``VISUALSYS_SCREENSHOTS=DIR`` to keep the desktop and phone screenshots.
"""

import json
import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from visualsys import theme
from visualsys.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
HOSTILE = "<script>alert(1)</script>"
ALL = ["gallery-alpha", "gallery-beta", "gallery-gamma"]
BACKGROUND = "rgb({}, {}, {})".format(*(round(255 * c) for c in theme.BACKGROUND.to_rgb()))
pytestmark = pytest.mark.slow


def cli(*args):
    result = CliRunner().invoke(main, ["--scenes", str(FIXTURES), *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Renders of alpha (real voice, for real captions) and beta (silent); gamma stays unrendered."""
    renders, cache = tmp_path_factory.mktemp("renders"), tmp_path_factory.mktemp("cache")
    for slug, voice in (("gallery-alpha", "hibari"), ("gallery-beta", "silent")):
        cli(slug, "--quality", "preview", "--voice", voice, "--out", renders, "--cache", cache)
    site = tmp_path_factory.mktemp("site")
    cli("gallery", "--from", renders, "--out", site)
    return site


@pytest.fixture(scope="module")
def meta(site):
    return {slug: json.loads((site / "media" / f"{slug}.json").read_text()) for slug in ALL[:2]}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def http_root(site):
    """The site on a static HTTP server bound to the loopback address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("headless tests need Debian's chromium: apt-get install chromium chromium-driver "
                    "(make setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
            headless=True, args=FLAGS, viewport={"width": 1280, "height": 800},
        )
        yield context
        context.close()


class Watched:
    """A page plus what it did that it should not: dialogs, script errors, CSP violations."""

    def __init__(self, page):
        self.page = page
        self.dialogs, self.errors, self.csp = [], [], []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", lambda msg: self.csp.append(msg.text) if "Content Security Policy" in msg.text
                else None)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def watched(browser):
    w = Watched(browser.new_page())
    yield w
    w.page.close()
    assert not w.errors, w.errors


@pytest.fixture(params=["file", "http"])
def root(request, site):
    return site.as_uri() + "/" if request.param == "file" else request.getfixturevalue("http_root")


def visible_slugs(page):
    return [c.get_attribute("data-slug") for c in page.locator("#cards .card").all() if c.is_visible()]


def until(page, function, arg=None, timeout=15.0):
    """Poll ``function`` (JS, given ``arg``) until it is truthy.

    Not ``page.wait_for_function``: its polling evaluates strings with eval(),
    which the gallery's Content-Security-Policy (rightly) refuses.
    """
    waited = 0.0
    while not page.evaluate(function, arg):
        assert waited < timeout, f"still false after {timeout} s: {function}"
        page.wait_for_timeout(50)
        waited += 0.05


def wait_for_metadata(page):
    until(page, "() => document.getElementById('player').readyState >= 1")


# -- the index -------------------------------------------------------------------------

def test_index_shows_a_card_for_every_topic(watched, site):
    page = watched.page
    page.goto((site / "index.html").as_uri())
    assert visible_slugs(page) == ALL
    titles = page.locator("#cards .card .title").all_inner_texts()
    assert titles == ["Queues in Two Beats", HOSTILE, "Write-Ahead Logs"]
    assert page.locator("#count").inner_text() == "3 of 3 shown"
    gamma = page.locator("#topic-gallery-gamma")
    assert "not rendered" in gamma.inner_text() and gamma.locator("a").count() == 0
    assert "~120s" in gamma.inner_text()
    alpha = page.locator("#topic-gallery-alpha")
    assert alpha.locator(".category").inner_text().lower() == "fixtures"
    assert alpha.locator(".approx").inner_text() == "~5s"
    assert alpha.locator(".tag").all_inner_texts() == ["queue", "fifo"]
    poster = alpha.locator(".poster img")
    until(page, "img => img.complete", poster.element_handle())
    assert poster.evaluate("img => img.naturalWidth") == 1280  # the pipeline's 1280x720 poster
    assert gamma.locator(".placeholder").is_visible()


def test_filters_hide_and_show_cards(watched, site):
    page = watched.page
    page.goto((site / "index.html").as_uri())
    page.select_option("#category", "Fixtures")
    assert visible_slugs(page) == ["gallery-alpha"]
    assert page.locator("#count").inner_text() == "1 of 3 shown"
    page.select_option("#category", "")
    page.select_option("#tag", "queue")
    assert visible_slugs(page) == ["gallery-alpha", "gallery-gamma"]
    page.select_option("#tag", "")
    page.fill("#q", "ampersand")
    assert visible_slugs(page) == ["gallery-beta"]
    page.fill("#q", "queues two")  # every word must match, in any field
    assert visible_slugs(page) == ["gallery-alpha"]
    page.fill("#q", "no such words")
    assert visible_slugs(page) == [] and page.locator("#empty").is_visible()
    page.click("#clear")
    # the form's reset event fires before the fields clear, so the page filters on the next tick:
    # wait for the filter's own output, not for the field
    until(page, "() => document.getElementById('count').textContent === '3 of 3 shown'")
    assert visible_slugs(page) == ALL and not page.locator("#empty").is_visible()
    # a tag on a card filters by it; clicking it again clears the filter
    page.locator("#topic-gallery-gamma .tag", has_text="durability").click()
    assert visible_slugs(page) == ["gallery-gamma"]
    assert page.url.endswith("#tag=durability")
    page.locator("#topic-gallery-gamma .tag", has_text="durability").click()
    assert visible_slugs(page) == ALL


def test_filters_come_from_the_url_hash(watched, site):
    page = watched.page
    page.goto((site / "index.html").as_uri() + "#tag=fifo")
    assert visible_slugs(page) == ["gallery-alpha"]
    assert page.locator("#tag").input_value() == "fifo"


# -- a topic page ----------------------------------------------------------------------

def test_video_loads_with_the_rendered_duration(watched, root, meta):
    page = watched.page
    page.goto(root + "topics/gallery-alpha.html")
    wait_for_metadata(page)
    duration = page.evaluate("document.getElementById('player').duration")
    assert abs(duration - meta["gallery-alpha"]["duration"]) < 0.1
    assert page.evaluate("document.getElementById('player').videoWidth") == 854


def test_captions_track_is_on_and_loaded(watched, root, site):
    page = watched.page
    page.goto(root + "topics/gallery-alpha.html")
    track = page.locator("#player track")
    assert track.count() == 1
    assert track.get_attribute("kind") == "captions" and track.get_attribute("default") is not None
    until(page, "() => document.querySelector('#player track').readyState === 2")
    assert page.evaluate("document.getElementById('player').textTracks[0].mode") == "showing"
    cues = page.evaluate("Array.from(document.getElementById('player').textTracks[0].cues, c => c.text)")
    vtt = (site / "media" / "gallery-alpha.vtt").read_text()
    assert cues and all(cue in vtt for cue in cues)
    assert " ".join(cues).replace("\n", " ") == "First, a circle is drawn. Then a square fades in beside it."


def test_clicking_a_chapter_seeks_the_video(watched, root, meta):
    page = watched.page
    page.goto(root + "topics/gallery-alpha.html")
    wait_for_metadata(page)
    page.evaluate("""() => {
        const v = document.getElementById('player');
        window.seeks = [];
        v.muted = true;
        v.addEventListener('seeking', () => seeks.push(v.currentTime));
    }""")
    start = next(s["start"] for s in meta["gallery-alpha"]["sections"] if s["title"] == "Square")
    assert start > 1
    link = page.locator(".chapters a.seek", has_text="Square")
    link.click()
    until(page, "() => window.seeks.length > 0")
    assert abs(page.evaluate("window.seeks[0]") - start) < 0.01
    assert page.url.endswith(f"#t={start}")
    until(page, "el => el.getAttribute('aria-current') === 'true'", link.element_handle())
    page.evaluate("document.getElementById('player').pause()")


def test_time_in_the_url_seeks_on_load(watched, site):
    page = watched.page
    page.goto((site / "topics" / "gallery-alpha.html").as_uri() + "#t=3.5")
    wait_for_metadata(page)
    assert abs(page.evaluate("document.getElementById('player').currentTime") - 3.5) < 0.01


def test_storyboard_is_shown(watched, site):
    page = watched.page
    page.goto((site / "topics" / "gallery-alpha.html").as_uri())
    img = page.locator(".storyboard img")
    until(page, "img => img.complete", img.element_handle())
    assert img.evaluate("img => img.naturalWidth") > 400


# -- safety ----------------------------------------------------------------------------

def test_injected_title_is_inert(watched, site):
    page = watched.page
    for url in (site / "index.html", site / "topics" / "gallery-beta.html"):
        page.goto(url.as_uri())
        page.wait_for_load_state("load")
        assert page.locator("script").count() == 1
        assert page.locator("img[src=x]").count() == 0 and page.locator("b").count() == 0
    assert page.locator("h1").inner_text() == HOSTILE
    assert page.title().startswith(HOSTILE)
    assert "<img src=x" in page.locator(".lede").inner_text()
    assert page.locator(".topic-header .tag").all_inner_texts() == ["<b>bold</b>", 'quote"s']
    assert watched.dialogs == []
    assert watched.csp == []  # escaped by the templates, not merely stopped by the page's CSP


# -- layout ----------------------------------------------------------------------------

def columns(page):
    return len({round(box["x"]) for box in (c.bounding_box() for c in page.locator("#cards .card").all())})


def test_desktop_and_phone_layouts(browser, site, tmp_path):
    shots = Path(os.environ.get("VISUALSYS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    try:
        for name, width, height in (("desktop", 1280, 800), ("phone", 390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto((site / "index.html").as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name}: scrolls sideways"
            assert columns(page) == (3 if width > 1000 else 1)
            assert page.evaluate("getComputedStyle(document.body).backgroundColor") == BACKGROUND
            page.screenshot(path=shots / f"gallery-{name}.png", full_page=True)
            page.goto((site / "topics" / "gallery-alpha.html").as_uri())
            wait_for_metadata(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name}: scrolls sideways"
            video = page.locator("#player").bounding_box()
            assert video["width"] <= width and video["width"] > 0.8 * min(width, 1200)
            page.evaluate("Promise.all(Array.from(document.images, i => i.decode().catch(() => null)))")
            page.screenshot(path=shots / f"gallery-topic-{name}.png", full_page=True)
    finally:
        page.close()
    assert all((shots / f).stat().st_size > 10_000 for f in ("gallery-desktop.png", "gallery-phone.png"))
