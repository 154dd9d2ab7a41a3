"""Models turn feature matrices into class probabilities.

``classical`` holds the scikit-learn-trained linear models; all of them predict through
:class:`sentiment.models.classical.LinearModel`, which needs only numpy. ``neural`` holds the PyTorch
models (``mlp``, ``lstm``), trained by :mod:`sentiment.models.trainer`.
"""
