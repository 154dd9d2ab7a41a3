"""Coarser label sets for fine emotions (GoEmotions' groupings, Demszky et al. 2020)."""

from __future__ import annotations

SENTIMENT = {
    "positive": ["admiration", "amusement", "approval", "caring", "desire", "excitement", "gratitude", "joy", "love",
                 "optimism", "pride", "relief"],
    "negative": ["anger", "annoyance", "disappointment", "disapproval", "disgust", "embarrassment", "fear", "grief",
                 "nervousness", "remorse", "sadness"],
    "ambiguous": ["confusion", "curiosity", "realization", "surprise"],
    "neutral": ["neutral"],
}

EKMAN = {
    "anger": ["anger", "annoyance", "disapproval"],
    "disgust": ["disgust"],
    "fear": ["fear", "nervousness"],
    "joy": ["joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism", "relief", "pride",
            "admiration", "desire", "caring"],
    "sadness": ["sadness", "disappointment", "embarrassment", "grief", "remorse"],
    "surprise": ["surprise", "realization", "confusion", "curiosity"],
    "neutral": ["neutral"],
}

GROUPINGS = {"sentiment": SENTIMENT, "ekman": EKMAN}


def group_of(grouping: dict[str, list[str]]) -> dict[str, str]:
    """Fine label -> group name.

    >>> group_of(EKMAN)["annoyance"]
    'anger'
    """
    return {fine: group for group, members in grouping.items() for fine in members}
