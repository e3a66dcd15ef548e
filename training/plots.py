"""The report's figures: training curves (its Figure 3) and sample predictions (Figure 4)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import cv2
import matplotlib.pyplot as plt
import numpy as np


def plot_curves(history: dict[str, list[float]], path: Path) -> None:
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    for axis, key, title in ((axes[0], "loss", "Loss"), (axes[1], "accuracy", "Pixel accuracy")):
        epochs = range(1, len(history.get(key, [])) + 1)
        axis.plot(epochs, history.get(key, []), label="train")
        if f"val_{key}" in history:
            axis.plot(epochs, history[f"val_{key}"], label="validation")
        axis.set_title(title)
        axis.set_xlabel("epoch")
        axis.legend()
        axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def blurred_background(image: np.ndarray, alpha: np.ndarray, kernel: int = 21) -> np.ndarray:
    blurred = cv2.GaussianBlur(image, (kernel, kernel), 0)
    a = alpha[..., None]
    return image * a + blurred * (1 - a)


def plot_samples(images, true_alphas, predicted_alphas, path: Path) -> None:
    """Rows of: image, true mask, predicted mask, blurred-background result."""
    rows = len(images)
    figure, axes = plt.subplots(rows, 4, figsize=(12, 3 * rows), squeeze=False)
    titles = ("image", "true mask", "predicted mask", "blurred background")
    for row, (image, truth, prediction) in enumerate(zip(images, true_alphas, predicted_alphas)):
        panels = (image, truth, prediction, blurred_background(image, prediction))
        for column, panel in enumerate(panels):
            axis = axes[row][column]
            axis.imshow(
                np.clip(panel, 0, 1), cmap="gray" if panel.ndim == 2 else None, vmin=0, vmax=1
            )
            axis.set_axis_off()
            if row == 0:
                axis.set_title(titles[column])
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)
