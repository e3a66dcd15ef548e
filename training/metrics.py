"""Segmentation metrics on numpy arrays, so Keras and ONNX predictions are scored the same way."""

from __future__ import annotations

import itertools

import cv2
import numpy as np


def confusion_matrix(truth: np.ndarray, prediction: np.ndarray, num_classes: int) -> np.ndarray:
    index = truth.astype(np.int64).ravel() * num_classes + prediction.astype(np.int64).ravel()
    counts = np.bincount(index, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def scores_from_confusion(confusion: np.ndarray, class_names: list[str]) -> dict:
    """Pixel accuracy, per-class IoU and mean IoU (over classes that occur at all)."""
    total = confusion.sum()
    true_positive = np.diag(confusion).astype(np.float64)
    union = confusion.sum(0) + confusion.sum(1) - true_positive
    iou = {}
    for i, name in enumerate(class_names):
        if union[i] > 0:
            iou[name] = float(true_positive[i] / union[i])
    return {
        "pixel_accuracy": float(true_positive.sum() / total) if total else 0.0,
        "iou": iou,
        "mean_iou": float(np.mean(list(iou.values()))) if iou else 0.0,
    }


def binary_iou(truth: np.ndarray, prediction: np.ndarray) -> float:
    truth, prediction = truth.astype(bool), prediction.astype(bool)
    union = np.logical_or(truth, prediction).sum()
    if union == 0:
        return 1.0
    return float(np.logical_and(truth, prediction).sum() / union)


def _boundary(mask: np.ndarray) -> np.ndarray:
    mask = mask.astype(np.uint8)
    eroded = cv2.erode(mask, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_REPLICATE)
    return (mask - eroded).astype(bool)


def boundary_f_score(truth: np.ndarray, prediction: np.ndarray, tolerance_px: float) -> float:
    """F-score of boundary pixels matched within ``tolerance_px`` (Csurka et al. BF score)."""
    truth_edge, pred_edge = _boundary(truth), _boundary(prediction)
    if not truth_edge.any() and not pred_edge.any():
        return 1.0
    if not truth_edge.any() or not pred_edge.any():
        return 0.0
    distance_to_truth = cv2.distanceTransform((~truth_edge).astype(np.uint8), cv2.DIST_L2, 3)
    distance_to_pred = cv2.distanceTransform((~pred_edge).astype(np.uint8), cv2.DIST_L2, 3)
    precision = float((distance_to_truth[pred_edge] <= tolerance_px).mean())
    recall = float((distance_to_pred[truth_edge] <= tolerance_px).mean())
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def flicker(masks: list[np.ndarray]) -> float:
    """Mean absolute frame-to-frame change of a sequence of soft masks (0..1)."""
    if len(masks) < 2:
        return 0.0
    changes = [np.abs(b.astype(np.float32) - a).mean() for a, b in itertools.pairwise(masks)]
    return float(np.mean(changes))
