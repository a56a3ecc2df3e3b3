"""Which regional therapies the sources support for a described patient.

recommend(case) reads the decision vocabulary (vocab.SETTINGS, DISEASES, GOALS,
CONTRAINDICATIONS) and returns, for each of haip, tace and tare:
  {"stance": "option" | "caution" | "not-supported" | "contraindicated",
   "because": [registry record ids], "explanation": str}

  option           the review (or a consensus statement consistent with it) supports offering or
                   discussing the modality in this situation;
  not-supported    the sources do not support it here (including where the review is silent), or
                   the patient's stated values rule it out;
  caution          the sources name a risk for a listed factor, disagree, or say nothing about
                   it (silence is not evidence of safety): the MDT must weigh it. Never a key.
  contraindicated  a listed patient factor rules it out. This takes precedence over everything.

Vocabulary meanings: adjuvant = after complete resection of liver metastases; after-progression
= after progression on systemic chemotherapy; liver-dominant = at least 80% of the tumour burden
in the liver (the DEBIRI recommendations' definition) with limited disease elsewhere;
extrahepatic = substantial disease outside the liver;
hyperbilirubinemia = total bilirubin at or above 1.5 mg/dL (the HAIP selection threshold).

The rules are two ordered tables below; each names the registry records it rests on, and a test
checks those ids exist. The first matching SETTING_RULES entry decides a modality.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from quizzes import vocab


class DecisionInputError(ValueError):
    """Unknown field or value in a case description."""


@dataclass(frozen=True)
class ContraRule:
    modality: str
    factor: str
    because: tuple[str, ...]
    explanation: str
    stance: str = "contraindicated"  # or "caution": a named risk the MDT must weigh


@dataclass(frozen=True)
class Rule:
    modalities: tuple[str, ...]
    stance: str
    because: tuple[str, ...]
    explanation: str
    setting: frozenset = frozenset(vocab.SETTINGS)
    disease: frozenset = frozenset(vocab.DISEASES)
    goal: frozenset = frozenset(vocab.GOALS)

    def matches(self, case: dict) -> bool:
        return case["setting"] in self.setting and case["disease"] in self.disease and case["goal"] in self.goal


def _set(*values) -> frozenset:
    return frozenset(values)


ALL = vocab.MODALITIES
RESPONSE_GOALS = _set("regional-control", "conversion")
OUTCOME_GOALS = _set("survival", "quality-of-life")

# A factor either rules a modality out (contraindicated) or calls for the MDT to weigh a named
# risk (caution). Both keep the modality from ever being a quiz key.
CONTRA_RULES: tuple[ContraRule, ...] = (
    ContraRule(
        "haip",
        "portal-vein-thrombosis",
        ("dev-haip-selection-portal",),
        "Portal vein thrombosis excludes pump chemotherapy: the manufacturer's selection "
        "criteria exclude it. (The course's reasoning: without portal inflow the normal liver "
        "depends on the hepatic artery that the pump would perfuse.)",
    ),
    ContraRule(
        "haip",
        "unfit-for-laparotomy",
        ("dev-haip-selection-fitness",),
        "Placing the pump is an abdominal operation under general anaesthesia; the "
        "selection criteria require fitness for it (ECOG 0-1).",
    ),
    ContraRule(
        "haip",
        "hyperbilirubinemia",
        ("dev-haip-selection-bilirubin",),
        "Pump selection criteria require total bilirubin below 1.5 mg/dL.",
    ),
    ContraRule(
        "tare",
        "hyperbilirubinemia",
        ("dev-tare-glass-label", "dev-tare-reild-risk"),
        "Caution: a raised baseline bilirubin is a risk factor for radioembolization-"
        "induced liver disease, and the glass-microsphere label lists severe liver "
        "dysfunction as a contraindication. The course's sources set no bilirubin cut-off "
        "for TARE (1.5 mg/dL is the pump's criterion), so the cause and the liver's "
        "reserve need specialist review before TARE is discussed.",
        stance="caution",
    ),
    ContraRule(
        "tare",
        "portal-vein-thrombosis",
        ("dev-tare-resin-label", "dev-tare-glass-label"),
        "Caution: the US resin-microsphere labelling lists portal vein thrombosis as a "
        "contraindication, while the glass-microsphere label (written for liver cancer) "
        "excludes only some forms of it; the labels differ, so the MDT must weigh it with "
        "the device in mind.",
        stance="caution",
    ),
    ContraRule(
        "tare",
        "lung-shunt-over-20pct",
        ("dev-tare-lsf-resin",),
        "With resin microspheres the dosing rules say not to treat when the lung shunt "
        "fraction exceeds 20%. (Glass-microsphere labelling sets a lung-dose limit "
        "instead; the tool follows the resin rule.)",
    ),
    ContraRule(
        "tace",
        "unfit-for-laparotomy",
        ("tech-debiri-liver-dominant",),
        "Caution: chemoembolization needs no operation, but whatever makes the patient unfit "
        "for one (performance status, heart, lung or liver function) still has to be checked "
        "against the limits of a catheter procedure. The course's sources set no fitness "
        "limit for DEBIRI and leave eligibility to the multidisciplinary team, which must weigh it.",
        stance="caution",
    ),
    ContraRule(
        "tare",
        "unfit-for-laparotomy",
        ("dev-tare-glass-label",),
        "Caution: radioembolization needs no operation, but whatever makes the patient unfit "
        "for one (performance status, heart, lung or liver function) must be checked against "
        "the device's own limits. The glass-microsphere label (written for liver cancer) "
        "excludes patients whose other illnesses or poor general health make them poor "
        "candidates, with ECOG performance status above 2 as its example, and patients with "
        "pulmonary insufficiency; it sets no cardiac threshold, so the MDT must weigh heart disease.",
        stance="caution",
    ),
    ContraRule(
        "tace",
        "liver-involvement-over-60pct",
        ("tech-debiri-involvement",),
        "DEBIRI technical recommendations limit treatment to livers with no more than 60% parenchymal involvement.",
    ),
    ContraRule(
        "tare",
        "liver-involvement-over-60pct",
        ("tech-tare-involvement",),
        "The DEBIRI technical recommendations consider patients for radioembolization, as for "
        "DEBIRI, only when no more than 60% of the liver is involved. The glass-microsphere "
        "label's exclusion above 70% (written for liver cancer) does not make 60 to 70% acceptable.",
    ),
)

# Factors that concern one modality's procedure and not another's: the lung shunt limit doses
# radioembolization only. (Unfitness for an operation is not listed here: the catheter
# therapies need no operation, but the reason for the unfitness may bear on them, so it is a
# caution above.)
NOT_APPLICABLE = {
    # The lung shunt fraction is measured to dose radioembolization (radiation to the lungs).
    ("haip", "lung-shunt-over-20pct"): "The lung shunt fraction is a radioembolization dosing "
    "measure; it does not bear on pump chemotherapy.",
    ("tace", "lung-shunt-over-20pct"): "The lung shunt fraction is a radioembolization dosing "
    "measure; it does not bear on chemoembolization with irinotecan beads.",
}

SETTING_RULES: tuple[Rule, ...] = (
    # Values first: the review puts the patient's values and philosophy of care above all.
    Rule(
        ALL,
        "not-supported",
        ("rev-values-preferences",),
        "The patient wants to avoid procedures; the review holds that the best approach is the "
        "one that fits the patient's values and preferences, so no regional therapy is "
        "supported now.",
        goal=_set("avoid-procedures"),
    ),
    # Substantial extrahepatic disease.
    Rule(
        ("haip",),
        "not-supported",
        ("cons-haip-no-extrahepatic",),
        "The Canadian consensus does not recommend HAIP with extrahepatic disease outside a clinical trial.",
        disease=_set("extrahepatic"),
    ),
    Rule(
        ("tace",),
        "not-supported",
        ("tech-debiri-liver-dominant", "rev-after-progression-options"),
        "DEBIRI is for liver-only or liver-dominant disease, and the review names regional "
        "options only for liver-limited or liver-predominant CRLM.",
        disease=_set("extrahepatic"),
    ),
    Rule(
        ("tare",),
        "not-supported",
        ("rev-after-progression-options",),
        "The review names regional options only for liver-limited or liver-predominant CRLM; "
        "with substantial extrahepatic disease it does not support TARE.",
        disease=_set("extrahepatic"),
    ),
    # Adjuvant: after complete resection of liver metastases.
    Rule(
        ("haip",),
        "not-supported",
        ("cons-haip-no-extrahepatic", "rev-haip-adjuvant"),
        "The adjuvant evidence concerns patients whose disease was completely removed; with "
        "disease left outside the liver this is not the adjuvant setting, and the Canadian "
        "consensus does not recommend HAIP with extrahepatic disease outside a trial.",
        setting=_set("adjuvant"),
        disease=_set("liver-dominant"),
    ),
    Rule(
        ("haip",),
        "option",
        ("rev-haip-adjuvant", "cons-haip-adjuvant-option"),
        "After resection the review reports a potential (not proven) survival benefit from "
        "adjuvant HAIP, and the Canadian consensus lists it as an option; worth discussing at "
        "an experienced centre.",
        setting=_set("adjuvant"),
        goal=_set("survival", "regional-control"),
    ),
    Rule(
        ("haip",),
        "not-supported",
        ("rev-haip-adjuvant",),
        "The adjuvant evidence concerns survival after resection; it does not address this "
        "goal (after complete resection there is nothing left to convert, and no quality-of-"
        "life benefit is claimed).",
        setting=_set("adjuvant"),
    ),
    Rule(
        ("tace",),
        "not-supported",
        ("rev-tace-debiri-response-safety", "rev-evidence-scarce"),
        "The review discusses DEBIRI only for unresectable CRLM and is silent on use after "
        "complete resection; there is no evidence for it in the adjuvant setting.",
        setting=_set("adjuvant"),
    ),
    Rule(
        ("tare",),
        "not-supported",
        ("rev-tare-response", "rev-evidence-scarce"),
        "The review discusses TARE only for unresectable CRLM and is silent on use after "
        "complete resection; there is no evidence for it in the adjuvant setting.",
        setting=_set("adjuvant"),
    ),
    # Liver-dominant disease (some disease outside the liver) before the adjuvant setting: the
    # review's after-progression statement includes liver-predominant CRLM, the consensus advises
    # against HAIP with extrahepatic disease outside a trial. Sources disagree: caution.
    Rule(
        ("haip",),
        "caution",
        ("rev-haip-first-line-conversion", "cons-haip-no-extrahepatic"),
        "Caution: conversion means removing all disease, and there is disease outside the "
        "liver; the Canadian consensus does not recommend HAIP with extrahepatic disease "
        "outside a clinical trial. The MDT must weigh whether that disease is treatable.",
        setting=_set("first-line"),
        disease=_set("liver-dominant"),
        goal=_set("conversion"),
    ),
    Rule(
        ("haip",),
        "caution",
        ("rev-after-progression-options", "cons-haip-no-extrahepatic"),
        "Caution: after progression the review names HAIP among the options for liver-"
        "predominant disease, but the Canadian consensus does not recommend HAIP with "
        "extrahepatic disease outside a clinical trial; the sources disagree, so the MDT must "
        "weigh it (a trial is one route).",
        setting=_set("after-progression"),
        disease=_set("liver-dominant"),
        goal=RESPONSE_GOALS,
    ),
    # First line, unresectable.
    Rule(
        ("haip",),
        "option",
        ("rev-haip-first-line-conversion", "rev-haip-response-conversion", "cons-haip-first-line"),
        "In first line the review says HAIP could be offered to motivated patients hoping for "
        "conversion to resectability, given its high response and conversion rates alongside "
        "systemic therapy.",
        setting=_set("first-line"),
        goal=_set("conversion"),
    ),
    Rule(
        ("haip",),
        "caution",
        ("rev-haip-first-line-conversion", "cons-haip-first-line"),
        "Caution: the review's first-line statement on HAIP concerns patients hoping for "
        "conversion; the Canadian consensus accepts HAIP in first line more broadly, and an "
        "older randomized trial of HAI alone against systemic fluorouracil reported longer "
        "survival (Kemeny 2006). The sources differ, so the MDT must weigh it.",
        setting=_set("first-line"),
        disease=_set("liver-limited"),
        goal=_set("survival", "regional-control"),
    ),
    Rule(
        ("haip",),
        "not-supported",
        ("rev-haip-first-line-conversion",),
        "The review's first-line statement on HAIP is limited to patients hoping for "
        "conversion to resectability; for this goal it does not support HAIP in first line.",
        setting=_set("first-line"),
    ),
    Rule(
        ("tace",),
        "not-supported",
        ("rev-tace-debiri-response-safety",),
        "The review reports high intrahepatic response and a well-established safety profile "
        "for DEBIRI, but its abstract does not recommend DEBIRI as first-line treatment; its "
        "only first-line recommendation concerns HAIP for conversion.",
        setting=_set("first-line"),
    ),
    Rule(
        ("tare",),
        "not-supported",
        ("rev-tare-no-os-qol",),
        "Adding TARE in first line raises liver response, but the review finds it is not "
        "associated with better overall survival or quality of life, so it does not support "
        "it here.",
        setting=_set("first-line"),
    ),
    # After progression on chemotherapy (liver-limited or liver-dominant: extrahepatic is above).
    Rule(
        ("tare",),
        "not-supported",
        ("rev-tare-no-os-qol",),
        "The review finds TARE not associated with better overall survival or quality of life "
        "in first and second line; for later lines its abstract claims no such gain either, "
        "so it does not support TARE for this goal.",
        setting=_set("after-progression"),
        goal=OUTCOME_GOALS,
    ),
    Rule(
        ("tace",),
        "caution",
        ("rev-after-progression-options", "rev-tace-debiri-response-safety"),
        "Caution: after progression the review names DEBIRI among the options for patients "
        "seeking response and regional control and draws no survival or quality-of-life "
        "recommendation, while a small randomized trial in chemorefractory disease reported "
        "longer survival and longer-lasting quality-of-life improvement than FOLFIRI "
        "(Fiorentini 2012). The sources differ in strength, so the MDT must weigh it.",
        setting=_set("after-progression"),
        disease=_set("liver-limited"),
        goal=OUTCOME_GOALS,
    ),
    Rule(
        ("haip",),
        "caution",
        ("rev-after-progression-options", "cons-haip-after-first-line"),
        "Caution: after progression the review names HAIP among the options for patients "
        "seeking response and regional control and draws no survival or quality-of-life "
        "recommendation, while the Canadian consensus says HAIP should be considered after "
        "first-line progression without naming a goal. The sources differ, so the MDT must "
        "weigh it.",
        setting=_set("after-progression"),
        disease=_set("liver-limited"),
        goal=OUTCOME_GOALS,
    ),
    Rule(
        ("haip", "tace"),
        "not-supported",
        ("rev-after-progression-options",),
        "After progression the review names the regional options for patients seeking response "
        "and regional control and draws no survival or quality-of-life recommendation for "
        "them; with disease outside the liver as well, no source supports these therapies for "
        "this goal.",
        setting=_set("after-progression"),
        goal=OUTCOME_GOALS,
    ),
    # Conversion after progression: the review's statement concerns response and regional
    # control, and no cited source reports conversion after DEBIRI or TARE in this setting (the
    # DEBIRI resection figures are first-line). Silence is not safety: caution.
    Rule(
        ("tace",),
        "caution",
        ("rev-after-progression-options", "rev-tace-debiri-response-safety"),
        "Caution: after progression the review names DEBIRI-TACE among the options for patients "
        "seeking response and control of the liver disease, but no source the course cites "
        "reports conversion to resection after DEBIRI in this setting (the resection figures "
        "come from first-line trials). The MDT must weigh whether conversion is a realistic aim.",
        setting=_set("after-progression"),
        goal=_set("conversion"),
    ),
    Rule(
        ("tare",),
        "caution",
        ("rev-after-progression-options", "rev-tare-response"),
        "Caution: after progression the review names TARE among the options for patients "
        "seeking response and control of the liver disease, but no source the course cites "
        "reports conversion to resection after TARE in this setting. The MDT must weigh "
        "whether conversion is a realistic aim.",
        setting=_set("after-progression"),
        goal=_set("conversion"),
    ),
    Rule(
        ("haip",),
        "option",
        ("rev-after-progression-options", "rev-haip-response-conversion", "cons-haip-after-first-line"),
        "After progression, HAIP is among the valuable options to consider, in the review's "
        "words, for liver-limited or liver-predominant disease when the aim is response and "
        "regional control.",
        setting=_set("after-progression"),
        goal=RESPONSE_GOALS,
    ),
    Rule(
        ("tace",),
        "option",
        ("rev-after-progression-options", "rev-tace-debiri-response-safety", "tech-debiri-liver-dominant"),
        "After progression, DEBIRI-TACE is among the valuable options to consider, in the "
        "review's words, for liver-limited or liver-predominant disease when the aim is "
        "response and regional control.",
        setting=_set("after-progression"),
        goal=RESPONSE_GOALS,
    ),
    Rule(
        ("tare",),
        "option",
        ("rev-after-progression-options", "rev-tare-response"),
        "After progression, TARE is among the valuable options to consider, in the review's "
        "words, for liver-limited or liver-predominant disease when the aim is response and "
        "regional control (not survival).",
        setting=_set("after-progression"),
        goal=RESPONSE_GOALS,
    ),
)

_ALLOWED_KEYS = set(vocab.FEATURE_KEYS)


def normalize(case) -> dict:
    """Validate a case description; return it with contraindications in vocabulary order."""
    if not isinstance(case, dict):
        raise DecisionInputError("case must be a JSON object with setting, disease, goal, contraindications")
    unknown = sorted(str(k) for k in case if k not in _ALLOWED_KEYS)
    if unknown:
        raise DecisionInputError(f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(vocab.FEATURE_KEYS)}")
    out = {}
    for key, allowed in (("setting", vocab.SETTINGS), ("disease", vocab.DISEASES), ("goal", vocab.GOALS)):
        if key not in case:
            raise DecisionInputError(f"missing field {key!r} (one of: {', '.join(allowed)})")
        if not isinstance(case[key], str) or case[key] not in allowed:
            raise DecisionInputError(f"{key}: {case[key]!r} is not one of: {', '.join(allowed)}")
        out[key] = case[key]
    contra = case.get("contraindications", [])
    if not isinstance(contra, list):
        raise DecisionInputError("contraindications must be a list")
    for item in contra:
        if not isinstance(item, str) or item not in vocab.CONTRAINDICATIONS:
            raise DecisionInputError(f"contraindications: {item!r} is not one of: {', '.join(vocab.CONTRAINDICATIONS)}")
    if len(set(contra)) != len(contra):
        raise DecisionInputError("contraindications: an item is listed twice")
    out["contraindications"] = [c for c in vocab.CONTRAINDICATIONS if c in contra]
    return out


def recommend(case: dict) -> dict:
    case = normalize(case)
    result = {}
    for modality in vocab.MODALITIES:
        hits = [r for r in CONTRA_RULES if r.modality == modality and r.factor in case["contraindications"]]
        hard = [r for r in hits if r.stance == "contraindicated"]
        if hard:
            result[modality] = {
                "stance": "contraindicated",
                "because": _because(hard),
                "explanation": " ".join(r.explanation for r in hard),
            }
            continue
        rule = next((r for r in SETTING_RULES if modality in r.modalities and r.matches(case)), None)
        if rule is None:  # the table is meant to be complete; tests enumerate every input
            raise AssertionError(f"no decision rule for {modality} in {case}")
        stance, because, text = rule.stance, list(rule.because), [rule.explanation]
        for r in hits:  # cautions: a named risk the MDT must weigh
            because.extend(b for b in r.because if b not in because)
            text.append(r.explanation)
        text.extend(NOT_APPLICABLE[(modality, c)] for c in case["contraindications"] if (modality, c) in NOT_APPLICABLE)
        unmodelled = _unmodelled(modality, case)
        if unmodelled:
            text.append(unmodelled)
        if stance == "option" and (hits or unmodelled):
            stance = "caution"
        result[modality] = {"stance": stance, "because": because, "explanation": " ".join(text)}
    return result


def _because(rules) -> list[str]:
    out: list[str] = []
    for r in rules:
        out.extend(b for b in r.because if b not in out)
    return out


def _unmodelled(modality: str, case: dict) -> str:
    """Name a listed factor the sources do not address for this modality: silence in the
    sources is not evidence of safety, so it turns an option into a caution."""
    covered = {r.factor for r in CONTRA_RULES if r.modality == modality}
    covered.update(c for (m, c) in NOT_APPLICABLE if m == modality)
    rest = [_lower_first(vocab.CONTRAINDICATION_LABELS[c]) for c in case["contraindications"] if c not in covered]
    if not rest:
        return ""
    return (
        f"Caution, not modelled: {'; '.join(rest)}. The course's sources do not address "
        f"this for {vocab.MODALITY_NAMES[modality]}, and silence is not evidence of safety; "
        "the MDT must weigh it."
    )


def all_combinations() -> list[dict]:
    """Every input (3 settings x 3 diseases x 5 goals x 32 contraindication subsets) with its result."""
    rows = []
    for setting, disease, goal in itertools.product(vocab.SETTINGS, vocab.DISEASES, vocab.GOALS):
        for n in range(len(vocab.CONTRAINDICATIONS) + 1):
            for subset in itertools.combinations(vocab.CONTRAINDICATIONS, n):
                case = {"setting": setting, "disease": disease, "goal": goal, "contraindications": list(subset)}
                rows.append({"input": case, "result": recommend(case)})
    return rows


def rule_record_ids() -> set[str]:
    """Every registry id the rules cite (checked against the registry)."""
    ids = {b for r in CONTRA_RULES for b in r.because}
    ids.update(b for r in SETTING_RULES for b in r.because)
    return ids


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:]
