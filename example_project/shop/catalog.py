"""The demo's product catalogue: static data, so the demo needs no fixtures."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Product:
    id: int
    name: str
    price: Decimal
    description: str


PRODUCTS = [
    Product(i, name, Decimal(price), description)
    for i, (name, price, description) in enumerate(
        [
            ("Espresso cup", "8.50", "Thick porcelain, keeps the crema warm."),
            ("Pour-over kettle", "39.00", "Gooseneck spout for a steady, slow pour."),
            ("Hand grinder", "64.00", "Conical steel burrs, twenty grind settings."),
            ("Paper filters (100)", "5.20", "Unbleached, fits size 02 drippers."),
            ("Ceramic dripper", "24.00", "Spiral ribs for an even extraction."),
            ("Glass carafe", "27.50", "Holds 600 ml, dishwasher safe."),
            ("Digital scale", "32.00", "0.1 g resolution with a built-in timer."),
            ("Milk jug", "14.90", "Stainless steel, 350 ml, for latte art."),
            ("Tamper", "29.00", "58 mm flat base, walnut handle."),
            ("Knock box", "19.00", "Rubber bar, non-slip feet."),
            ("French press", "34.00", "Double-walled, eight cups."),
            ("Cold brew jar", "22.00", "Fine mesh filter, 1.5 litres."),
            ("Travel mug", "18.00", "Leak-proof lid, keeps coffee hot for hours."),
            ("Moka pot", "29.90", "Classic aluminium, three cups."),
            ("Coffee canister", "21.00", "Airtight lid with a one-way valve."),
            ("Latte glasses (2)", "16.00", "Double-walled borosilicate glass."),
            ("Cleaning tablets", "9.90", "For espresso machines, pack of 50."),
            ("Barista apron", "26.00", "Waxed canvas with leather straps."),
            ("Single-origin beans", "15.50", "Ethiopia Yirgacheffe, 250 g, light roast."),
            ("House blend beans", "12.00", "Brazil and Colombia, 500 g, medium roast."),
        ],
        start=1,
    )
]
