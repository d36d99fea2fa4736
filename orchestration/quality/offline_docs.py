"""Great Expectations Data Docs that render styled with no network.

GX's page templates load Bootstrap, jQuery, bootstrap-table, Font Awesome and vega from CDNs, and
the logo from a web server. After each build the site gets local copies in
``static/vendor/`` and every page's links are rewritten to them, relatively, so the site opens
from the file system or any web server. The copies come from Python packages the project installs
(``xstatic-bootstrap``, ``xstatic-jquery``, ``fontawesomefree``, ``altair_viewer`` for vega),
except bootstrap-table and bootstrap-datepicker, which no Python package ships: their npm
releases' files are kept in ``orchestration/quality/static/vendor/`` with their licences.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

VENDOR_DIR = "static/vendor"
_IMAGES_DIR = "static/images"
_LOGO = "logo-long.png"


@dataclass(frozen=True)
class VendoredFile:
    """A file of the site's ``static/vendor/`` folder: where it comes from (package, path in it)."""

    package: str
    source: str
    target: str


def _files() -> dict[str, VendoredFile]:
    """The CDN address of each script and style GX's templates load, and its local copy."""
    bootstrap, jquery = "xstatic.pkg.bootstrap", "xstatic.pkg.jquery"
    viewer, ours = "altair_viewer", "orchestration.quality"
    table, picker = "bootstrap-table-1.19.1", "bootstrap-datepicker-1.9.0"
    unpkg = "https://unpkg.com/bootstrap-table@"
    filter_control = "dist/extensions/filter-control/bootstrap-table-filter-control"
    cdnjs = "https://cdnjs.cloudflare.com/ajax/libs/"

    def table_file(name: str) -> VendoredFile:
        return VendoredFile(ours, f"static/vendor/{table}/{name}", f"bootstrap-table/{name}")

    def picker_file(name: str) -> VendoredFile:
        return VendoredFile(ours, f"static/vendor/{picker}/{name}", f"bootstrap-datepicker/{name}")

    return {
        "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": VendoredFile(
            bootstrap, "data/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"
        ),
        # the bundle holds Popper, which the templates load separately
        "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": VendoredFile(
            bootstrap, "data/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"
        ),
        "https://code.jquery.com/jquery-3.7.1.min.js": VendoredFile(jquery, "data/jquery.min.js", "jquery.min.js"),
        f"{cdnjs}font-awesome/6.6.0/css/all.min.css": VendoredFile(
            "fontawesomefree", "static/fontawesomefree/css/all.min.css", "fontawesome/css/all.min.css"
        ),
        # altair_viewer's newest vega-lite is 4.17; GX's specs render with it
        "https://cdn.jsdelivr.net/npm/vega@5": VendoredFile(viewer, "scripts/vega-5.21.0.js", "vega.min.js"),
        "https://cdn.jsdelivr.net/npm/vega-lite@5": VendoredFile(
            viewer, "scripts/vega-lite-4.17.0.js", "vega-lite.min.js"
        ),
        "https://cdn.jsdelivr.net/npm/vega-embed@6": VendoredFile(
            viewer, "scripts/vega-embed-6.20.0.js", "vega-embed.min.js"
        ),
        f"{unpkg}1.19.1/dist/bootstrap-table.min.js": table_file("bootstrap-table.min.js"),
        f"{unpkg}1.19.1/dist/bootstrap-table.min.css": table_file("bootstrap-table.min.css"),
        f"{unpkg}1.19.1/{filter_control}.min.js": table_file("bootstrap-table-filter-control.min.js"),
        f"{unpkg}1.19.0/{filter_control}.css": table_file("bootstrap-table-filter-control.min.css"),
        f"{unpkg}1.19.0/{filter_control}.min.css": table_file("bootstrap-table-filter-control.min.css"),
        f"{cdnjs}bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": picker_file("bootstrap-datepicker.min.js"),
        f"{cdnjs}bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": picker_file(
            "bootstrap-datepicker.min.css"
        ),
    }


