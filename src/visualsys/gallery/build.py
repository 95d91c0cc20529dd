"""Build the gallery: rendered outputs + topic metadata -> a static site.

The site is self-contained, so it works from ``file://`` and from any static
host::

    index.html                 every topic as a card, with filters
    topics/<slug>.html         one page per rendered topic: video, chapters, storyboard
    media/<slug>.mp4 ...       the outputs, hard-linked or copied beside the pages
    assets/                    css (colours derived from visualsys.theme), js, fonts

Nothing is fetched from the network: no CDN, the fonts are copied in, and
the captions are embedded in the page as a ``data:`` URL, because browsers
refuse to load a ``<track>`` file from ``file://`` (each file URL is its own
origin); the ``.vtt`` file is still copied for download. Every page carries a
Content-Security-Policy that allows only the gallery's own script, so even a
title that slipped past escaping could not run.

All text goes through Jinja2 with autoescaping on.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .. import __version__, theme
from ..render.files import TMP_PREFIX, atomic_path
from ..topics import TopicEntry

#: Output kinds -> (suffix of the conventional file name, keys accepted in a metadata ``files`` map).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "video": (".mp4", ("video", "mp4")),
    "vtt": (".vtt", ("vtt", "captions", "captions_vtt", "webvtt")),
    "srt": (".srt", ("srt", "subtitles", "captions_srt")),
    "poster": (".poster.png", ("poster",)),
    "storyboard": (".storyboard.png", ("storyboard",)),
    "chapters": (".chapters.txt", ("chapters", "chapters_txt", "youtube_chapters")),
}

#: Folders of the site that the builder owns (files in them it did not write are removed).
OWNED = ("assets", "media", "topics")

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")
FONT_SUFFIXES = (".woff2", ".woff", ".otf", ".ttf")

_CHAPTER_LINE = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2})\s+(.+?)\s*$")

#: Read/write for the owner, readable by everyone: a static web server runs as another user.
FILE_MODE = 0o644


class GalleryError(ValueError):
    """The gallery cannot be built; the message says what to do."""


@dataclass(frozen=True)
class Chapter:
    """A point in a video a viewer can jump to: a chapter or a narration beat."""

    title: str
    start: float

    @property
    def stamp(self) -> str:
        """``m:ss`` (or ``h:mm:ss``) of the start, as a viewer reads it."""
        return clock(self.start)


@dataclass
class GalleryTopic:
    """One card of the gallery, with everything its topic page shows."""

    slug: str
    title: str
    category: str
    summary: str = ""
    tags: tuple[str, ...] = ()
    target_length: float = 0.0
    duration: float | None = None
    rendered: bool = False
    outdated: bool = False
    quality: str = ""
    voice: str = ""
    chapters: list[Chapter] = field(default_factory=list)
    transcript: list[Chapter] = field(default_factory=list)
    #: kind -> the file the render left (only kinds that exist).
    sources: dict[str, Path] = field(default_factory=dict)
    #: kind -> path of the copy, relative to the site root (filled in by :func:`build_gallery`).
    media: dict[str, str] = field(default_factory=dict)
    category_index: int = 0
    captions_data_url: str = ""

    @property
    def length(self) -> float:
        """Seconds: the real duration once rendered, else the target."""
        return self.duration if self.duration is not None else self.target_length

    @property
    def length_label(self) -> str:
        """Approximate length as on the catalog cards: ``~95s``, ``~12 min``."""
        seconds = self.length
        if seconds >= 600:
            return f"~{round(seconds / 60)} min"
        return f"~{max(1, round(seconds))}s"

    @property
    def page(self) -> str:
        """The topic page, relative to the site root."""
        return f"topics/{self.slug}.html"

    @property
    def search_text(self) -> str:
        """Lower-case text the search box matches against."""
        return " ".join([self.title, self.category, self.summary, self.slug, *self.tags]).lower()


@dataclass(frozen=True)
class GalleryResult:
    """What a build wrote."""

    index: Path
    topics: list[GalleryTopic]

    @property
    def rendered(self) -> int:
        """How many topics have a video."""
        return sum(t.rendered for t in self.topics)


def clock(seconds: float) -> str:
    """Format ``seconds`` as ``m:ss`` or ``h:mm:ss`` (rounded down to the second)."""
    s = int(max(0.0, seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def parse_chapters(text: str) -> list[Chapter]:
    """Read YouTube chapter lines (``0:00 Intro``, ``1:02:03 Outro``); other lines are ignored."""
    chapters = []
    for line in text.splitlines():
        match = _CHAPTER_LINE.match(line)
        if match:
            h, m, s, title = match.groups()
            chapters.append(Chapter(title, int(h or 0) * 3600 + int(m) * 60 + int(s)))
    return chapters


# -- collecting ---------------------------------------------------------------------

def _read_metadata(path: Path, warn: Callable[[str], None]) -> dict | None:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        warn(f"ignoring {path.name}: not readable JSON ({exc})")
        return None
    if not isinstance(meta, dict) or meta.get("slug") != path.stem:
        return None  # some other JSON file, not a render's metadata
    return meta


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def find_outputs(slug: str, from_dir: Path, meta: Mapping | None) -> dict[str, Path]:
    """The output files of ``slug`` in ``from_dir``, by kind.

    A ``files`` mapping in the metadata wins (its paths relative to
    ``from_dir``, and only files inside it); otherwise, and for any kind it
    does not name, the conventional ``<slug><suffix>`` is used.
    """
    mapped = meta.get("files") if meta else None
    mapped = mapped if isinstance(mapped, Mapping) else {}
    found: dict[str, Path] = {}
    for kind, (suffix, keys) in KINDS.items():
        candidates = [mapped[k] for k in keys if isinstance(mapped.get(k), str)]
        candidates.append(f"{slug}{suffix}")
        for name in candidates:
            path = from_dir / name
            if _inside(path, from_dir) and path.is_file():
                found[kind] = path
                break
    return found


def _topic_from(slug: str, entry: TopicEntry | None, meta: dict | None, from_dir: Path) -> GalleryTopic:
    """Merge a topic's declared metadata (current) with its render's metadata (what was rendered)."""
    if entry is not None:
        t = entry.topic
        topic = GalleryTopic(slug, t.title, t.category, t.summary, tuple(t.tags), float(t.length))
    else:
        m = meta or {}
        topic = GalleryTopic(
            slug, str(m.get("title") or slug), str(m.get("category") or "Systems"),
            str(m.get("summary") or ""), tuple(str(x) for x in m.get("tags") or ()),
            float(m.get("target_length") or m.get("duration") or 0),
        )
    sources = find_outputs(slug, from_dir, meta)
    if meta is None or "video" not in sources:
        return topic
    topic.rendered = True
    topic.sources = sources
    topic.duration = float(meta.get("duration") or 0) or None
    quality = meta.get("quality")
    if isinstance(quality, Mapping):
        topic.quality = f"{quality.get('name', '')} {quality.get('width', '?')}x{quality.get('height', '?')}"
    topic.voice = str(meta.get("voice") or "")
    if entry is not None and meta.get("source_sha256"):
        topic.outdated = meta["source_sha256"] != entry.source_hash()
    sections = meta.get("sections") or []
    topic.chapters = [Chapter(str(s["title"]), float(s["start"])) for s in sections
                      if isinstance(s, Mapping) and "title" in s and "start" in s]
    if not topic.chapters and "chapters" in sources:
        topic.chapters = parse_chapters(sources["chapters"].read_text(encoding="utf-8", errors="replace"))
    topic.transcript = [Chapter(str(b["text"]), float(b["start"])) for b in meta.get("beats") or []
                        if isinstance(b, Mapping) and "text" in b and "start" in b]
    if "vtt" in sources:
        vtt = sources["vtt"].read_bytes()
        encoded = base64.b64encode(vtt).decode("ascii")
        topic.captions_data_url = f"data:text/vtt;charset=utf-8;base64,{encoded}"
    return topic


def collect(from_dir: Path, topics: Mapping[str, TopicEntry],
            warn: Callable[[str], None] = lambda message: None) -> list[GalleryTopic]:
    """Every topic of the catalog, plus any rendered output whose topic is not in it.

    Parameters
    ----------
    from_dir
        Folder of rendered outputs (``render.py --out``).
    topics
        The catalog (:func:`visualsys.topics.discover`), in catalog order.
    warn
        Called with one sentence per metadata file that is skipped.

    Returns
    -------
    list[GalleryTopic]
        Catalog topics first, in catalog order (rendered or not), then
        topics rendered from a scene file outside the catalog, by slug.
    """
    from_dir = Path(from_dir)
    metas: dict[str, dict] = {}
    if from_dir.is_dir():
        for path in sorted(from_dir.glob("*.json")):
            meta = _read_metadata(path, warn)
            if meta is not None:
                metas[path.stem] = meta
    found = [_topic_from(slug, entry, metas.get(slug), from_dir) for slug, entry in topics.items()]
    extra = [_topic_from(slug, None, meta, from_dir) for slug, meta in sorted(metas.items())
             if slug not in topics]
    found += [t for t in extra if t.rendered]
    categories = sorted({t.category for t in found}, key=str.casefold)
    for t in found:
        t.category_index = categories.index(t.category) % len(theme.SERIES)
    return found


# -- theme -> CSS ---------------------------------------------------------------------

def _rgba(color, alpha: float) -> str:
    r, g, b = (round(255 * c) for c in color.to_rgb())
    return f"rgba({r}, {g}, {b}, {alpha})"


def _css_string(value: str) -> str:
    """A CSS string literal for a font family name from the theme."""
    if not re.fullmatch(r"[A-Za-z0-9 _-]+", value):
        raise GalleryError(f"font name must be letters, digits, spaces or '-', got {value!r}")
    return f'"{value}"'


def theme_variables() -> dict[str, str]:
    """CSS custom properties derived from :mod:`visualsys.theme` (the one place colours live)."""
    return {
        "bg": theme.BACKGROUND.to_hex(),
        "surface": theme.SURFACE.to_hex(),
        "surface-hi": theme.SURFACE_HI.to_hex(),
        "outline": theme.OUTLINE.to_hex(),
        "text": theme.TEXT.to_hex(),
        "muted": theme.MUTED.to_hex(),
        "accent": theme.BLUE.to_hex(),
        "accent-soft": _rgba(theme.BLUE, 0.16),
        "ok": theme.GREEN.to_hex(),
        "warn": theme.YELLOW.to_hex(),
        "warn-soft": _rgba(theme.YELLOW, 0.14),
        "bad": theme.RED.to_hex(),
        "shadow": _rgba(theme.BACKGROUND, 0.6),
        "font": _css_string(theme.FONT),
        "mono": _css_string(theme.MONO),
    }


def find_font(family: str, style: str = "Regular") -> Path | None:
    """An installed font file for ``family`` in ``style`` (``Inter-SemiBold.otf``), if any."""
    stem = f"{family.replace(' ', '')}-{style}"
    for folder in FONT_DIRS:
        if not folder.is_dir():
            continue
        for suffix in FONT_SUFFIXES:
            hits = sorted(folder.rglob(stem + suffix))
            if hits:
                return hits[0]
    return None


# -- writing ------------------------------------------------------------------------

def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("visualsys.gallery", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"),
                                     disabled_extensions=("css.j2", "svg.j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class _Site:
    """Writes files into the site atomically and remembers them, so stale ones can be pruned."""

    def __init__(self, root: Path, link: bool) -> None:
        self.root = root
        self.link = link
        self.written: set[Path] = set()

    def write_text(self, rel: str, text: str) -> Path:
        target = self.root / rel
        self.written.add(target)
        if target.is_file() and target.read_text(encoding="utf-8", errors="replace") == text:
            return target
        with atomic_path(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
            os.chmod(tmp, FILE_MODE)
        return target

    def place(self, rel: str, source: Path) -> Path:
        """Hard-link ``source`` to ``rel`` when the link is world-readable, else copy it."""
        target = self.root / rel
        self.written.add(target)
        src = source.stat()
        if target.exists():
            dst = target.stat()
            if (dst.st_ino, dst.st_dev) == (src.st_ino, src.st_dev):
                return target
            if dst.st_size == src.st_size and dst.st_mtime_ns == src.st_mtime_ns:
                return target
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.link and src.st_mode & stat.S_IROTH:
            with atomic_path(target) as tmp:
                tmp.unlink()
                try:
                    os.link(source, tmp)
                except OSError:  # another file system, or links not allowed: copy instead
                    shutil.copyfile(source, tmp)
                    os.chmod(tmp, FILE_MODE)
                    os.utime(tmp, ns=(src.st_atime_ns, src.st_mtime_ns))
            return target
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)
            os.chmod(tmp, FILE_MODE)
            os.utime(tmp, ns=(src.st_atime_ns, src.st_mtime_ns))
        return target

    def prune(self) -> list[Path]:
        """Remove files in the owned folders that this build did not write."""
        removed = []
        for folder in OWNED:
            base = self.root / folder
            if not base.is_dir():
                continue
            for path in sorted(base.rglob("*"), reverse=True):
                if path.is_file() and path not in self.written:
                    path.unlink()
                    removed.append(path)
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
        return removed


def _copy_assets(site: _Site, env: Environment) -> dict[str, str]:
    """Write the stylesheets, script, icon and fonts; return the font URLs by role."""
    static = Path(__file__).parent / "static"
    for path in sorted(static.iterdir()):
        if path.is_file():
            site.write_text(f"assets/{path.name}", path.read_text(encoding="utf-8"))
    fonts: dict[str, str] = {}
    for role, family, style in (("regular", theme.FONT, "Regular"), ("bold", theme.FONT, "SemiBold"),
                                ("mono", theme.MONO, "Regular")):
        font = find_font(family, style)
        if font is not None:
            site.place(f"assets/fonts/{font.name}", font)
            fonts[role] = f"fonts/{font.name}"
    variables = theme_variables()
    series = [c.to_hex() for c in theme.SERIES]
    site.write_text("assets/theme.css", env.get_template("theme.css.j2").render(
        vars=variables, series=series, fonts=fonts, font=theme.FONT, mono=theme.MONO))
    site.write_text("assets/icon.svg", env.get_template("icon.svg.j2").render(
        bg=variables["bg"], ring=variables["outline"], dots=series[:3]))
    return fonts


def build_gallery(
    out_dir: Path,
    *,
    from_dir: Path,
    topics: Mapping[str, TopicEntry],
    link: bool = True,
    log: Callable[[str], None] = lambda message: None,
) -> GalleryResult:
    """Write the static gallery site for ``topics`` and the renders in ``from_dir`` to ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder of the site; created if needed. Only ``index.html`` and the
        ``assets/``, ``media/`` and ``topics/`` folders are written, and
        stale files in those folders are removed.
    from_dir
        Folder of rendered outputs (``render.py <topic> --out``).
    topics
        The catalog, e.g. ``discover(Path("scenes"))``.
    link
        Hard-link the media into the site when the result is world-readable
        (else copy them).
    log
        Called with one line per notable step or skipped file.

    Returns
    -------
    GalleryResult
        The index page and the topics, rendered or not.

    Examples
    --------
    >>> from visualsys.topics import discover
    >>> result = build_gallery(Path("out/gallery"), from_dir=Path("out"),
    ...                        topics=discover(Path("scenes")))  # doctest: +SKIP
    >>> result.index  # doctest: +SKIP
    PosixPath('out/gallery/index.html')
    """
    out_dir, from_dir = Path(out_dir), Path(from_dir)
    if not from_dir.is_dir():
        raise GalleryError(f"no rendered outputs folder {from_dir}; render a topic first "
                           "(render.py <topic>) or pass --from")
    if out_dir.resolve() == from_dir.resolve():
        raise GalleryError(f"--out must be a folder of its own, not the renders folder {from_dir}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GalleryError(f"cannot create gallery folder {out_dir}: {exc.strerror}") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise GalleryError(f"gallery folder {out_dir} is not writable")

    env = _environment()
    site = _Site(out_dir, link)
    found = collect(from_dir, topics, warn=log)
    fonts = _copy_assets(site, env)

    for t in found:
        if not t.rendered:
            continue
        for kind, source in sorted(t.sources.items()):
            suffix = KINDS[kind][0] if kind != "poster" else ".poster" + source.suffix
            t.media[kind] = site.place(f"media/{t.slug}{suffix}", source).relative_to(out_dir).as_posix()
        metadata = from_dir / f"{t.slug}.json"
        t.media["metadata"] = site.place(f"media/{t.slug}.json", metadata).relative_to(out_dir).as_posix()

    common = {"version": __version__, "fonts": fonts}
    categories = sorted({t.category for t in found}, key=str.casefold)
    tags = sorted({tag for t in found for tag in t.tags}, key=str.casefold)
    for t in found:
        if t.rendered:
            site.write_text(t.page, env.get_template("topic.html.j2").render(root="../", topic=t, **common))
            log(f"{t.slug}: page written")
    index = site.write_text("index.html", env.get_template("index.html.j2").render(
        root="", topics=found, categories=categories, tags=tags, **common))
    for path in site.prune():
        log(f"removed stale {path.relative_to(out_dir)}")
    for leftover in out_dir.glob(TMP_PREFIX + "*"):
        leftover.unlink(missing_ok=True)
    return GalleryResult(index, found)

