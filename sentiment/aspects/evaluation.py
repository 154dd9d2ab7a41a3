"""Scores of aspect predictions against gold sentences.

* extraction: precision / recall / F1 of predicted spans, exact ``(from, to)`` match, against every gold term,
  those of dropped conflict aspects (``conflict_terms``) too, as SemEval-2014 scored term extraction: a term is
  one whatever the opinion on it, so the scores do not depend on ``keep_conflict``;
* polarity on the gold aspects: accuracy and macro-F1 over negative / neutral / positive (those present in
  the gold or predicted polarities, as the general report averages; ``polarity_macro_f1_labels`` names
  them, where the general report's ``macro_f1_labels`` counts them), and the
  accuracy on the aspects of *mixed* sentences (gold aspects of more than one polarity), where reading
  the sentence as a whole cannot be right;
* end to end: F1 of predicted ``(from, to, polarity)`` triples (a conflict aspect, dropped or kept with
  ``keep_conflict``, counts neither way: no model gives that polarity, so its triple could never be right);
* categories (when the gold sentences have them and the model predicts them): micro-F1 of the
  sentence's category set, and the accuracy of the polarity toward each gold category; when only some
  sentences have categories (restaurants pooled with laptops), the share of the others that are
  given a category anyway (``category_false_alarm_rate``).
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError
from ..evaluation import in_batches, macro_over
from .data import POLARITIES, aspects_in_markup


def prf(tp: int, n_predicted: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_predicted if n_predicted else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def polarity_scores(truth: list[str], predicted: list[str]) -> dict:
    if not truth:
        return {"polarity_accuracy": None, "polarity_macro_f1": None, "polarity_macro_f1_labels": [],
                "polarity_per_class_f1": dict.fromkeys(POLARITIES),  # the same keys, without F1s
                "labels": list(POLARITIES), "confusion_matrix": [[0] * len(POLARITIES) for _ in POLARITIES]}
    t, p = np.asarray(truth), np.asarray(predicted)
    present = [label for label in POLARITIES if np.any(t == label) or np.any(p == label)]
    per_class = {}  # a class that neither gold nor predictions hold has no F1 (None)
    for label in POLARITIES:
        tp = int(np.sum((t == label) & (p == label)))
        per_class[label] = prf(tp, int(np.sum(p == label)), int(np.sum(t == label)))[2] if label in present else None
    return {"polarity_accuracy": float(np.mean(t == p)),
            "polarity_macro_f1": float(np.mean([per_class[c] for c in present])) if present else 0.0,
            "polarity_macro_f1_labels": present,
            "polarity_per_class_f1": per_class,
            "labels": list(POLARITIES),  # the polarity confusion matrix, for plot_confusion_matrix
            "confusion_matrix": [[int(np.sum((t == a) & (p == b))) for b in POLARITIES] for a in POLARITIES]}


def score_aspects(gold: list[dict], extracted: list[list[dict]], polarity_on_gold: list[list[str]]) -> dict:
    """``extracted``: per sentence the predicted aspects (with polarity); ``polarity_on_gold``: per sentence
    the predicted polarity of each gold aspect, in order."""
    tp_span = tp_full = n_pred = n_gold = n_pred_full = n_gold_full = 0
    truth, predicted, mixed = [], [], []
    for sentence, found, on_gold in zip(gold, extracted, polarity_on_gold):
        gold_aspects = sentence["aspects"]
        conflict_spans = {(t["from"], t["to"]) for t in sentence.get("conflict_terms", ())}
        gold_spans = {(a["from"], a["to"]) for a in gold_aspects} | conflict_spans  # every term, as SemEval
        conflict_spans |= {(a["from"], a["to"]) for a in gold_aspects  # kept ones (keep_conflict) too
                           if a["polarity"] is not None and a["polarity"] not in POLARITIES}
        gold_full = {(a["from"], a["to"], a["polarity"]) for a in gold_aspects if a["polarity"] in POLARITIES}
        pred_spans = {(a["from"], a["to"]) for a in found}
        pred_full = {(a["from"], a["to"], a["polarity"]) for a in found if (a["from"], a["to"]) not in conflict_spans}
        n_pred += len(pred_spans)
        n_gold += len(gold_spans)
        tp_span += len(pred_spans & gold_spans)
        n_pred_full += len(pred_full)
        n_gold_full += len(gold_full)
        tp_full += len(pred_full & gold_full)
        several = len({a["polarity"] for a in gold_aspects if a["polarity"] in POLARITIES}) > 1
        scored = set()  # a gold aspect listed twice counts once, as in the span scores above
        for a, label in zip(gold_aspects, on_gold):
            if a["polarity"] in POLARITIES and (a["from"], a["to"]) not in scored:
                scored.add((a["from"], a["to"]))
                truth.append(a["polarity"])
                predicted.append(label)
                if several:
                    mixed.append(a["polarity"] == label)
    p, r, f = prf(tp_span, n_pred, n_gold)
    # gold terms without polarities (as in files for term extraction alone) have no end-to-end score
    unpolarised = sum(a["polarity"] is None for s in gold for a in s["aspects"])
    ep, er, ef = (None, None, None) if unpolarised else prf(tp_full, n_pred_full, n_gold_full)
    if not n_gold:  # data with categories alone: no recall or F1; a term found there is wrong (precision 0)
        p = 0.0 if n_pred else None
        r = f = None
    if not n_gold_full and not unpolarised:  # the same, and gold terms of conflict aspects alone
        ep, er, ef = 0.0 if n_pred_full else None, None, None
    report = {"task": "aspect", "multi_label": False, "n": len(gold), "n_aspects": n_gold, "n_predicted": n_pred,
              "extraction_precision": p, "extraction_recall": r, "extraction_f1": f,
              "end_to_end_precision": ep, "end_to_end_recall": er, "end_to_end_f1": ef,
              "n_polarity": len(truth), "n_without_polarity": unpolarised,
              "n_in_markup": len(aspects_in_markup(gold)),  # gold terms no model can find (web addresses, tags)
              "mixed_polarity_accuracy": float(np.mean(mixed)) if mixed else None, "n_mixed": len(mixed)}
    report.update(polarity_scores(truth, predicted))
    return report


def score_categories(gold: list[dict], predicted: list[list[dict]], polarity_on_gold: list[list[str]]) -> dict:
    """Category detection P/R/F1 (the sentence's set of categories) and the polarity accuracy toward
    each gold category; ``polarity_on_gold``: per sentence the predicted polarity of each gold category."""
    tp = n_pred = n_gold = 0
    truth, guessed = [], []
    for sentence, found, on_gold in zip(gold, predicted, polarity_on_gold):
        wanted = {c["category"] for c in sentence["categories"]}
        got = {c["category"] for c in found}
        tp, n_pred, n_gold = tp + len(wanted & got), n_pred + len(got), n_gold + len(wanted)
        for c, label in zip(sentence["categories"], on_gold):
            if c["polarity"] in POLARITIES:
                truth.append(c["polarity"])
                guessed.append(label)
    p, r, f = prf(tp, n_pred, n_gold)
    scores = polarity_scores(truth, guessed)
    return {"category_precision": p, "category_recall": r, "category_f1": f, "n_categories": n_gold,
            "category_polarity_accuracy": scores["polarity_accuracy"],
            "category_polarity_macro_f1": scores["polarity_macro_f1"]}


def evaluate_pipeline(pipeline, sentences, *, progress: bool = False) -> dict:
    """Extraction, polarity-on-gold and end-to-end scores of a fitted :class:`AspectPipeline` on ``sentences``
    (sentence dicts, or a SemEval XML / JSONL file, read as the pipeline was trained: conflict aspects dropped
    unless it keeps them), each aspect read within its sentence, as ``predict`` reads it; and the category
    scores when the sentences have categories and the pipeline predicts them (else, where they have some,
    ``n_categories_unscored``: the sentences with categories). ``progress`` shows a progress bar per step."""
    from .data import as_sentences

    if not hasattr(pipeline, "predict_aspects"):
        raise ConfigError(f"this scores an aspect model (an AspectPipeline), not a {type(pipeline).__name__}; score "
                          "a model that gives each text a label with sentiment.evaluation.evaluate(model, texts, labels)")
    sentences = as_sentences(sentences, vars(pipeline).get("_fitted_params", pipeline.params)["keep_conflict"])  # as trained
    model = getattr(pipeline, "categories_", None)
    check_scorable(sentences, categories=model is not None)
    if model is not None:  # before the slow part
        check_known_categories(sentences, model.categories_)
    texts = [s["text"] for s in sentences]
    extracted = in_batches(pipeline.predict_aspects, texts, progress=progress, desc="finding aspects") if texts else []
    items = [(s["text"], a["from"], a["to"]) for s in sentences for a in s["aspects"]]
    probs = in_batches(pipeline.polarity_proba, items, progress=progress, desc="polarity of the gold aspects",
                       unit="aspect")
    report = score_aspects(sentences, extracted, _per_sentence(probs, [len(s["aspects"]) for s in sentences]))
    with_categories = [s for s in sentences if s.get("categories")]
    if model is not None and with_categories:
        texts = [s["text"] for s in with_categories]
        pairs = [(s["text"], c["category"]) for s in with_categories for c in s["categories"]]
        probs = model.polarity_proba([t for t, _ in pairs], [c for _, c in pairs])
        on_gold = _per_sentence(probs, [len(s["categories"]) for s in with_categories])
        report.update(score_categories(with_categories, model.predict(texts), on_gold))
        without = [s["text"] for s in sentences if not s.get("categories") and s["text"].strip()]
        if without:  # data that label categories in some sentences only (e.g. restaurants + laptops)
            report["category_false_alarm_rate"] = float(np.mean([bool(found) for found in model.predict(without)]))
            report["n_without_categories"] = len(without)
    elif with_categories:  # the gold has categories, and the model learnt none to score
        report["n_categories_unscored"] = len(with_categories)
    return report


def _per_sentence(probs: np.ndarray, sizes: list[int]) -> list[list[str]]:
    """The most probable polarity of each row, cut into one list per sentence (``sizes`` rows each)."""
    labels = [POLARITIES[i] for i in probs.argmax(axis=1)]
    ends = np.cumsum(sizes)
    return [labels[end - size:end] for size, end in zip(sizes, ends)]


def _over(labels) -> str:
    """The macro-F1's note when some polarities are absent from both the gold and the predictions."""
    return macro_over(len(labels) if labels else None, len(POLARITIES), "polarity", "polarities",
                      which=f" that occur in the gold or the predictions: {', '.join(labels or ())}")


def format_aspect_report(report: dict) -> str:
    """A plain-text report of :func:`score_aspects`' figures, with the polarity confusion matrix."""
    def figure(value) -> str:
        return "n/a" if value is None else f"{value:.4f}"

    lines = [f"sentences           {report['n']}   gold aspects {report['n_aspects']}   predicted {report['n_predicted']}",
             f"extraction          P {figure(report['extraction_precision'])}  R {figure(report['extraction_recall'])}  "
             f"F1 {figure(report['extraction_f1'])}",
             f"polarity (gold)     accuracy {figure(report['polarity_accuracy'])}  "
             f"macro-F1 {figure(report['polarity_macro_f1'])}" + _over(report.get("polarity_macro_f1_labels")),
             f"mixed sentences     accuracy {figure(report.get('mixed_polarity_accuracy'))}  "
             f"({report.get('n_mixed', 0)} aspects in sentences of several polarities)",
             f"end to end          F1 {figure(report['end_to_end_f1'])}"]
    if "category_f1" in report:
        lines.append(f"categories          P {figure(report['category_precision'])}  "
                     f"R {figure(report['category_recall'])}  F1 {figure(report['category_f1'])}")
        lines.append(f"category polarity   accuracy {figure(report['category_polarity_accuracy'])}  "
                     f"macro-F1 {figure(report['category_polarity_macro_f1'])}")
    if "category_false_alarm_rate" in report:
        lines.append(f"category false alarms {figure(report['category_false_alarm_rate'])} of the "
                     f"{report['n_without_categories']} sentences without categories")
    if not report["n_polarity"]:  # a matrix of noughts says nothing
        return "\n".join(lines)
    width = max(len(n) for n in report["labels"])
    lines += ["", "polarity on gold aspects (rows: true, columns: predicted)",
              " " * width + "".join(f"{n:>{width + 2}}" for n in report["labels"])]
    for name, row in zip(report["labels"], report["confusion_matrix"]):
        lines.append(f"{name:<{width}}" + "".join(f"{v:>{width + 2}}" for v in row))
    return "\n".join(lines)


def category_names(sentences: list[dict]) -> set[str]:
    """The categories that ``sentences`` name (none for sentences without the ``categories`` key)."""
    return {c["category"] for s in sentences for c in s.get("categories") or ()}


def check_known_categories(sentences: list[dict], known, what: str = "the data") -> None:
    """A DataError when ``sentences`` (``what``, in the message) name a category outside ``known`` (the model's
    or the training data's): a misspelt one, or another scheme's, would be scored as a category the model
    never finds, and its polarity read by a model of no such category."""
    unknown = sorted(category_names(sentences) - set(known))
    if unknown:
        shown = ", ".join(map(repr, unknown[:4])) + (f" and {len(unknown) - 4} more" if len(unknown) > 4 else "")
        raise DataError(f"{what} name categories the model does not know ({shown}; it knows "
                        f"{', '.join(sorted(known))}); correct their names, or leave the categories out of the data")


def check_scorable(sentences: list[dict], what: str = "the data", *, categories: bool = True,
                   advice: str = "give sentences labelled with their aspects") -> None:
    """A DataError unless some of ``sentences`` (``what``, in the message) have gold aspect terms, or with
    ``categories`` (the model predicts categories) categories, to score a model against; ``advice`` ends the
    message where the data hold neither."""
    if any(s["aspects"] or s.get("conflict_terms") for s in sentences) or (
            categories and any(s.get("categories") for s in sentences)):
        return
    if any(s.get("categories") for s in sentences):
        raise DataError(f"{what} label categories alone, and this model learnt none; score it on sentences labelled "
                        "with their aspect terms, or train a model with categories on data that have them")
    raise DataError(f"{what} hold no gold aspect terms (nor categories) to score the model against; {advice}")
