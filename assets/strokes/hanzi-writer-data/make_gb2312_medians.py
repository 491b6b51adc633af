"""Rebuild ``gb2312-1-medians.json.gz`` (stroke centre-lines of the 3,755 GB2312 level-1 characters).

The source is the npm package ``hanzi-writer-data`` (one ``<char>.json`` per character, derived from
Make Me a Hanzi, Arphic Public License):

    npm pack hanzi-writer-data@2.0.1                    # writes hanzi-writer-data-2.0.1.tgz
    python assets/strokes/hanzi-writer-data/make_gb2312_medians.py hanzi-writer-data-2.0.1.tgz

The package may also be given as a folder (the tarball's ``package/`` or an npm install's
``node_modules/hanzi-writer-data``). Only the ``medians`` of each character are kept, copied value
for value (the ``strokes`` outlines and ``radStrokes`` are dropped), in GB2312 order, as compact
JSON compressed with gzip (no time stamp, so the same package always gives the same bytes). Stops
with the list of characters the package lacks, if any. Not needed by the app, which only reads
the bundle.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tarfile
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the checkout, for the one list of GB2312 level 1
from desktop.core.vocabulary import gb2312_level1  # noqa: E402

BUNDLE_NAME = "gb2312-1-medians.json.gz"


def package_reader(source: Path) -> Callable[[str], bytes | None]:
    """``name -> file bytes`` (None when absent) for a package tarball or an unpacked folder."""
    if not source.exists():
        raise SystemExit(f"{source}: no such file or folder")
    if source.is_dir():
        root = source / "package" if (source / "package" / "package.json").is_file() else source

        def read_file(name: str) -> bytes | None:
            path = root / name
            return path.read_bytes() if path.is_file() else None
        return read_file
    with tarfile.open(source, "r:*") as tar:
        members = {m.name.split("/", 1)[-1]: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    return members.get


def build_bundle(read_file: Callable[[str], bytes | None]) -> dict:
    """The bundle's content; SystemExit naming every level-1 character without stroke data."""
    package = json.loads(read_file("package.json") or b"{}")
    if package.get("name") != "hanzi-writer-data":
        raise SystemExit("not the hanzi-writer-data package (its package.json is missing or names another)")
    medians, missing = {}, []
    for char in gb2312_level1():
        data = read_file(f"{char}.json")
        if data is None:
            missing.append(char)
            continue
        medians[char] = json.loads(data)["medians"]
    if missing:
        raise SystemExit(f"hanzi-writer-data {package['version']} lacks {len(missing)} of the 3,755 "
                         f"GB2312 level-1 characters: {''.join(missing)}")
    return {
        "source": f"hanzi-writer-data {package['version']} (npm), derived from Make Me a Hanzi",
        "licence": "Arphic Public License (ARPHICPL.TXT beside this file)",
        "kept": "medians only: stroke centre-lines in stroke order, [x, y] in a 1024 box, y up",
        "characters": "GB2312-80 level 1 (3,755), in GB2312 order",
        "medians": medians,
    }


def bundle_bytes(bundle: dict) -> bytes:
    text = json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="hanzi-writer-data: the npm pack tarball or an unpacked folder")
    parser.add_argument("--out", type=Path, default=HERE / BUNDLE_NAME)
    args = parser.parse_args(argv)
    bundle = build_bundle(package_reader(args.package))
    data = bundle_bytes(bundle)
    args.out.write_bytes(data)
    print(f"wrote the medians of {len(bundle['medians'])} characters to {args.out} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
