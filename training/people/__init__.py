"""Building the person dataset offline, from openpeople images and a MediaPipe teacher.

These modules run in the teacher's own virtual environment (mediapipe pins protobuf<5, which
TensorFlow cannot live with), so they import numpy and OpenCV only — never TensorFlow.
"""
