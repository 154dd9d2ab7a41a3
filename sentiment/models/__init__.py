"""Models turn feature matrices into class probabilities.

``classical`` holds the scikit-learn-trained linear models; all of them predict through
:class:`sentiment.models.linear.LinearScorer`, which needs only numpy.
"""
