"""The gallery builder on hand-made render outputs (fast: no rendering, no browser)."""

import base64
import json
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from visualsys import theme
from visualsys.cli import main
from visualsys.gallery import GalleryError, build_gallery, collect
from visualsys.gallery.build import Chapter, GalleryTopic, clock, parse_chapters, theme_variables
from visualsys.topics import discover

FIXTURES = Path(__file__).parent / "fixtures"
STATIC = Path(__file__).resolve().parents[2] / "src" / "visualsys" / "gallery" / "static"
HOSTILE = "<script>alert(1)</script>"
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nFirst, a circle is drawn.\n"


def fake_render(folder: Path, slug: str, *, title="Fake", sections=(("Intro", 0.0), ("Next", 2.5)),
                extra: dict | None = None, mode: int = 0o600, **files: bytes) -> None:
    """What `render.py <slug>` leaves, with tiny stand-in bytes (the builder never decodes them)."""
    meta = {
        "slug": slug, "title": title, "category": "Fakes", "summary": "s", "tags": ["t"],
        "target_length": 10, "duration": 4.6,
        "quality": {"name": "preview", "width": 854, "height": 480, "fps": 15}, "voice": "silent",
        "sections": [{"title": t, "start": s} for t, s in sections],
        "beats": [{"index": 0, "section": "Intro", "start": 0.0, "end": 1.5, "text": "Beat & one."}],
        "versions": {}, "source_sha256": "0" * 64, **(extra or {}),
    }
    outputs = {f"{slug}.json": json.dumps(meta).encode(), f"{slug}.mp4": b"mp4",
               f"{slug}.vtt": VTT.encode(), f"{slug}.srt": b"1\n", **files}
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in outputs.items():
        (folder / name).write_bytes(data)
        (folder / name).chmod(mode)


@pytest.fixture(scope="module")
def catalog():
    return discover(FIXTURES)


@pytest.fixture
def renders(tmp_path):
    out = tmp_path / "out"
    fake_render(out, "gallery-alpha", title="Rendered title (old)")
    fake_render(out, "gallery-beta",
                **{"gallery-beta.poster.png": b"png", "gallery-beta.storyboard.png": b"png"})
    return out


def build(renders, catalog, tmp_path, **kwargs):
    return build_gallery(tmp_path / "site", from_dir=renders, topics=catalog, **kwargs)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "href", "poster"):
            if attrs.get(key) is not None:
                self.urls.append(attrs[key])
        if tag == "script":
            self.scripts.append(attrs.get("src"))


def card(index_html: str, slug: str) -> str:
    """The HTML of one card on the index page."""
    start = index_html.index(f'id="topic-{slug}"')
    ends = [index_html.find('<li class="card', start), index_html.find('id="empty"', start)]
    ends = [i for i in ends if i > 0]
    return index_html[start:min(ends)]


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text())
    return links


# -- the site ------------------------------------------------------------------------

def test_every_catalog_topic_gets_a_card_and_rendered_ones_a_page(renders, catalog, tmp_path):
    result = build(renders, catalog, tmp_path)
    site = tmp_path / "site"
    assert [t.slug for t in result.topics] == ["gallery-alpha", "gallery-beta", "gallery-gamma"]
    assert result.rendered == 2
    index = (site / "index.html").read_text()
    assert index.count('class="card ') == 3
    gamma = card(index, "gallery-gamma")
    assert "not rendered" in gamma and "render.py gallery-gamma" in gamma and "href" not in gamma
    assert sorted(p.name for p in (site / "topics").iterdir()) == ["gallery-alpha.html", "gallery-beta.html"]
    # the card shows the catalog's current title; the approximate length is the real duration
    assert "Queues in Two Beats" in index and "Rendered title (old)" not in index
    assert "~5s" in index and "~120s" in index


