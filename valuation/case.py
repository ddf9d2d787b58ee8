"""The valuation engagement file (case): one engagement, one or more data assets, their method inputs.

The same model is read from JSON (``dataval value case.json``) and from the Excel template
(``dataval template``); ``dataval schema`` prints its JSON Schema. Validation happens here, once, at
the edge: unknown fields, text in number fields, negative amounts, weights not summing to 1 and dates out
of order are refused with the asset and field named.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from base import DEFAULT_SEED
from base.models import FrozenModel
from base.ranges import EARLIEST_DATE, check_date, latest_term_end
from valuation.conclusion import MethodWeight, check_weights
from valuation.cost import CostInputs
from valuation.income import IncomeInputs
from valuation.market import MarketInputs
from valuation.models import DataAsset, Engagement, Method
from valuation.price_index import PriceIndex

CASE_SCHEMA_VERSION = "1"


class SimulationSettings(FrozenModel):
    """Monte Carlo settings: draws per asset (0 = off) and the seed that fixes every draw."""

    seed: int = Field(DEFAULT_SEED, ge=0, lt=2**63)
    n_draws: int = Field(1000, ge=0, le=1_000_000)


class AssetCase(FrozenModel):
    """One data asset with the inputs of each method to run and the weights of the conclusion."""

    asset: DataAsset
    methods: tuple[MethodWeight, ...] = Field(min_length=1)
    cost: CostInputs | None = None
    income: IncomeInputs | None = None
    market: MarketInputs | None = None

    @model_validator(mode="after")
    def _methods_have_inputs(self) -> AssetCase:
        check_weights(self.methods, asset_id=self.asset.asset_id)
        for mw in self.methods:
            if getattr(self, mw.method.value) is None:
                raise ValueError(
                    f"asset {self.asset.asset_id}: method '{mw.method.value}' is weighted but the case "
                    f"has no '{mw.method.value}' inputs"
                )
        return self

    def method_inputs(self, method: Method) -> CostInputs | IncomeInputs | MarketInputs:
        inputs: CostInputs | IncomeInputs | MarketInputs | None = getattr(self, method.value)
        assert inputs is not None  # guaranteed by the validator
        return inputs


class ValuationCase(FrozenModel):
    """A valuation engagement: its engagement facts (中评协〔2023〕17号) and the assets valued under it."""

    schema_version: str = CASE_SCHEMA_VERSION
    engagement: Engagement
    assets: tuple[AssetCase, ...] = Field(min_length=1)
    price_index: PriceIndex | None = Field(
        None, description="monthly index for restatement and X3; the bundled illustrative index if absent"
    )
    simulation: SimulationSettings = SimulationSettings()

    @model_validator(mode="after")
    def _unique_assets(self) -> ValuationCase:
        ids = [a.asset.asset_id for a in self.assets]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"asset_id must be unique in a case, repeated: {dupes}")
        if self.schema_version != CASE_SCHEMA_VERSION:
            raise ValueError(f"schema_version {self.schema_version!r} is not supported (expected '1')")
        self._dates_in_window()
        return self

    def _dates_in_window(self) -> None:
        """Dates around the valuation date (base/ranges.py): a rights term ends no later than the
        valuation date + 50 years; a cost is incurred from 1990-01-01 (after the valuation date is the
        cost method's own refusal)."""
        vdate = self.engagement.valuation_date
        for i, a in enumerate(self.assets):
            aid = a.asset.asset_id
            if a.asset.rights_term_end is not None:
                check_date(a.asset.rights_term_end, f"assets[{i}].asset.rights_term_end ({aid})",
                           latest=latest_term_end(vdate))
            for j, line in enumerate(a.cost.lines if a.cost is not None else ()):
                check_date(line.incurred_on, f"assets[{i}].cost.lines[{j}].incurred_on ({aid})",
                           earliest=EARLIEST_DATE, latest=max(vdate, line.incurred_on))
