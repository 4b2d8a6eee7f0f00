"""Which Amazon marketplace a creator's link points at.

A US tracking ID on an amazon.de link earns nothing, and a US audience cannot buy there: the
link must use the store the creator's audience shops in. That is the creator's explicit choice
(Creator.amazon_marketplace) if set, else the store of their country. A creator whose store is
unknown (no country, or a country without an Amazon store) gets the plan's product only when
the plan sells in a single marketplace; otherwise the preview and dry run say what to set.
"""

from __future__ import annotations

from influencers.models import Marketplace

# ISO country -> the marketplace its shoppers use. Countries without their own store are listed
# only where one store plainly serves them (Austria buys on amazon.de, Ireland on amazon.co.uk).
COUNTRY_MARKETPLACE = {
    "US": Marketplace.US,
    "CA": Marketplace.CA,
    "MX": Marketplace.MX,
    "GB": Marketplace.UK,
    "UK": Marketplace.UK,
    "IE": Marketplace.UK,
    "DE": Marketplace.DE,
    "AT": Marketplace.DE,
    "FR": Marketplace.FR,
    "IT": Marketplace.IT,
    "ES": Marketplace.ES,
    "JP": Marketplace.JP,
    "AU": Marketplace.AU,
}


def creator_marketplace(*, country: str = "", explicit: str = "") -> str:
    """The creator's marketplace code, or "" when neither their choice nor country says."""
    if explicit:
        return explicit
    return COUNTRY_MARKETPLACE.get((country or "").upper(), "")


def pick_products(products, marketplace: str) -> tuple[list, str]:
    """(the plan's products for this creator, the marketplace used). Empty list when the plan
    has nothing the creator can buy: never another marketplace's product silently."""
    if marketplace:
        return [p for p in products if p.marketplace == marketplace], marketplace
    plan_markets = {p.marketplace for p in products}
    if len(plan_markets) == 1:
        return list(products), plan_markets.pop()
    return [], ""
