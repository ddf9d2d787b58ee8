"""Expected loss EL = PD × LGD × EAD with Basel CRE32 LGD* (docs/pledge.md §Loss and capital).

CRE32.9-32.11 (foundation IRB, secured exposures):
    LGD* = LGD_U · E_U / (E(1 + H_E)) + LGD_S · E_S / (E(1 + H_E))
    E_S  = min(C · (1 − H_C), E · (1 + H_E)),   E_U = E · (1 + H_E) − E_S
LGD_U 40 % (non-financial corporates, CRE32.6), LGD_S 25 % and H_C 40 % for "other physical
collateral". Data and IP usually fail the eligibility tests, so both the "ineligible" treatment
(LGD = LGD_U, fully unsecured) and the "as if eligible" treatment are shown.
"""

from __future__ import annotations

from pledge.models import BaselLgd
from pledge.results import LossEstimate


def expected_loss(pd: float, ead: float, collateral_c: float, basel: BaselLgd) -> LossEstimate:
    """EL both ways. ``pd`` one-year; ``ead`` CNY; ``collateral_c`` the collateral's current value, CNY."""
    gross = ead * (1.0 + basel.exposure_haircut)
    secured = min(collateral_c * (1.0 - basel.collateral_haircut), gross)
    unsecured = gross - secured
    lgd_star = (basel.lgd_unsecured * unsecured + basel.lgd_secured * secured) / gross
    return LossEstimate(
        pd=pd,
        ead=ead,
        collateral_c=collateral_c,
        secured_part=secured,
        unsecured_part=unsecured,
        lgd_ineligible=basel.lgd_unsecured,
        lgd_eligible=lgd_star,
        el_ineligible=pd * basel.lgd_unsecured * ead,
        el_eligible=pd * lgd_star * ead,
    )
