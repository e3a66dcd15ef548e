"""Offline training, evaluation and ONNX export of Softfocus U-Nets (TensorFlow, tf2onnx)."""
