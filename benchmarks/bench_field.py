"""The field phone app's first load: every byte a phone fetches on its first visit, compressed.

Figure:
- first load, compressed: the shell page /field/, its web manifest and service worker (Django
  sends the three gzipped: gzip_page), and every file the worker caches (JS modules, CSS,
  icons; whitenoise's CompressedStaticFilesStorage stores them gzipped at level 9), each
  gzipped at level 9 here. That is the
  whole app: after it, the phone needs the network only for its duty and to sync. The aim is
  150 KB. No floor: a size has none; the note gives brotli (what whitenoise serves a browser
  that accepts it) and the uncompressed total beside it.
"""

import gzip

import brotli
from django.test import Client

from benchmarks import Figure
from kawal.field import shell

AIM_KB = 150


def _fetched() -> dict[str, bytes]:
    """What a phone fetches on its first visit, by URL, uncompressed."""
    client = Client(HTTP_HOST="127.0.0.1")
    bodies = {}
    for url in ("/field/", "/field/manifest.webmanifest", "/field/sw.js"):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        bodies[url] = response.content
    for name in shell.asset_names():
        bodies[f"/static/field/{name}"] = (shell.ASSET_DIR / name).read_bytes()
    return bodies


def run() -> list[Figure]:
    bodies = _fetched()
    raw = sum(len(b) for b in bodies.values())
    gzipped = {url: len(gzip.compress(b, compresslevel=9)) for url, b in bodies.items()}
    brotlied = sum(len(brotli.compress(b)) for b in bodies.values())
    total = sum(gzipped.values())
    scripts = sum(n for url, n in gzipped.items() if url.endswith((".js", ".mjs")))
    note = (
        f"{len(bodies)} files; gzip: JS {scripts / 1024:.1f} KB, shell page "
        f"{gzipped['/field/'] / 1024:.1f} KB; brotli {brotlied / 1024:.1f} KB; "
        f"uncompressed {raw / 1024:.1f} KB"
    )
    return [
        Figure(
            name="first load, compressed",
            value=total / 1024,
            unit="KB",
            floor=None,
            floor_label="no floor: a size",
            aim=f"< {AIM_KB} KB",
            note=note,
        )
    ]