def test_markup_in_titles_summaries_and_tags_is_escaped(renders, catalog, tmp_path):
    build(renders, catalog, tmp_path)
    site = tmp_path / "site"
    for page in (site / "index.html", site / "topics" / "gallery-beta.html"):
        html = page.read_text()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html and "quote&#34;s" in html
        assert parse(page).scripts == [("../" if page.parent.name == "topics" else "") + "assets/gallery.js"]
    beta = (site / "topics" / "gallery-beta.html").read_text()
    assert f"<title>{HOSTILE.replace('<', '&lt;').replace('>', '&gt;')} · visualsys</title>" in beta


def test_pages_refer_only_to_files_inside_the_site(renders, catalog, tmp_path):
    build(renders, catalog, tmp_path)
    site = tmp_path / "site"
    pages = [site / "index.html", *sorted((site / "topics").iterdir())]
    for page in pages:
        html = page.read_text()
        assert "http://" not in html and "https://" not in html, page.name
        for url in parse(page).urls:
            if url.startswith(("#", "data:")):
                continue
            assert not url.startswith("/") and "://" not in url, url
            target = (page.parent / url.split("#")[0]).resolve()
            assert target.is_file(), f"{page.name} links to missing {url}"
            assert target.is_relative_to(site.resolve())
    css = (site / "assets" / "theme.css").read_text() + (site / "assets" / "gallery.css").read_text()
    assert "@import" not in css and "http" not in css
    for url in re.findall(r'url\("([^"]+)"\)', css):
        assert (site / "assets" / url).is_file()


def test_captions_are_embedded_for_file_urls_and_copied_for_download(renders, catalog, tmp_path):
    build(renders, catalog, tmp_path)
    page = (tmp_path / "site" / "topics" / "gallery-alpha.html").read_text()
    track = re.search(r'<track kind="captions" default srclang="en" label="English" src="([^"]+)">', page)
    assert track, "no default captions track"
    prefix = "data:text/vtt;charset=utf-8;base64,"
    assert track[1].startswith(prefix)
    assert base64.b64decode(track[1][len(prefix):]).decode() == VTT
    assert (tmp_path / "site" / "media" / "gallery-alpha.vtt").read_text() == VTT


def test_chapters_seek_links_and_transcript(renders, catalog, tmp_path):
    build(renders, catalog, tmp_path)
    page = (tmp_path / "site" / "topics" / "gallery-alpha.html").read_text()
    chapters = re.findall(r'<a class="seek" href="#t=([\d.]+)" data-start="([\d.]+)"><span class="stamp">'
                          r'([\d:]+)</span><span class="label">([^<]+)</span>', page)
    assert chapters[:2] == [("0.0", "0.0", "0:00", "Intro"), ("2.5", "2.5", "0:02", "Next")]
    assert chapters[2][3] == "Beat &amp; one."  # the transcript: one link per beat


def test_poster_and_storyboard_when_rendered_placeholder_otherwise(renders, catalog, tmp_path):
    build(renders, catalog, tmp_path)
    site = tmp_path / "site"
    index = (site / "index.html").read_text()
    assert '<img src="media/gallery-beta.poster.png"' in index
    alpha_card = card(index, "gallery-alpha")
    assert 'class="placeholder"' in alpha_card and "<img" not in alpha_card
    beta = (site / "topics" / "gallery-beta.html").read_text()
    assert 'poster="../media/gallery-beta.poster.png"' in beta and "Storyboard" in beta
    alpha = (site / "topics" / "gallery-alpha.html").read_text()
    assert "poster=" not in alpha and "Storyboard" not in alpha


