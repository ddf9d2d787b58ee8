"""The register link (docs/pledge.md §The accounting link): only a held, unpledged asset can be pledged."""

from __future__ import annotations

from collections.abc import Iterable

from pledge.errors import AlreadyPledged, AssetNotHeld


def check_pledgeable(asset_id: str, holds_asset: bool, existing_pledges: Iterable[str]) -> None:
    """Refuse a pledge the register does not allow.

    Raises :class:`AssetNotHeld` when the company does not hold the asset, and
    :class:`AlreadyPledged` when ``existing_pledges`` (registration numbers of active pledges) is not
    empty — a second pledge is refused.
    """
    if not holds_asset:
        raise AssetNotHeld(
            "the company does not hold this asset on its register, so it cannot pledge it",
            asset_id=asset_id,
            field="holding.holds_asset",
        )
    active = [p for p in existing_pledges if p]
    if active:
        raise AlreadyPledged(
            f"the asset is already pledged (registration {', '.join(active)}); a second pledge is refused",
            asset_id=asset_id,
            field="holding.existing_pledges",
        )
