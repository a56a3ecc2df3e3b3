"""The TARE activity widget: an illustrative BSA-method calculator for resin microspheres."""

from __future__ import annotations

import traitlets

from .base import CourseWidget
from .sources import source_labels
from .tare_activity_model import (
    BSA_OFFSET_GBQ,
    DEFAULTS,
    DUBOIS,
    EXAMPLES,
    GY_PER_GBQ_PER_KG,
    LIMITS,
    LSF_STEPS,
    LUNG_LIMIT_CUMULATIVE_GY,
    LUNG_LIMIT_SINGLE_GY,
    LUNG_MASS_KG,
    SOURCES,
    bsa_activity,
)

# Sources the front end names outside SOURCES (its note on lung shunt measured on MAA imaging).
NOTE_SOURCES = ("vanroekel2020", "pmc9793490")

# Everything the JavaScript needs to compute, written once here.
CONSTANTS = {
    "dubois": list(DUBOIS),
    "bsa_offset": BSA_OFFSET_GBQ,
    "gy_per_gbq_kg": GY_PER_GBQ_PER_KG,
    "lung_mass": LUNG_MASS_KG,
    "lsf_steps": [list(step) for step in LSF_STEPS],
    "single_limit": LUNG_LIMIT_SINGLE_GY,
    "cumulative_limit": LUNG_LIMIT_CUMULATIVE_GY,
}


class TareActivity(CourseWidget):
    """Number inputs for height, weight, volumes and lung shunt; each step of the calculation shown."""

    _front_end = "tare_activity"
    _repr_traits = ("height", "weight", "tumour_volume", "liver_volume", "lsf", "prior_lung_dose")

    height = traitlets.Float(DEFAULTS["height"]).tag(sync=True)
    weight = traitlets.Float(DEFAULTS["weight"]).tag(sync=True)
    tumour_volume = traitlets.Float(DEFAULTS["tumour_volume"]).tag(sync=True)
    liver_volume = traitlets.Float(DEFAULTS["liver_volume"]).tag(sync=True)
    lsf = traitlets.Float(DEFAULTS["lsf"]).tag(sync=True)
    prior_lung_dose = traitlets.Float(DEFAULTS["prior_lung_dose"]).tag(sync=True)
    constants = traitlets.Dict().tag(sync=True)
    limits = traitlets.Dict().tag(sync=True)
    sources = traitlets.Dict().tag(sync=True)
    examples = traitlets.List().tag(sync=True)
    source_labels = traitlets.Dict().tag(sync=True)  # readable names: readers never see a key

    def __init__(self, **kwargs):
        super().__init__(
            constants=CONSTANTS,
            examples=[{"id": k, "label": label, "values": values} for k, (label, values) in EXAMPLES.items()],
            limits={k: list(v) for k, v in LIMITS.items()},
            sources={k: list(v) for k, v in SOURCES.items()},
            source_labels=source_labels([*NOTE_SOURCES, *(key for _, key, _ in SOURCES.values() if key)]),
            **kwargs,
        )

    @traitlets.validate(*LIMITS)
    def _within_limits(self, proposal):
        return self.within_limits(LIMITS, proposal)

    def result(self) -> dict:
        """What the front end shows, computed by the Python reference."""
        return bsa_activity(
            self.height, self.weight, self.tumour_volume, self.liver_volume, self.lsf, self.prior_lung_dose
        )
