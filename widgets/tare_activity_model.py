"""Reference model of the body-surface-area (BSA) method for resin microspheres.

A TEACHING TOOL, NOT FOR CLINICAL USE. It follows the steps that the sources
describe, so a learner can see how each input moves the result:

1. BSA by the Du Bois formula (a standard anthropometric formula, chosen here
   because it is the most widely taught): ``0.007184 x W^0.425 x H^0.725``
   (W in kg, H in cm, BSA in m^2).
2. Tumour involvement: ``Vt / (Vt + Vn)``.
3. BSA-method activity (GBq) = ``(BSA - 0.2) + Vt / (Vt + Vn)`` [vanroekel2020, S].
4. Lung-shunt reduction: lung shunt fraction (LSF) above 10% -> 20% less, above
   15% -> 40% less, above 20% -> do not treat [vanroekel2020, S].
5. Lung dose by the rule of thumb of about 50 Gy per GBq/kg of tissue [sirtex, S]:
   ``50 x A x LSF / m_lung`` with an ASSUMED lung mass of 1 kg (illustrative).
6. Flags: above 30 Gy per treatment or 50 Gy cumulative [vanroekel2020, S].

``widgets/tare_activity.js`` computes the same quantities in the same order;
a browser test compares them on a grid.
"""

from __future__ import annotations

import math

# Du Bois and Du Bois (1916) coefficients; height in cm, weight in kg, BSA in m^2.
DUBOIS = (0.007184, 0.425, 0.725)
BSA_OFFSET_GBQ = 0.2  # the "- 0.2" of the BSA formula [vanroekel2020, S]
GY_PER_GBQ_PER_KG = 50.0  # rule of thumb [sirtex, S]
LUNG_MASS_KG = 1.0  # assumed, illustrative: no source value is used
LUNG_LIMIT_SINGLE_GY = 30.0  # per treatment [vanroekel2020, S]
LUNG_LIMIT_CUMULATIVE_GY = 50.0  # cumulative [vanroekel2020, S]

# (LSF above this %, reduction of activity); checked from the top down.
LSF_STEPS = ((20.0, 1.0), (15.0, 0.4), (10.0, 0.2))

DEFAULTS = {
    "height": 170.0,
    "weight": 70.0,
    "tumour_volume": 200.0,
    "liver_volume": 1500.0,
    "lsf": 8.0,
    "prior_lung_dose": 0.0,
}

# Illustrative starting points for the reader (invented, not patients), one per teaching point.
EXAMPLES = {
    "typical": ("Low lung shunt (8%)", DEFAULTS),
    "shunt16": ("Lung shunt 16%: activity cut by 40%", {**DEFAULTS, "lsf": 16.0}),
    "shunt22": ("Lung shunt 22%: not treated", {**DEFAULTS, "lsf": 22.0}),
    "retreat": ("Earlier lung dose of 45 Gy, shunt 12%", {**DEFAULTS, "lsf": 12.0, "prior_lung_dose": 45.0}),
    "large": ("Large tumour burden (1,500 of 3,000 mL)", {**DEFAULTS, "tumour_volume": 1500.0, "liver_volume": 1500.0}),
}

# Input ranges accepted by the widget (wide enough for adults; not clinical limits).
LIMITS = {
    "height": (100.0, 230.0),  # cm
    "weight": (30.0, 250.0),  # kg
    "tumour_volume": (0.0, 5000.0),  # mL
    "liver_volume": (100.0, 5000.0),  # mL, normal (non-tumorous) liver
    "lsf": (0.0, 60.0),  # %
    "prior_lung_dose": (0.0, 100.0),  # Gy
}

SOURCES = {
    "bsa_formula": ("Du Bois formula for body surface area", None, "standard"),
    "activity_formula": ("Activity = (BSA − 0.2) + tumour fraction", "vanroekel2020", "S"),
    "lsf_reductions": ("LSF >10%: −20%; >15%: −40%; >20%: do not treat", "vanroekel2020", "S"),
    "gy_per_gbq_kg": ("about 50 Gy per GBq/kg of tissue", "sirtex", "S"),
    "lung_limits": ("lung dose at most 30 Gy per treatment and 50 Gy cumulative", "vanroekel2020", "S"),
    "lung_mass": ("lung mass of 1 kg", None, "illustrative"),
}


def check_inputs(**values: float) -> None:
    for name, value in values.items():
        low, high = LIMITS[name]
        if not isinstance(value, (int, float)) or math.isnan(value) or not low <= value <= high:
            raise ValueError(f"{name} must be between {low} and {high}, got {value!r}")


def bsa_dubois(height: float, weight: float) -> float:
    a, wexp, hexp = DUBOIS
    return a * weight**wexp * height**hexp


def lsf_reduction(lsf: float) -> float:
    """Fraction by which the activity is cut for a lung shunt fraction in %; 1.0 = do not treat."""
    for above, cut in LSF_STEPS:
        if lsf > above:
            return cut
    return 0.0


def bsa_activity(
    height: float, weight: float, tumour_volume: float, liver_volume: float, lsf: float, prior_lung_dose: float = 0.0
) -> dict:
    """Every step of the illustrative calculation; see the module docstring."""
    check_inputs(
        height=height,
        weight=weight,
        tumour_volume=tumour_volume,
        liver_volume=liver_volume,
        lsf=lsf,
        prior_lung_dose=prior_lung_dose,
    )
    bsa = bsa_dubois(height, weight)
    tumour_fraction = tumour_volume / (tumour_volume + liver_volume)
    base = (bsa - BSA_OFFSET_GBQ) + tumour_fraction
    cut = lsf_reduction(lsf)
    treat = cut < 1.0
    activity = base * (1 - cut) if treat else 0.0
    # No treatment means no lung dose from this session: report None, not 0.
    lung_dose = GY_PER_GBQ_PER_KG * activity * (lsf / 100) / LUNG_MASS_KG if treat else None
    cumulative = prior_lung_dose + lung_dose if lung_dose is not None else None
    return {
        "bsa": bsa,
        "tumour_fraction": tumour_fraction,
        "base_activity": base,
        "reduction": cut,
        "treat": treat,
        "activity": activity,
        "lung_dose": lung_dose,
        "cumulative_lung_dose": cumulative,
        "over_single_limit": lung_dose is not None and lung_dose > LUNG_LIMIT_SINGLE_GY,
        "over_cumulative_limit": cumulative is not None and cumulative > LUNG_LIMIT_CUMULATIVE_GY,
    }
