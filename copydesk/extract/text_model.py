"""The shipped line classifier: a small neural network evaluated with plain numpy.

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

from copydesk.extract.text_features import FEATURE_NAMES
from copydesk.extract.text_select import Thresholds

Array = npt.NDArray[np.float32]
MODEL_FILE = "text_model.npz"


@dataclass(frozen=True, slots=True)
class LineModel:
    """Standardisation, dense layers (ReLU between them) and the selection cut-offs."""

    mean: Array
    scale: Array
    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    thresholds: Thresholds

    def predict(self, features: Array) -> Array:
        """Content probability of each row of `features`."""
        hidden = (features - self.mean) / self.scale
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            hidden = hidden @ w + b
            if i < last:
                np.maximum(hidden, 0.0, out=hidden)
        return (1.0 / (1.0 + np.exp(-np.clip(hidden[:, 0], -30.0, 30.0)))).astype(np.float32)


def load_model(data: dict[str, npt.NDArray[np.float32]]) -> LineModel:
    """Build a `LineModel` from the arrays saved by the training script."""
    names = tuple(str(n) for n in data["feature_names"])
    if names != FEATURE_NAMES:
        msg = "text model was trained on different features; rerun bench/train_text_model.py"
        raise ValueError(msg)
    layers = int(data["layers"])
    cut = data["thresholds"]
    return LineModel(
        mean=data["mean"].astype(np.float32),
        scale=data["scale"].astype(np.float32),
        weights=tuple(data[f"w{i}"].astype(np.float32) for i in range(layers)),
        biases=tuple(data[f"b{i}"].astype(np.float32) for i in range(layers)),
        thresholds=Thresholds(float(cut[0]), float(cut[1]), float(cut[2])),
    )


@cache
def shipped_model() -> LineModel:
    """The packaged model, read on first use (a lazy constant: the training script
    imports this package before the file exists, and the value never changes)."""
    with resources.files("copydesk.extract").joinpath(MODEL_FILE).open("rb") as fh:
        arrays = np.load(fh, allow_pickle=False)
        return load_model({key: arrays[key] for key in arrays.files})
