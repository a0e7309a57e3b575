"""Individual AI-R: the secondary model scoring a person's AI readiness."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Final, Literal

from orgair.errors import FieldError, ValidationFailed
from orgair.scoring.models import EducationLevel, IndividualScoreInput
from orgair.scoring.numbers import HUNDRED, ONE, SCORING_CONTEXT, clamp, q4
from orgair.scoring.parameters import ScoringParameters
from orgair.scoring.results import Assumption, IndividualParameters, IndividualScoreResult

EDUCATION_FACTOR: Final = {
    EducationLevel.PHD: Decimal("1.0"),
    EducationLevel.MASTER: Decimal("0.85"),
    EducationLevel.BACHELOR: Decimal("0.70"),
    EducationLevel.ASSOCIATE: Decimal("0.60"),
    EducationLevel.CERTIFICATE: Decimal("0.60"),
    EducationLevel.HIGH_SCHOOL: Decimal("0.50"),
}
"""How much of the attainable domain expertise each education level unlocks."""

DEFAULT_ALIGNMENT: Final = ONE
_ALIGNMENT_ASSUMPTION: Final = Assumption(
    field="alignment", default=DEFAULT_ALIGNMENT, basis="full alignment"
)


def expertise_from_experience(
    level: EducationLevel, years: Decimal, specialisation: Decimal, gamma_experience: Decimal
) -> Decimal:
    """E = Edu·(1 − e^(−γ·years))·Spec·100: experience saturates, so early years count most."""
    return EDUCATION_FACTOR[level] * (ONE - (-gamma_experience * years).exp()) * specialisation * HUNDRED


def individual_vr(
    fluency: Decimal, expertise: Decimal, adaptive: Decimal, weights: tuple[Decimal, Decimal, Decimal]
) -> Decimal:
    """V^R = W_FLUENCY·F + W_DOMAIN·E + W_ADAPTIVE·C."""
    w_fluency, w_domain, w_adaptive = weights
    return w_fluency * fluency + w_domain * expertise + w_adaptive * adaptive


def individual_synergy(vr: Decimal, hr: Decimal, alignment: Decimal) -> Decimal:
    """Synergy = V^R·H^R/100·alignment."""
    return vr * hr / HUNDRED * alignment


def ai_readiness(
    vr: Decimal, hr: Decimal, synergy: Decimal, alpha: Decimal, beta_synergy: Decimal
) -> Decimal:
    """AI-R = clamp(α·V^R + (1 − α)·H^R + β_I·Synergy) to [0, 100]."""
    return clamp(alpha * vr + (ONE - alpha) * hr + beta_synergy * synergy)


def score_individual(person: IndividualScoreInput, params: ScoringParameters) -> IndividualScoreResult:
    """Score one person; E comes from the form the caller used, and a defaulted alignment is reported."""
    p = params.prepared
    with localcontext(SCORING_CONTEXT):
        level, years, specialisation = person.education_level, person.years_experience, person.specialisation
        source: Literal["given", "experience"]
        if person.domain_expertise is not None:
            expertise, source = person.domain_expertise, "given"
        elif level is not None and years is not None and specialisation is not None:
            expertise = expertise_from_experience(level, years, specialisation, p.gamma_experience)
            source = "experience"
        else:
            raise ValidationFailed(
                "Domain expertise is missing.",
                errors=[
                    FieldError("domain_expertise", "give domain_expertise or the three experience fields")
                ],
            )
        alignment = person.alignment
        assumptions: tuple[Assumption, ...] = ()
        if alignment is None:
            alignment = DEFAULT_ALIGNMENT
            assumptions = (_ALIGNMENT_ASSUMPTION,)
        vr = individual_vr(person.ai_fluency, expertise, person.adaptive_capacity, p.individual_weights)
        synergy = individual_synergy(vr, person.hr, alignment)
        score = ai_readiness(vr, person.hr, synergy, p.alpha, p.beta_synergy_coef)
        w_fluency, w_domain, w_adaptive = p.individual_weights
        return IndividualScoreResult(
            ai_fluency=q4(person.ai_fluency),
            domain_expertise=q4(expertise),
            domain_expertise_source=source,
            adaptive_capacity=q4(person.adaptive_capacity),
            vr=q4(vr),
            hr=q4(person.hr),
            alignment=q4(alignment),
            synergy=q4(synergy),
            ai_r=q4(score),
            parameters=IndividualParameters(
                alpha=p.alpha,
                beta_synergy_coef=p.beta_synergy_coef,
                w_fluency=w_fluency,
                w_domain=w_domain,
                w_adaptive=w_adaptive,
                gamma_experience=p.gamma_experience,
            ),
            assumptions=assumptions,
        )