# Loaded by the templates but not needed offline: Popper is in the Bootstrap bundle; the dark
# variant of Bootstrap only recolours the pages for readers whose system prefers dark mode.
DROPPED = (
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css",
)
_GX_IMAGES = re.compile(r"https://great-expectations-web-assets\.s3[\w.-]*\.amazonaws\.com/[\w.-]+\.png(\?[^\"')\s]*)?")
_TAG = re.compile(r"<(script|link|img)\b[^>]*>(\s*</script>)?", re.IGNORECASE)
_URL_ATTR = re.compile(r"""\b(src|href)\s*=\s*(["'])(https?://[^"']+)\2""", re.IGNORECASE)
_SRI = re.compile(r"""\s(integrity|crossorigin)\s*=\s*(["'])[^"']*\2""", re.IGNORECASE)
# GX computes the depth of its static folder wrongly for some pages (the favicon of validation pages)
_SITE_STATIC = re.compile(r"""\b(src|href)\s*=\s*(["'])(?:\./|(?:\.\./)+)(static/(?:images|fonts|styles)/[^"']+)\2""")
_CSS_URL = re.compile(r"""url\(\s*['"]?(https?://[^'")]+)['"]?\s*\)""", re.IGNORECASE)


def _copy_vendored(docs_dir: Path) -> None:
    vendor = docs_dir / VENDOR_DIR
    for item in _files().values():
        target = vendor / item.target
        source = resources.files(item.package) / item.source
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    fonts = resources.files("fontawesomefree") / "static" / "fontawesomefree" / "webfonts"
    target_fonts = vendor / "fontawesome" / "webfonts"
    target_fonts.mkdir(parents=True, exist_ok=True)
    for font in fonts.iterdir():
        if font.name.endswith((".woff2", ".ttf")) and not (target_fonts / font.name).exists():
            shutil.copyfile(font, target_fonts / font.name)


def _rewrite(page: str, prefix: str, files: dict[str, VendoredFile]) -> str:
    logo = f"{prefix}{_IMAGES_DIR}/{_LOGO}"

    def tag(match: re.Match[str]) -> str:
        text = match.group(0)
        found = _URL_ATTR.search(text)
        if found is None:
            return text
        url = found.group(3)
        if url in DROPPED:
            return ""
        if url in files:
            local = f"{prefix}{VENDOR_DIR}/{files[url].target}"
        elif _GX_IMAGES.fullmatch(url):
            local = logo
        else:
            return text
        text = text[: found.start(3)] + local + text[found.end(3) :]
        return _SRI.sub("", text)

    page = _TAG.sub(tag, page)
    page = _SITE_STATIC.sub(lambda m: f"{m.group(1)}={m.group(2)}{prefix}{m.group(3)}{m.group(2)}", page)
    return _CSS_URL.sub(lambda m: f"url('{logo}')" if _GX_IMAGES.fullmatch(m.group(1)) else m.group(0), page)


def external_resources(page: str) -> list[str]:
    """The addresses outside the site that a page still loads (scripts, styles, images)."""
    urls = [u.group(3) for t in _TAG.finditer(page) if (u := _URL_ATTR.search(t.group(0)))]
    return sorted({u for u in urls if u.lower().startswith(("http://", "https://"))} | set(_CSS_URL.findall(page)))


def localise_data_docs(docs_dir: Path) -> list[str]:
    """Copy the scripts, styles and fonts into the site and point every page at them; the
    addresses outside the site that some page still loads (none with the GX version pinned)."""
    files = _files()
    _copy_vendored(docs_dir)
    left: set[str] = set()
    for page in docs_dir.rglob("*.html"):
        if VENDOR_DIR in page.relative_to(docs_dir).as_posix():
            continue
        depth = len(page.relative_to(docs_dir).parts) - 1
        text = page.read_text(encoding="utf-8")
        rewritten = _rewrite(text, "../" * depth, files)
        if rewritten != text:
            page.write_text(rewritten, encoding="utf-8")
        left.update(external_resources(rewritten))
    return sorted(left)
