"""The dual blood supply widget: regional drug delivery through the hepatic artery."""

from __future__ import annotations

import traitlets

from .base import CourseWidget
from .blood_supply_model import DEFAULTS, LIMITS, PRESETS, SOURCES, regional_exposure
from .sources import TAG_LEGEND, source_labels


class BloodSupply(CourseWidget):
    """Sliders for arterial shares, flow, clearance and extraction; numbers and a chart."""

    _front_end = "blood_supply"
    _repr_traits = ("preset", "a_tumour", "a_normal", "flow", "clearance", "extraction")

    preset = traitlets.Unicode("floxuridine").tag(sync=True)
    a_tumour = traitlets.Float(DEFAULTS["a_tumour"]).tag(sync=True)
    a_normal = traitlets.Float(DEFAULTS["a_normal"]).tag(sync=True)
    flow = traitlets.Float(DEFAULTS["flow"]).tag(sync=True)
    clearance = traitlets.Float(DEFAULTS["clearance"]).tag(sync=True)
    extraction = traitlets.Float(PRESETS["floxuridine"].extraction).tag(sync=True)
    # Data for the front end: presets, limits and sources, written once in Python.
    presets = traitlets.Dict().tag(sync=True)
    limits = traitlets.Dict().tag(sync=True)
    sources = traitlets.Dict().tag(sync=True)
    # Readable names for the keys in `sources` (readers never see a key), and the V/S legend.
    source_labels = traitlets.Dict().tag(sync=True)
    tag_legend = traitlets.Unicode(TAG_LEGEND).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(
            presets={key: vars(p) for key, p in PRESETS.items()},
            limits={key: list(v) for key, v in LIMITS.items()},
            sources={key: list(v) for key, v in SOURCES.items()},
            source_labels=source_labels(key for _, key, _, _ in SOURCES.values() if key),
            **kwargs,
        )

    @traitlets.validate("preset")
    def _valid_preset(self, proposal):
        value = proposal["value"]
        if value != "custom" and value not in PRESETS:
            raise traitlets.TraitError(f"preset must be one of {sorted(PRESETS)} or 'custom', not {value!r}")
        return value

    @traitlets.validate("a_tumour", "a_normal", "flow", "clearance", "extraction")
    def _within_limits(self, proposal):
        return self.within_limits(LIMITS, proposal)

    @traitlets.observe("preset")
    def _apply_preset(self, change):
        if change["new"] in PRESETS:
            self.extraction = PRESETS[change["new"]].extraction

    def result(self) -> dict:
        """What the front end shows, computed by the Python reference."""
        return regional_exposure(self.a_tumour, self.a_normal, self.flow, self.clearance, self.extraction)
