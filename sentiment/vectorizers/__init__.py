"""Vectorizers turn token lists (from :class:`sentiment.cleaning.Cleaner`) into feature matrices.

``count`` and ``tfidf`` give sparse n-gram matrices; ``word2vec`` gives dense document vectors.
"""
