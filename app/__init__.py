"""Softfocus desktop app.

The frame pipeline (``frame_source``, ``segmenter``, ``mask_refine``, ``blur``, ``compositor``,
``pipeline``, ``live``) is plain numpy/OpenCV/ONNX Runtime and never imports Qt, TensorFlow or
Keras; only ``softfocus.app.ui`` imports Qt.
"""

__version__ = "0.1.0"
