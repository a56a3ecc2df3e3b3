"""Reference model of regional drug delivery through the hepatic artery.

A teaching model, not a dosing tool. It combines two ideas from the sources:

* The regional (therapeutic) advantage of intra-arterial over intravenous
  infusion, in the form usually taught from Collins (1984):
  ``R = 1 + CL / (Q * (1 - E))``: it grows with total-body clearance ``CL`` and
  first-pass hepatic extraction ``E`` and falls with hepatic arterial flow ``Q``
  (Collins 1984; Ensminger and Gyves 1983).
* The liver's dual blood supply: tumour takes a share ``a_tumour`` of its
  inflow from the hepatic artery, normal liver a share ``a_normal``; the rest
  comes from the portal vein, which carries systemic (not infused) blood.

Every exposure is relative to an intravenous infusion of the same dose rate, at
steady state and with flow-weighted inflow concentrations. ``widgets/blood_supply.js``
computes the same quantities in the same order; a browser test compares them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    label: str
    extraction: float
    extraction_note: str
    illustrative: bool


# Only figures tagged V or S in the fact sheet are stated as facts; every other
# value is marked illustrative in the widget and the chapter.
SOURCES = {
    # Taylor 1978 (taylor1978) measured tumour flow falling to about 5% when the artery was
    # occluded; that is not a supply share, so the 0.90 default stays illustrative.
    "a_tumour": ("0.90", None, "illustrative", "illustrative default: most tumour blood is arterial"),
    "a_normal": ("0.20", "paulson2001", "S", "about 20% of normal liver inflow is arterial (other sources: 25%)"),
    "flow": ("300 mL/min", None, "illustrative", "illustrative default: the cited sources give no typical value"),
    "clearance": ("2,000 mL/min", None, "illustrative", "chosen to show the effect; not a measured clearance"),
}

PRESETS = {
    "floxuridine": Preset(
        label="Floxuridine (FUDR)",
        extraction=0.95,
        extraction_note="up to 95% extracted on first pass through the liver (Buisman 2019, S)",
        illustrative=False,
    ),
    "fluorouracil": Preset(
        label="Fluorouracil (5-FU)",
        extraction=0.50,
        extraction_note=(
            "illustrative value: the cited sources give no first-pass figure for 5-FU; "
            "5-FU is also cleared by the liver (Liang 2013, S)"
        ),
        illustrative=True,
    ),
}

DEFAULTS = {"a_tumour": 0.90, "a_normal": 0.20, "flow": 300.0, "clearance": 2000.0}

LIMITS = {
    "a_tumour": (0.0, 1.0),
    "a_normal": (0.0, 1.0),
    "flow": (50.0, 1500.0),  # mL/min
    "clearance": (100.0, 10000.0),  # mL/min
    "extraction": (0.0, 0.99),  # E = 1 would divide by zero
}


def check_inputs(**values: float) -> None:
    for name, value in values.items():
        low, high = LIMITS[name]
        if not (low <= value <= high):
            raise ValueError(f"{name} must be between {low} and {high}, got {value!r}")


def regional_exposure(a_tumour: float, a_normal: float, flow: float, clearance: float, extraction: float) -> dict:
    """Exposures during hepatic arterial infusion, relative to IV infusion (= 1).

    Returns ``advantage`` (Collins' R), ``systemic`` (1 - E), ``arterial``
    (hepatic arterial blood), ``tumour`` and ``normal`` (flow-weighted inflow to
    tumour and normal liver) and ``tumour_to_normal``.
    """
    check_inputs(a_tumour=a_tumour, a_normal=a_normal, flow=flow, clearance=clearance, extraction=extraction)
    systemic = 1 - extraction
    boost = clearance / flow  # infused drug added to arterial blood, per unit of IV level
    tumour = systemic + a_tumour * boost
    normal = systemic + a_normal * boost
    return {
        "advantage": 1 + clearance / (flow * systemic),
        "systemic": systemic,
        "arterial": systemic + boost,
        "tumour": tumour,
        "normal": normal,
        "tumour_to_normal": tumour / normal,
    }
