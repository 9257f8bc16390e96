"""Held-out quality of the whole plain-text cleaner: every page cleaned by models that
never saw its site, with every rule after them.

    nice -n 19 python bench/text_heldout.py [--devset PATH] [--folds 5] [--cache FILE]
                                            [--save FILE] [--compare FILE] [--fp FILE]

`bench/train_text_model.py` fits the line model and the end and start block models on
every article of the dev set, so `bench/quality.py` scores pages the models were trained
on. Here the articles are split into `--folds` folds grouped by site (as the training
script does); for each fold the line model is fitted on the other folds' pages, the end
and start models on the other folds' out-of-fold candidates (the training script's
functions and settings), and the fold's pages go through the full `clean_text` with the
shipped cut-offs. Prints the articles' P / R / F1 to five decimals.

The cut-offs are the shipped ones, which the training script picked on these pages'
out-of-fold scores; `bench/text_cutoffs.py` measured what nesting that choice costs.

`--cache FILE` keeps the fold models (an .npz): a later run with the same file skips the
fitting (about a minute of CPU), which is valid while the features, the labels and the
steps before the block models (`plaintext._article`) are unchanged; delete it otherwise.
`--save FILE` writes each page's held-out P and R (JSON); `--compare FILE` reads such a
file and counts the pages and sites that got better or worse (F1 moved by more than
`MOVE`). `--fp FILE` writes the wrongly kept lines (TSV: page, site, line, position in the
kept span, model score, share of the line's shingles not in the answer, precision points
the line costs, text), largest loss first, so false positives can be grouped by cause.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import train_text_model as t  # noqa: E402
from bench.metric import PageScore, score_page, shingles, summarise  # noqa: E402
from copydesk.extract.plaintext import clean_text  # noqa: E402
from copydesk.extract.text_end import EndModel  # noqa: E402
from copydesk.extract.text_model import LineModel, load_model, shipped_model  # noqa: E402

# A page counts as better or worse in `--compare` when its F1 moved by more than this.
MOVE = 0.005
Arrays = dict[str, npt.NDArray[np.float32]]


def fold_models(pages: list[t.Page], folds: int) -> tuple[list[int], list[Arrays]]:
    """Each page's fold, and per fold the arrays of line, end and start models fitted
    without the fold's sites, with the shipped cut-offs."""
    from sklearn.model_selection import GroupKFold

    shipped = shipped_model()
    cut = shipped.thresholds
    assert shipped.end is not None and shipped.start is not None
    sites = sorted({p.site for p in pages})
    groups = np.array([sites.index(p.site) for p in pages])
    tests = [te.tolist() for _, te in GroupKFold(n_splits=folds).split(groups, groups=groups)]
    fold_of = [0] * len(pages)
    for k, test in enumerate(tests):
        for i in test:
            fold_of[i] = k
    arrays: list[Arrays] = []
    probs: list[npt.NDArray[np.float32]] = [np.zeros(0, np.float32)] * len(pages)
    for k, test in enumerate(tests):
        arrays.append(t.fit([p for i, p in enumerate(pages) if fold_of[i] != k], 0))
        line = load_model(arrays[k])
        for i in test:
            probs[i] = line.predict(pages[i].features)
    rows = [t.end_rows(p, t._Replay(cut, pr)) for p, pr in zip(pages, probs, strict=True)]
    for k in range(folds):
        arrays[k] |= t.fit_end(
            [r for i, r in enumerate(rows) if fold_of[i] != k], shipped.end.threshold
        )
    replays = [t._Replay(cut, pr, _end(arrays[fold_of[i]])) for i, pr in enumerate(probs)]
    srows = [t.start_rows(p, m) for p, m in zip(pages, replays, strict=True)]
    for k in range(folds):
        arrays[k] |= t.fit_start(
            [r for i, r in enumerate(srows) if fold_of[i] != k], shipped.start.threshold
        )
    for a in arrays:
        a["thresholds"] = np.array([cut.run, cut.inside, cut.outside, cut.extend])
    return fold_of, arrays


def _end(arrays: Arrays) -> EndModel | None:
    from copydesk.extract.text_model import load_end_model

    return load_end_model(arrays)


def load_or_fit(
    pages: list[t.Page], folds: int, cache: Path | None
) -> tuple[list[int], list[LineModel]]:
    """The fold models, from `cache` when it exists (and written there when not)."""
    if cache is not None and cache.exists():
        with np.load(cache, allow_pickle=False) as data:
            fold_of = data["fold_of"].tolist()
            arrays: list[Arrays] = []
            for k in range(int(data["folds"])):
                prefix = f"f{k}_"
                arrays.append(
                    {key[len(prefix) :]: data[key] for key in data.files if key.startswith(prefix)}
                )
        if len(fold_of) != len(pages):
            raise SystemExit(f"{cache} was made for another page set; delete it")
    else:
        fold_of, arrays = fold_models(pages, folds)
        if cache is not None:
            flat = {f"f{k}_{key}": value for k, a in enumerate(arrays) for key, value in a.items()}
            np.savez_compressed(
                cache, fold_of=np.array(fold_of), folds=np.array(len(arrays)), **flat
            )
    return fold_of, [load_model(a) for a in arrays]


