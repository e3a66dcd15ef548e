"""Softfocus models: the TF-free model contract plus the Keras U-Net builder.

Importing this package never imports TensorFlow; ``softfocus.model.unet`` does, and only the
training package imports it.
"""