def test_a_files_map_in_the_metadata_wins_over_the_file_name_convention(tmp_path, catalog):
    out = tmp_path / "out"
    files = {"poster": "art/cover.png", "storyboard": "../outside.png", "video": "gallery-alpha.mp4"}
    fake_render(out, "gallery-alpha", extra={"files": files}, **{"gallery-alpha.storyboard.png": b"sb"})
    (out / "art").mkdir()
    (out / "art" / "cover.png").write_bytes(b"cover")
    (tmp_path / "outside.png").write_bytes(b"not ours")
    result = build_gallery(tmp_path / "site", from_dir=out, topics=catalog)
    alpha = result.topics[0]
    assert alpha.sources["poster"] == out / "art" / "cover.png"
    # a path leaving the renders folder is not followed; the convention is used instead
    assert alpha.sources["storyboard"] == out / "gallery-alpha.storyboard.png"
    assert (tmp_path / "site" / "media" / "gallery-alpha.poster.png").read_bytes() == b"cover"


def test_renders_outside_the_catalog_still_get_a_card(tmp_path, catalog):
    out = tmp_path / "out"
    fake_render(out, "one-off", title="A scene rendered from a path")
    (out / "notes.json").write_text('{"slug": "something-else"}')  # not a render's metadata
    (out / "broken.json").write_text("{")
    warnings = []
    topics = collect(out, catalog, warn=warnings.append)
    assert [t.slug for t in topics] == ["gallery-alpha", "gallery-beta", "gallery-gamma", "one-off"]
    assert topics[-1].title == "A scene rendered from a path" and topics[-1].rendered
    assert len(warnings) == 1 and "broken.json" in warnings[0]


def test_metadata_without_its_video_counts_as_not_rendered(tmp_path, catalog):
    out = tmp_path / "out"
    fake_render(out, "gallery-alpha")
    (out / "gallery-alpha.mp4").unlink()
    assert not collect(out, catalog)[0].rendered


def test_outdated_render_is_flagged(tmp_path, catalog):
    out = tmp_path / "out"
    fake_render(out, "gallery-alpha", extra={"source_sha256": catalog["gallery-alpha"].source_hash()})
    fake_render(out, "gallery-beta")  # a hash of some other source
    alpha, beta, _ = collect(out, catalog)
    assert not alpha.outdated and beta.outdated


# -- files ----------------------------------------------------------------------------

def test_media_are_world_readable_copies_even_from_private_renders(renders, catalog, tmp_path):
    build(renders, catalog, tmp_path)
    for path in (tmp_path / "site").rglob("*"):
        if path.is_file():
            assert path.stat().st_mode & stat.S_IROTH, path
    video = tmp_path / "site" / "media" / "gallery-alpha.mp4"
    assert video.read_bytes() == b"mp4"
    assert video.stat().st_ino != (renders / "gallery-alpha.mp4").stat().st_ino


def test_readable_renders_are_hard_linked_unless_copy_is_asked(tmp_path, catalog):
    out = tmp_path / "out"
    fake_render(out, "gallery-alpha", mode=0o644)
    src = (out / "gallery-alpha.mp4").stat().st_ino
    build_gallery(tmp_path / "linked", from_dir=out, topics=catalog)
    assert (tmp_path / "linked" / "media" / "gallery-alpha.mp4").stat().st_ino == src
    build_gallery(tmp_path / "copied", from_dir=out, topics=catalog, link=False)
    assert (tmp_path / "copied" / "media" / "gallery-alpha.mp4").stat().st_ino != src


def test_rebuild_removes_stale_files_only_in_its_own_folders(renders, catalog, tmp_path):
    build(renders, catalog, tmp_path)
    site = tmp_path / "site"
    (site / "README.txt").write_text("mine")
    (renders / "gallery-beta.mp4").unlink()
    result = build(renders, catalog, tmp_path)
    assert result.rendered == 1
    assert not (site / "topics" / "gallery-beta.html").exists()
    assert not list((site / "media").glob("gallery-beta*"))
    assert (site / "README.txt").read_text() == "mine"
    assert not [p for p in site.rglob(".visualsys-tmp*")]