def false_positives(page: t.Page, paragraphs: tuple[str, ...]) -> list[tuple[int, float, int]]:
    """Kept lines with shingles outside the answer: (line index, share of the line's
    shingles not in the answer, count of such shingles)."""
    want = shingles(page.body)
    index = {line: i for i, line in enumerate(page.lines)}
    out = []
    for para in paragraphs:
        got = shingles(para)
        total = sum(got.values())
        wrong = sum(c for s, c in got.items() if s not in want)
        if wrong:
            out.append((index.get(para, -1), wrong / max(total, 1), wrong))
    return out


def main() -> None:
    """Clean every article with its fold's models, print P/R/F1, then the optional files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache", type=Path, help="fold models (.npz), read or written")
    parser.add_argument("--save", type=Path, help="write per-page held-out scores (JSON)")
    parser.add_argument("--compare", type=Path, help="per-page scores saved earlier")
    parser.add_argument("--fp", type=Path, help="write the wrongly kept lines (TSV)")
    args = parser.parse_args()
    pages = t.load_pages(args.devset)
    fold_of, models = load_or_fit(pages, args.folds, args.cache)
    scores: dict[str, PageScore] = {}
    fp_rows = []
    n_with_output = 0
    for i, page in enumerate(pages):
        out = clean_text(page.text, models[fold_of[i]])
        score = score_page(out.text, page.body)
        scores[page.page_id] = score
        if score.precision is None:
            continue
        n_with_output += 1
        if args.fp is not None and score.precision < 1.0:
            got_total = sum(shingles(out.text).values())
            kept = [page.lines.index(p) if p in page.lines else -1 for p in out.paragraphs]
            first, last = min(kept, default=0), max(kept, default=0)
            for row, share, wrong in false_positives(page, out.paragraphs):
                where = "first" if row == first else "last" if row == last else "inside"
                line = page.lines[row] if row >= 0 else "?"
                fp_rows.append(
                    (page.page_id, page.site, row, where, share, wrong / got_total, line)
                )
    total = summarise(scores.values())
    print(f"held-out {args.folds}-fold by site, full clean_text, {total.pages} articles: "
          f"P {total.precision:.5f} R {total.recall:.5f} F1 {total.f1:.5f}")  # fmt: skip
    if args.save is not None:
        data = {k: [v.precision, v.recall] for k, v in scores.items()}
        args.save.write_text(json.dumps(data, indent=0, sort_keys=True), encoding="utf-8")
    if args.compare is not None:
        compare(json.loads(args.compare.read_text(encoding="utf-8")), scores, pages)
    if args.fp is not None:
        fp_rows.sort(key=lambda r: -r[5])
        with args.fp.open("w", encoding="utf-8") as fh:
            for pid, site, row, where, share, cost, line in fp_rows:
                points = 100 * cost / n_with_output
                text = line.replace("\t", " ")[:200]
                fh.write(f"{pid}\t{site}\t{row}\t{where}\t{share:.2f}\t{points:.4f}\t{text}\n")


def _f1(precision: float | None, recall: float) -> float:
    p = precision or 0.0
    return 2 * p * recall / (p + recall) if p + recall else 0.0


def compare(
    before: dict[str, list[float | None]], after: dict[str, PageScore], pages: list[t.Page]
) -> None:
    """Pages and sites whose F1 moved by more than `MOVE` since `before`."""
    site = {p.page_id: p.site for p in pages}
    better: dict[str, list[str]] = defaultdict(list)
    worse: dict[str, list[str]] = defaultdict(list)
    for pid, s in after.items():
        p0, r0 = before[pid]
        delta = _f1(s.precision, s.recall) - _f1(p0, float(r0 or 0.0))
        if delta > MOVE:
            better[site[pid]].append(f"{pid} {delta:+.3f}")
        elif delta < -MOVE:
            worse[site[pid]].append(f"{pid} {delta:+.3f}")
    print(f"better: {sum(map(len, better.values()))} pages on {len(better)} sites; "
          f"worse: {sum(map(len, worse.values()))} pages on {len(worse)} sites")  # fmt: skip
    for name, table in (("better", better), ("worse", worse)):
        for host, items in sorted(table.items()):
            print(f"  {name} {host}: {', '.join(items)}")


if __name__ == "__main__":
    main()
