"""What a first-time visitor's browser downloads for each public page from the
production setup: the page, and every stylesheet, script, font and image it links to
(including fonts and images named inside the stylesheets), asking for compressed
copies as a browser does, counted as the bytes that arrive. Target: at most 60 KB a
page (DESIGN.md's budget for people on slow, expensive mobile data)."""

import re
import urllib.parse
import urllib.request

from bench.harness import Figure

BUDGET_KB = 60
ACCEPT = {"Accept-Encoding": "gzip, br", "User-Agent": "Mozilla/5.0 (bench)"}
LINKED = re.compile(
    rb'<(?:link|script|img|source)\b[^>]*?\b(?:href|src|srcset)="([^"]+)"', re.IGNORECASE
)
CSS_URL = re.compile(rb"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def _fetch(url: str) -> tuple[bytes, int, str]:
    """The body as decoded, the bytes that came over the wire, and the content type."""
    request = urllib.request.Request(url, headers=ACCEPT)
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
        encoding = response.headers.get("Content-Encoding", "")
        content_type = response.headers.get("Content-Type", "")
    if encoding == "gzip":
        import gzip

        body = gzip.decompress(raw)
    elif encoding == "br":
        import brotli

        body = brotli.decompress(raw)
    else:
        body = raw
    return body, len(raw), content_type


def cold_load(base: str, path: str) -> dict:
    """Bytes of the page and of each distinct resource it needs, fetched once each."""
    page_url = urllib.parse.urljoin(base, path)
    html, page_bytes, _type = _fetch(page_url)
    weights = {path: page_bytes}
    pending = [urllib.parse.urljoin(page_url, link.decode()) for link in LINKED.findall(html)]
    while pending:
        url = pending.pop()
        if not url.startswith(base) or url in weights or "/static/" not in url:
            continue
        body, size, content_type = _fetch(url)
        weights[url] = size
        if "css" in content_type:
            pending += [
                urllib.parse.urljoin(url, found.decode())
                for found in CSS_URL.findall(body)
                if not found.startswith(b"data:")
            ]
    return weights


def measure_weights(base: str, paths: dict) -> list[Figure]:
    figures = []
    for label, path in paths.items():
        if path.endswith(".ics"):
            continue
        weights = cold_load(base, path)
        total_kb = sum(weights.values()) / 1024
        biggest = sorted(weights.items(), key=lambda item: -item[1])[:3]
        print(
            f"  {label:<26} {total_kb:6.1f} KB in {len(weights)} files; largest: "
            + ", ".join(
                f"{url.rsplit('/', 1)[-1] or '/'} {size / 1024:.1f}" for url, size in biggest
            )
        )
        figures.append(
            Figure(
                f"Cold load: {label}",
                f"<= {BUDGET_KB} KB",
                f"{total_kb:.1f} KB in {len(weights)} files",
                total_kb <= BUDGET_KB,
            )
        )
    return figures