def test_rebuild_is_byte_identical(renders, catalog, tmp_path):
    build(renders, catalog, tmp_path)
    site = tmp_path / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    build(renders, catalog, tmp_path)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_bad_folders_are_one_sentence_errors(renders, catalog, tmp_path):
    with pytest.raises(GalleryError, match="no rendered outputs folder"):
        build_gallery(tmp_path / "site", from_dir=tmp_path / "nope", topics=catalog)
    with pytest.raises(GalleryError, match="must be a folder of its own"):
        build_gallery(renders, from_dir=renders, topics=catalog)


# -- theme ----------------------------------------------------------------------------

def test_css_colours_come_from_the_theme(renders, catalog, tmp_path, monkeypatch):
    build(renders, catalog, tmp_path)
    css = (tmp_path / "site" / "assets" / "theme.css").read_text()
    assert f"--bg: {theme.BACKGROUND.to_hex()};" in css and f"--text: {theme.TEXT.to_hex()};" in css
    assert f'--font: "{theme.FONT}";' in css
    for i, colour in enumerate(theme.SERIES):
        assert f".cat-{i} {{ --cat: {colour.to_hex()}; }}" in css
    monkeypatch.setattr(theme, "BACKGROUND", theme.SURFACE_HI)
    assert theme_variables()["bg"] == theme.SURFACE_HI.to_hex()


def test_static_css_and_js_hold_no_colour_literals():
    literal = re.compile(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\("
                         r"|\b(?:white|black|red|blue|green|gray|grey)\b")
    for path in STATIC.iterdir():
        text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        assert not literal.search(text), f"{path.name}: {literal.search(text)[0]}"


def test_fonts_ship_with_the_site(renders, catalog, tmp_path):
    build(renders, catalog, tmp_path)
    fonts = tmp_path / "site" / "assets" / "fonts"
    assert (fonts / "Inter-Regular.otf").is_file()  # fonts-inter is part of the set-up


# -- small pieces ---------------------------------------------------------------------

def test_clock_and_length_labels():
    assert [clock(s) for s in (0, 7.9, 65, 3600 + 62)] == ["0:00", "0:07", "1:05", "1:01:02"]
    topic = GalleryTopic("x", "X", "C", target_length=95)
    assert topic.length_label == "~95s"
    topic.duration = 94.53
    assert topic.length_label == "~95s"
    topic.duration = 725
    assert topic.length_label == "~12 min"
    topic.duration = 0.2
    assert topic.length_label == "~1s"


def test_parse_youtube_chapter_lines():
    text = "0:00 Intro\n1:05 The ring\nnot a chapter\n1:02:03 Late & last \n"
    expected = [Chapter("Intro", 0), Chapter("The ring", 65), Chapter("Late & last", 3723)]
    assert parse_chapters(text) == expected


def test_chapters_fall_back_to_the_chapters_file(tmp_path, catalog):
    out = tmp_path / "out"
    chapters = {"gallery-alpha.chapters.txt": b"0:00 Start\n0:03 End\n"}
    fake_render(out, "gallery-alpha", sections=(), **chapters)
    alpha = collect(out, catalog)[0]
    assert [(c.title, c.start) for c in alpha.chapters] == [("Start", 0), ("End", 3)]


# -- command line ---------------------------------------------------------------------

def test_cli_builds_and_reports(renders, tmp_path):
    result = CliRunner().invoke(main, ["--scenes", str(FIXTURES), "gallery", "--from", str(renders),
                                       "--out", str(tmp_path / "site")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "2 of 3 topics rendered, 1 not rendered yet" in result.output
    assert (tmp_path / "site" / "index.html").is_file()


def test_cli_missing_renders_folder_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["--scenes", str(FIXTURES), "gallery", "--from", str(tmp_path / "nope"),
                                       "--out", str(tmp_path / "site")])
    assert result.exit_code == 2
    assert "no rendered outputs folder" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


def test_cli_help_mentions_the_command():
    result = CliRunner().invoke(main, ["--help"])
    assert "gallery" in result.output
    result = CliRunner().invoke(main, ["gallery", "--help"])
    assert "--from" in result.output and "--out" in result.output
