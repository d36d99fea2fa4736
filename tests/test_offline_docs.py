"""Every script, style and image the installed Great Expectations' Data Docs templates load from
outside the site has a local copy (or is left out on purpose): a GX upgrade that loads something
new fails here, before a reader meets a bare page."""

from __future__ import annotations

import re
from importlib import resources

from orchestration.quality.offline_docs import localise_data_docs

TEMPLATES = resources.files("great_expectations") / "render" / "view" / "templates"


def _template_urls() -> set[str]:
    urls: set[str] = set()
    for template in TEMPLATES.iterdir():
        if template.name.endswith(".j2"):
            text = template.read_text(encoding="utf-8")
            for tag in re.findall(r"<(?:script|link)\b[^>]*>", text):
                urls.update(re.findall(r"""(?:src|href)=["'](https?://[^"']+)["']""", tag))
    return urls


def test_every_external_script_and_style_of_the_templates_is_served_locally(tmp_path) -> None:
    urls = _template_urls()
    assert any("bootstrap" in u for u in urls)  # the templates still load from CDNs
    page = "\n".join(
        f'<script src="{u}"></script>' if u.endswith(".js") or "@" in u.rsplit("/", 1)[-1] else f'<link href="{u}">'
        for u in sorted(urls)
    )
    page += '\n<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=1">'
    (tmp_path / "validations" / "suite").mkdir(parents=True)
    (tmp_path / "validations" / "suite" / "page.html").write_text(page, encoding="utf-8")

    left = localise_data_docs(tmp_path)

    assert left == []
    rewritten = (tmp_path / "validations" / "suite" / "page.html").read_text(encoding="utf-8")
    local = re.findall(r"""(?:src|href)=["']([^"']+)["']""", rewritten)
    assert local and all(p.startswith("../../static/") for p in local), local
    for path in local:
        if "/vendor/" in path:
            assert (tmp_path / "validations" / "suite" / path).resolve().is_file(), path
