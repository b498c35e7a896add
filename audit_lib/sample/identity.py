"""Identity columns of persons, made with Faker: a pool of Belgian, French and Dutch contacts."""

from __future__ import annotations

import random
import re
import unicodedata

from faker import Faker

# share of the pool per locale, and the country each locale stands for
LOCALES = (("nl_BE", 45, "BE"), ("fr_BE", 25, "BE"), ("fr_FR", 20, "FR"), ("nl_NL", 10, "NL"))
WALLOON_TOWNS = (
    ("4000", "Liège"),
    ("5000", "Namur"),
    ("6000", "Charleroi"),
    ("7000", "Mons"),
    ("1300", "Wavre"),
    ("1400", "Nivelles"),
    ("6700", "Arlon"),
    ("7500", "Tournai"),
    ("1348", "Louvain-la-Neuve"),
    ("4800", "Verviers"),
)
JOB_TITLES = (
    "Electrical engineer",
    "Facility manager",
    "Purchasing manager",
    "Project engineer",
    "Maintenance manager",
    "Data centre manager",
    "Installer",
    "Panel builder",
    "Energy manager",
    "Technical sales engineer",
    "Site manager",
    "Design engineer",
    "Operations director",
    "Consulting engineer",
    "Procurement officer",
)


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]+", "", text.lower())


def _company_number(rng: random.Random, country: str) -> str:
    if country == "BE":
        return "BE0" + "".join(str(rng.randrange(10)) for _ in range(9))
    if country == "FR":
        return "".join(str(rng.randrange(10)) for _ in range(9))  # SIREN
    return "".join(str(rng.randrange(10)) for _ in range(8))  # KvK


def _address(fake: Faker, locale: str, rng: random.Random) -> str:
    if locale == "fr_BE":  # Faker's fr_BE has no address provider of its own
        code, town = WALLOON_TOWNS[rng.randrange(len(WALLOON_TOWNS))]
        return f"{fake.street_name()} {rng.randrange(1, 200)}, {code} {town}"  # fr_FR streets
    return fake.address().replace("\n", ", ")


def make_pool(size: int, seed: int) -> list[dict]:
    """`size` contacts with unique e-mails (letters and dots only before the @), deterministic in seed."""
    fakers = {}
    for k, (loc, _, _) in enumerate(LOCALES):
        fakers[loc] = Faker(loc)
        fakers[loc].seed_instance(seed * 31 + k)
    phones = Faker("nl_BE")
    phones.seed_instance(seed * 31 + 99)
    rng = random.Random(seed)
    weights = [w for _, w, _ in LOCALES]
    pool, seen = [], set()
    while len(pool) < size:
        loc, _, country = rng.choices(LOCALES, weights)[0]
        fake = fakers[loc]
        first, last = fake.first_name(), fake.last_name()
        fake = fakers["fr_FR"] if loc == "fr_BE" else fake  # fr_BE falls back to en_US for these
        company = fake.company()
        head = re.split(r",| en | et | and ", company)[0]
        domain = (_ascii(head) or "mail")[:20] + "." + country.lower()
        local = f"{_ascii(first)}.{_ascii(last)}"
        email = f"{local}@{domain}"
        n = 0
        while email in seen:  # keep e-mails unique without digits: another initial
            n += 1
            email = f"{local}.{chr(96 + n)}@{domain}" if n < 27 else f"{local}.x{chr(96 + n % 26)}@{domain}"
        seen.add(email)
        phone = (phones if loc in ("nl_BE", "fr_BE") else fake).phone_number()
        pool.append(
            {
                "first_name": first,
                "last_name": last,
                "email": email,
                "phone": phone,
                "postal_address": _address(fake, loc, rng),
                "country": country,
                "company": company,
                "job_title": JOB_TITLES[rng.randrange(len(JOB_TITLES))],
                "linkedin_url": f"https://www.linkedin.com/in/{_ascii(first)}-{_ascii(last)}-{rng.randrange(16**6):06x}",
                "company_number": _company_number(rng, country),
            }
        )
    return pool
