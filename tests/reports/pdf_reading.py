"""Reading back what matplotlib wrote into a PDF, for the report tests (plain module)."""

from __future__ import annotations

import re
import zlib
from pathlib import Path


def fonts_by_page(path: Path) -> list[set[str]]:
    """The fonts each page of ``path`` draws text in (``Courier``, ``ABCDEF+DejaVuSans``…).

    matplotlib shares one font resource dictionary among all pages, so ``pdffonts -f N``
    lists every font of the file: this reads the fonts selected (``Tf``) in each page's
    own content stream instead.
    """
    data = Path(path).read_bytes()
    objs = {
        int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)
    }
    base = {
        k: re.search(rb"/BaseFont\s*/([^\s/]+)", v).group(1).decode()
        for k, v in objs.items()
        if b"/BaseFont" in v
    }
    names = {
        name.decode(): base[int(ref)]
        for v in objs.values()
        for name, ref in re.findall(rb"/(F\d+)\s+(\d+) 0 R", v)
        if int(ref) in base
    }
    out = []
    for k in sorted(objs):
        if not re.search(rb"/Type\s*/Page\b", objs[k]):
            continue
        ref = int(re.search(rb"/Contents (\d+) 0 R", objs[k]).group(1))
        stream = re.search(rb"stream\r?\n(.*)endstream", objs[ref], re.S).group(1)
        if b"FlateDecode" in objs[ref][:200]:
            stream = zlib.decompress(stream)
        out.append({names[n.decode()] for n in re.findall(rb"/(F\d+) [\d.]+ Tf", stream)})
    return out
