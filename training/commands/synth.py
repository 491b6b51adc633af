"""``python -m training synth``: synthetic handwriting in CASIA directory layout."""

from __future__ import annotations

from ..data import resolve_classes
from ..strokedata import available_characters


def configure(p) -> None:
    p.add_argument("--out", required=True, help="output folder; gets Train/<char>/<n>.png and Test/...")
    p.add_argument("--chars", default="course",
                   help="characters to write: 'course' (the 55 course characters, default), 'all' (every "
                        "character with stroke data: without --strokes the 3,755 of GB2312 level 1 and the course's "
                        "啖 and 囡) or the characters themselves, e.g. 大天太")
    p.add_argument("--train", type=int, default=600, help="training images per character (default 600)")
    p.add_argument("--test", type=int, default=140, help="test images per character (default 140)")
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed writes the same images")
    p.add_argument("--strokes", default=None, help="folder of hanzi-writer-data <char>.json files "
                                                   "(default: the shipped stroke data: the 55 course "
                                                   "characters and the 3,755 of GB2312 level 1)")
    p.add_argument("--neat", action="store_true", help="switch every handwriting effect off (font skeleton)")
    p.add_argument("--workers", type=int, default=None, help="processes to use (default: all cores)")


def run(args) -> int:
    from ..errors import TrainingError
    from ..synth import SynthParams, write_dataset

    if args.train < 0 or args.test < 0:
        raise TrainingError("--train and --test must be zero or more")
    try:
        chars = resolve_classes(args.chars, available_characters(args.strokes))
    except ValueError as exc:
        raise TrainingError(str(exc)) from exc
    params = SynthParams.neat() if args.neat else SynthParams()
    out = write_dataset(args.out, chars, train_per_class=args.train, test_per_class=args.test, seed=args.seed,
                        params=params, strokes_dir=args.strokes, workers=args.workers, progress=True)
    print(f"wrote {len(chars)} characters x ({args.train} train + {args.test} test) to {out}")
    print(f"contact sheet: {out / 'contact_sheet.png'}")
    return 0
