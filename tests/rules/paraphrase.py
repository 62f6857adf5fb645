"""Paraphrases of golden drafts that change nothing a rule should care about.

Each base is a golden case (tests/golden/*.yaml) with the words that may be swapped: names,
companies, industries and customer groups, product names, numbers and places. A variant
replaces each of those words, as a whole word, with another from the same pool, chosen by a
seeded generator, so the same variants come out on every run and every machine.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tests.rules.golden_cases import case_named

SEED = "paraphrase-v1"
VARIANTS_PER_BASE = 5

NAMES = (
    "Marta", "Kwame", "Siobhan", "Rafael", "Yuki", "Priyanka", "Lars", "Amara", "Dmitri",
    "Noa", "Søren", "Zoë", "Oluwaseun", "Mei-Ling", "José", "Tariq", "Ingrid", "Bongani",
)  # fmt: skip
SURNAMES = ("Okafor", "Lindqvist", "Nakamura", "Moreau", "Castellanos", "Novak", "Haddad")
FULL_NAMES = ("Ruth Mbeki", "Jonas Weber", "Li Na", "Carmen Ortiz", "Tomás Ruiz")
PLACES = (
    "Porto", "Kraków", "Accra", "Leeds", "São Paulo", "Tallinn", "Zürich", "Cebu", "Hamilton",
    "Málaga", "Chennai", "Aarhus", "Nairobi", "Rosario", "Ghent",
)  # fmt: skip
COUNTRIES = ("Mexico", "Colombia", "Portugal", "Kenya", "Vietnam", "Romania")
COMPANIES = (
    "Halden Foods", "Kestrel Labs", "Orchid Health", "Northwind Freight", "Bluefin",
    "Tamarind Studio", "Lumen AG", "Quayside Bank", "Pampa Logística",
)  # fmt: skip
PRODUCTS = ("Ledgerly", "Fernway", "Tallybird", "Quorra", "Brightpath", "Mosslight", "Runewise")
GROUPS = (
    "neighbourhood bakeries", "family dental practices", "craft breweries",
    "independent bookshops", "rural vet clinics", "small law firms", "community pharmacies",
    "boutique hotel groups", "regional bus operators",
)  # fmt: skip
PEOPLE_GROUPS = ("first-time landlords", "solo physiotherapists", "new restaurant owners")
FIELDS = ("hydrology", "urban planning", "marine biology", "epidemiology")
YEARS = ("2013", "2014", "2015", "2016", "2017", "2018", "2019")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
MONTHS = ("March", "April", "May", "June", "September", "October")

# Base case -> {word in its draft: the pool it is swapped from}.
SWAPS: dict[str, dict[str, tuple[str, ...]]] = {
    "we-help-bakeries-forecast-dough": {"Ines": NAMES, "Tiago": NAMES, "Alfama": PLACES,
                                        "neighbourhood bakeries": GROUPS},
    "we-help-vet-clinics-opening": {"Jonah": NAMES, "Farah": NAMES, "Midlands": PLACES,
                                    "independent vet clinics": GROUPS},
    "i-work-with-landlords-who": {"Priya": NAMES, "Dom": NAMES,
                                  "first-time landlords": PEOPLE_GROUPS},
    "product-name-drafts-grant-budgets": {"Colm": NAMES, "Aoife": NAMES, "Quillmark": PRODUCTS,
                                          "31": ("27", "40", "19", "52"), "Galway": PLACES},
    "product-name-reconciles-payouts-opening": {"Dana": NAMES, "Rob": NAMES, "Tallyho": PRODUCTS,
                                                "Northfold Candles": COMPANIES,
                                                "Shopify": ("Etsy", "WooCommerce", "Square")},
    "case-study-with-numbers": {"Mateo": NAMES, "Hélène": NAMES, "Setúbal": PLACES,
                                "12 days to 3": ("9 days to 2", "15 days to 4", "10 days to 1"),
                                "20 minutes": ("15 minutes", "30 minutes", "25 minutes")},
    "case-study-in-words": {"Wren": NAMES, "Saul": NAMES, "Leeds": PLACES, "Hull": PLACES},
    "private-beta-offer": {"Sunniva": NAMES, "Ivar": NAMES, "Kilnlog": PRODUCTS,
                           "Bergen": PLACES, "twelve": ("ten", "fifteen", "twenty", "eight")},
    "paid-pilot-offer": {"Adeyemi": SURNAMES, "Bisi": NAMES, "Lagos": PLACES,
                         "Ekiti Freight": COMPANIES, "three": ("two", "four", "five")},
    "exclusive-early-look": {"Lotte": NAMES, "Femke": NAMES, "Utrecht": PLACES,
                             "Bloomrun": PRODUCTS, "50": ("40", "100", "25", "30")},
    "job-seeker-given-my-background": {"Mensah": SURNAMES, "Joost": NAMES, "Delft": PLACES,
                                       "hydrology": FIELDS},
    "job-seeker-after-their-paper": {"Rania": NAMES, "Marc": NAMES,
                                     "Ebro": ("Danube", "Po", "Rhône", "Mekong")},
    "recruiter-you-would-be-a-great-fit": {"Wojtek": NAMES, "Hanna": NAMES},
    "recruiter-after-their-talk": {"Keiko": NAMES, "Ren": NAMES, "Sorami": PRODUCTS,
                                   "Osaka": PLACES,
                                   "400k-line": ("250k-line", "600k-line", "1M-line"),
                                   "60-engineer": ("40-engineer", "120-engineer", "25-engineer")},
    "invite-to-my-podcast": {"Declan": NAMES, "Sinead": NAMES,
                             "Field Notes": ("Wire and Field", "The Last Mile", "Signal Tower")},
    "invite-to-my-dinner-after-their-keynote": {"Nadia": NAMES, "Artur": NAMES,
                                                "Tallinn": PLACES, "Riga": PLACES,
                                                "14 March": ("2 May", "21 June", "9 October")},
    "happy-to-be-a-resource": {"Gustavo": NAMES, "Clara": NAMES, "Brazil": COUNTRIES,
                               "forty": ("thirty", "sixty", "twenty")},
    "traction-update-to-a-contact": {"Esme": NAMES, "Kit": NAMES, "Bristol": PLACES,
                                     "fourth": ("third", "fifth", "sixth"),
                                     "900": ("600", "1,400", "350")},
    "traction-update-cold": {"Marek": NAMES, "Ola": NAMES, "1,200": ("800", "2,500", "640"),
                             "Poland": COUNTRIES},
    "i-run-a-studio-that-gets-hotels": {"Arjun": NAMES, "Meera": NAMES,
                                        "boutique hotel groups": GROUPS},
    "pitch-in-the-ps": {"Tomas": NAMES, "Lina": NAMES, "Vilnius": PLACES,
                        "7:40": ("8:05", "7:15", "8:20")},
    "your-work-on-a-named-tool": {"Oyelaran": NAMES, "Kemi": NAMES, "Tideline": PRODUCTS,
                                  "Ibadan": PLACES},
    "your-work-on-a-named-census": {"Bram": NAMES, "Zuidas": ("Jordaan", "Kop van Zuid"),
                                    "Eindhoven": PLACES},
    "watercolour-at-the-art-fair": {"Ottilie": NAMES, "Ned": NAMES, "Gateshead": PLACES,
                                    "Tyne": ("Clyde", "Severn", "Liffey")},
    "follow-up-after-a-call": {"Rosalind": NAMES, "Omar": NAMES, "Thursday": WEEKDAYS},
    "follow-up-with-promised-contracts": {"Jakub": NAMES, "Petra": NAMES, "Eliska": NAMES,
                                          "Brno": PLACES, "Wednesday": WEEKDAYS},
    "thank-you-after-an-interview": {"Tanaka": SURNAMES, "Sofia": NAMES},
    "old-cohort-mate": {"Ruairi": NAMES, "Tess": NAMES, "2016": YEARS, "Dublin": PLACES,
                        "Cork": PLACES},
    "former-manager": {"Benedikt": NAMES, "Lena": NAMES, "Munich": PLACES, "2014": YEARS},
    "old-colleague-owns-the-gap": {"Farid": NAMES, "Deniz": NAMES, "Ankara": PLACES,
                                   "Arup": COMPANIES, "2017": YEARS},
    "old-lab-partner": {"Sanne": NAMES, "Pieter": NAMES, "Leiden": PLACES},
    "alumni-note-is-cold": {"Celeste": NAMES, "Hugo": NAMES,
                            "Sciences Po": ("LSE", "Bocconi", "the Hertie School")},
    "unanswered-cold-follow-up": {"Gareth": NAMES, "Nia": NAMES,
                                  "fleet-tracking": ("invoice-matching", "shift-planning")},
    "food-bank-spreadsheet": {"Ilse": NAMES, "Maarten": NAMES, "Groningen": PLACES,
                              "Zwolle": PLACES},
    "referral-to-the-form-designer": {"Tunde": NAMES, "Zainab": NAMES, "Grace Okoro": FULL_NAMES,
                                      "Abuja": PLACES, "Kaduna": PLACES},
    "hackathon-notes-owned": {"Magnus": NAMES, "Elin": NAMES, "Malmö": PLACES, "Lund": PLACES,
                              "two years": ("three years", "eighteen months", "a year")},
    "mailing-list-answer": {"Amaru": NAMES, "Lima": PLACES, "Postgres": ("PostgreSQL", "pgsql")},
    "their-traction-is-not-my-pitch": {"Ama": NAMES, "Yaw": NAMES, "Accra": PLACES,
                                       "Kumasi": PLACES,
                                       "thousand": ("five hundred", "two thousand", "hundred")},
    "met-at-the-summit-on-tuesday": {"Ngozi": NAMES, "Kigali": PLACES, "Tuesday": WEEKDAYS},
    "their-pilot-results": {"Leilani": NAMES, "Keoni": NAMES, "Hilo": PLACES,
                            "a third": ("a quarter", "half", "a fifth"), "April": MONTHS},
    "since-you-moved-to-security": {"Chiara": NAMES, "Matteo": NAMES, "Turin": PLACES,
                                    "Android": ("iOS", "web", "embedded")},
}  # fmt: skip


@dataclass(frozen=True)
class Variant:
    base: str
    number: int
    draft: str
    swapped: tuple[tuple[str, str], ...]  # (word in the base, word in the variant)

    @property
    def id(self) -> str:
        return f"{self.base}#{self.number}"


def _whole(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")


def variant(base: str, number: int) -> Variant:
    """The `number`th paraphrase of a golden case: the same on every run."""
    draft = case_named(base).draft
    rng = random.Random(f"{SEED}:{base}:{number}")
    taken: set[str] = set()
    swapped = []
    for word, pool in SWAPS[base].items():
        if not _whole(word).search(draft):
            raise ValueError(f"{base}: {word!r} is not a whole word of its draft")
        choices = [value for value in pool if value != word and value not in taken]
        chosen = rng.choice(choices)
        taken.add(chosen)
        swapped.append((word, chosen))
    # Replace through placeholders so a chosen word is never swapped again.
    for index, (word, _) in enumerate(swapped):
        draft = _whole(word).sub(f"\x00{index}\x00", draft)
    for index, (_, chosen) in enumerate(swapped):
        draft = draft.replace(f"\x00{index}\x00", chosen)
    return Variant(base, number, draft, tuple(swapped))


def variants() -> Iterator[Variant]:
    for base in SWAPS:
        for number in range(1, VARIANTS_PER_BASE + 1):
            yield variant(base, number)
