"""The evidence explorer widget: every trial of book/data/trials.yaml, filterable, with a forest plot.

The filter and forest-plot functions here are the Python reference for ``widgets/evidence.js``;
the data and its checks live in ``widgets/trials.py``.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import traitlets

from .base import CourseWidget
from .sources import TAG_LEGEND, bibliography_href, source_labels
from .trials import MODALITY_LABELS, TRIAL_SETTINGS, TRIALS_YAML, cited_keys, load_trials, setting_key


def filter_trials(trials: list[dict], modalities: list[str], setting: str) -> list[str]:
    """Ids of the trials shown: modality among those ticked, setting equal to the choice ('all' = any)."""
    return [t["id"] for t in trials if t["modality"] in modalities and (setting == "all" or setting_key(t) == setting)]


def forest_rows(trials: list[dict]) -> list[dict]:
    """Every hazard ratio that has a verified confidence interval, in the order of the YAML."""
    rows = []
    for t in trials:
        for r in t["results"] or []:
            if r.get("hr") is not None and r.get("ci_low") is not None and r.get("ci_high") is not None:
                rows.append(
                    {
                        "trial": t["id"],
                        "name": t["name"],
                        "endpoint": r["endpoint"],
                        "hr": r["hr"],
                        "ci_low": r["ci_low"],
                        "ci_high": r["ci_high"],
                        "source": r["source"],
                        "citation": r.get("citation") or t["citation"],
                    }
                )
    return rows


def all_filter_combinations() -> list[tuple[list[str], str]]:
    """Every state of the controls: each subset of modalities times each setting choice."""
    subsets = [list(c) for k in range(len(MODALITY_LABELS) + 1) for c in itertools.combinations(MODALITY_LABELS, k)]
    return [(m, s) for m in subsets for s in ["all", *TRIAL_SETTINGS]]


class EvidenceExplorer(CourseWidget):
    """Every trial in trials.yaml, filterable by modality and setting, with a forest plot of verified HRs."""

    _front_end = "evidence"
    _repr_traits = ("modalities", "setting")

    modalities = traitlets.List(traitlets.Unicode(), default_value=list(MODALITY_LABELS)).tag(sync=True)
    setting = traitlets.Unicode("all").tag(sync=True)
    trials = traitlets.List().tag(sync=True)
    modality_labels = traitlets.Dict(MODALITY_LABELS).tag(sync=True)
    setting_labels = traitlets.Dict(TRIAL_SETTINGS).tag(sync=True)
    # Readable names for the citation keys in `trials`, and what the V/S tags mean.
    source_labels = traitlets.Dict().tag(sync=True)
    tag_legend = traitlets.Unicode(TAG_LEGEND).tag(sync=True)
    bibliography_url = traitlets.Unicode(bibliography_href("{key}")).tag(sync=True)

    def __init__(self, path: Path = TRIALS_YAML, **kwargs):
        trials = load_trials(path)
        super().__init__(trials=trials, source_labels=source_labels(cited_keys(trials)), **kwargs)

    @traitlets.validate("modalities")
    def _valid_modalities(self, proposal):
        unknown = [m for m in proposal["value"] if m not in MODALITY_LABELS]
        if unknown:
            raise traitlets.TraitError(f"unknown modalities {unknown}; known: {sorted(MODALITY_LABELS)}")
        return proposal["value"]

    @traitlets.validate("setting")
    def _valid_setting(self, proposal):
        if proposal["value"] != "all" and proposal["value"] not in TRIAL_SETTINGS:
            known = sorted(TRIAL_SETTINGS)
            raise traitlets.TraitError(f"setting must be 'all' or one of {known}, not {proposal['value']!r}")
        return proposal["value"]

    def shown(self) -> list[str]:
        return filter_trials(self.trials, self.modalities, self.setting)


def forest_axis(rows: list[dict]) -> dict:
    """Log axis limits (powers of 2 from 0.25 to 2, widened to fit) and its ticks."""
    lo, hi = 0.25, 2.0
    for r in rows:
        while r["ci_low"] < lo:
            lo /= 2
        while r["ci_high"] > hi:
            hi *= 2
    ticks, v = [], lo
    while v <= hi * 1.0001:
        ticks.append(float(f"{v:.6g}"))
        v *= 2
    return {"lo": lo, "hi": hi, "ticks": ticks}
