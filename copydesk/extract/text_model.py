"""The shipped line classifier: a linear model or small network, evaluated with numpy.

The weights (`text_model.npz`, built by `bench/train_text_model.py`) are read once
at import; inference is a standardisation, one or two matrix products and a
sigmoid, so scikit-learn is needed only to train.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from copydesk.extract.text_end import END_FEATURE_NAMES, EndModel
from copydesk.extract.text_features import FEATURE_NAMES
from copydesk.extract.text_select import Thresholds

Array = npt.NDArray[np.float32]
MODEL_FILE = "text_model.npz"


@dataclass(frozen=True, slots=True)
class LineModel:
    """Dense layers (ReLU between them; the first folds in the standardisation) and
    the selection cut-offs."""

    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    thresholds: Thresholds
    end: EndModel | None = None
    start: EndModel | None = None

    def predict(self, features: Array) -> Array:
        """Content probability of each row of `features`.

        The product is taken on a row-major copy: the feature matrix is built column by
        column (so column-major), and BLAS may sum in another order on that layout, which
        would move probabilities by an ulp and, at a threshold, a line's fate."""
        hidden = np.ascontiguousarray(features)
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            hidden = hidden @ w + b
            if i < last:
                np.maximum(hidden, 0.0, out=hidden)
        prob: Array = (1.0 / (1.0 + np.exp(-np.clip(hidden[:, 0], -30.0, 30.0)))).astype(np.float32)
        return prob


def load_model(data: dict[str, npt.NDArray[np.float32]]) -> LineModel:
    """Build a `LineModel` from the arrays saved by the training script."""
    names = tuple(str(n) for n in data["feature_names"])
    if names != FEATURE_NAMES:
        msg = "text model was trained on different features; rerun bench/train_text_model.py"
        raise ValueError(msg)
    layers = int(data["layers"])
    cut = data["thresholds"]
    mean, scale = data["mean"].astype(np.float64), data["scale"].astype(np.float64)
    weights = [data[f"w{i}"].astype(np.float64) for i in range(layers)]
    biases = [data[f"b{i}"].astype(np.float64) for i in range(layers)]
    # (x - mean) / scale @ w + b  ==  x @ (w / scale) + (b - (mean / scale) @ w)
    biases[0] = biases[0] - (mean / scale) @ weights[0]
    weights[0] = weights[0] / scale[:, None]
    return LineModel(
        weights=tuple(w.astype(np.float32) for w in weights),
        biases=tuple(b.astype(np.float32) for b in biases),
        thresholds=Thresholds(*(float(c) for c in cut)),
        end=load_end_model(data),
        start=load_end_model(data, "start"),
    )


def load_end_model(
    data: dict[str, npt.NDArray[np.float32]], prefix: str = "end"
) -> EndModel | None:
    """The end-of-article model saved beside the line model, if any (standardisation
    folded into the weights as for the line model); with `prefix="start"`, the
    start-of-article model, which reads the same block features backwards."""
    if f"{prefix}_w" not in data:
        return None
    names = tuple(str(n) for n in data["end_feature_names"])
    if names != END_FEATURE_NAMES:
        msg = "end model was trained on different features; rerun bench/train_text_model.py"
        raise ValueError(msg)
    mean = data[f"{prefix}_mean"].astype(np.float64)
    scale = data[f"{prefix}_scale"].astype(np.float64)
    w = data[f"{prefix}_w"].astype(np.float64)
    bias = float(data[f"{prefix}_b"]) - float((mean / scale) @ w)
    return EndModel((w / scale).astype(np.float32), bias, float(data[f"{prefix}_threshold"]))


@cache
def shipped_model() -> LineModel:
    """The packaged model, read on first use (a lazy constant: the training script
    imports this package before the file exists, and the value never changes)."""
    with resources.files("copydesk.extract").joinpath(MODEL_FILE).open("rb") as fh:
        arrays = np.load(fh, allow_pickle=False)
        return load_model({key: arrays[key] for key in arrays.files})
