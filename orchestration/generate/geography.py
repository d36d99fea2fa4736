"""Countries, names, phone numbers and e-mail addresses of simulated people."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    """Where a person lives: how they write, call and pay."""

    code: str
    weight: float
    offsets: tuple[int, ...]
    locale: str
    currency: str
    calling_code: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    email_domains: tuple[str, ...]


_WORK_DOMAINS = (
    "northwind.com",
    "contoso.com",
    "initech.com",
    "globex.com",
    "umbrella-group.com",
    "hooli.io",
    "vandelay.co",
    "stark-industries.com",
    "wayne-enterprises.com",
    "acme-corp.com",
)

COUNTRIES: tuple[Country, ...] = (
    Country(
        "US",
        0.28,
        (-300, -360, -480),
        "en-US",
        "USD",
        "1",
        (
            "James",
            "Mary",
            "Robert",
            "Patricia",
            "John",
            "Jennifer",
            "Michael",
            "Linda",
            "David",
            "Emily",
            "Chris",
            "Ashley",
            "Daniel",
            "Sarah",
            "Kevin",
            "Megan",
            "Jose",
            "Maria",
            "Tyler",
            "Nicole",
        ),
        (
            "Smith",
            "Johnson",
            "Williams",
            "Brown",
            "Jones",
            "Garcia",
            "Miller",
            "Davis",
            "Rodriguez",
            "Martinez",
            "Wilson",
            "Anderson",
            "Taylor",
            "Thomas",
            "Moore",
            "Jackson",
            "O'Brien",
            "Lee",
            "Walker",
            "Hall",
        ),
        ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com"),
    ),
    Country(
        "FR",
        0.20,
        (60,),
        "fr-FR",
        "EUR",
        "33",
        (
            "Camille",
            "Léa",
            "Hélène",
            "Chloé",
            "Manon",
            "Zoé",
            "Inès",
            "Julie",
            "Thomas",
            "Lucas",
            "Hugo",
            "Théo",
            "Louis",
            "Jérôme",
            "François",
            "Nicolas",
            "Antoine",
            "Amélie",
            "Benoît",
            "Céline",
        ),
        (
            "Martin",
            "Bernard",
            "Dubois",
            "Thomas",
            "Robert",
            "Richard",
            "Petit",
            "Durand",
            "Leroy",
            "Moreau",
            "Simon",
            "Laurent",
            "Lefèvre",
            "Michel",
            "Garcia",
            "David",
            "Bertrand",
            "Roux",
            "Fournier",
            "d'Arc",
        ),
        ("gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr", "sfr.fr"),
    ),
    Country(
        "GB",
        0.14,
        (0,),
        "en-GB",
        "GBP",
        "44",
        (
            "Oliver",
            "Amelia",
            "George",
            "Isla",
            "Harry",
            "Ava",
            "Jack",
            "Mia",
            "Charlie",
            "Grace",
            "Freddie",
            "Sophie",
            "Alfie",
            "Emily",
            "Oscar",
            "Poppy",
            "Arthur",
            "Lily",
            "Noah",
            "Evie",
        ),
        (
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Williams",
            "Wilson",
            "Johnson",
            "Davies",
            "Robinson",
            "Wright",
            "Thompson",
            "Evans",
            "Walker",
            "White",
            "Roberts",
            "Green",
            "Hall",
            "Wood",
            "Jackson",
            "O'Connor",
        ),
        ("gmail.com", "hotmail.co.uk", "btinternet.com", "yahoo.co.uk", "outlook.com"),
    ),
    Country(
        "DE",
        0.14,
        (60,),
        "de-DE",
        "EUR",
        "49",
        (
            "Lukas",
            "Leon",
            "Jürgen",
            "Jonas",
            "Finn",
            "Paul",
            "Felix",
            "Maximilian",
            "Stefan",
            "Andreas",
            "Anna",
            "Lena",
            "Lea",
            "Hannah",
            "Sophie",
            "Jana",
            "Katrin",
            "Sabine",
            "Jörg",
            "Björn",
        ),
        (
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Schulz",
            "Hoffmann",
            "Schäfer",
            "Koch",
            "Bauer",
            "Richter",
            "Klein",
            "Wolf",
            "Schröder",
            "Neumann",
            "Schwarz",
            "Zimmermann",
        ),
        ("gmail.com", "gmx.de", "web.de", "t-online.de", "outlook.de"),
    ),
    Country(
        "ES",
        0.05,
        (60,),
        "es-ES",
        "EUR",
        "34",
        ("Lucía", "Martina", "María", "Sofía", "Paula", "Hugo", "Mateo", "Martín", "Pablo", "Álvaro"),
        ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz"),
        ("gmail.com", "hotmail.es", "yahoo.es", "telefonica.net"),
    ),
    Country(
        "IT",
        0.04,
        (60,),
        "it-IT",
        "EUR",
        "39",
        ("Francesco", "Alessandro", "Lorenzo", "Matteo", "Giulia", "Sofia", "Aurora", "Chiara", "Niccolò", "Martina"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco"),
        ("gmail.com", "libero.it", "virgilio.it", "alice.it"),
    ),
    Country(
        "NL",
        0.04,
        (60,),
        "nl-NL",
        "EUR",
        "31",
        ("Daan", "Sem", "Lucas", "Levi", "Emma", "Julia", "Tess", "Sophie", "Anouk", "Bram"),
        ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer"),
        ("gmail.com", "ziggo.nl", "kpnmail.nl", "hotmail.nl"),
    ),
    Country(
        "CH",
        0.04,
        (60,),
        "de-CH",
        "CHF",
        "41",
        ("Noah", "Liam", "Matteo", "Luca", "Mia", "Emma", "Sofia", "Lina", "Laura", "Reto"),
        ("Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Schneider", "Meyer", "Steiner", "Fischer"),
        ("gmail.com", "bluewin.ch", "gmx.ch", "sunrise.ch"),
    ),
    Country(
        "CA",
        0.04,
        (-300, -480),
        "en-CA",
        "USD",
        "1",
        ("Liam", "Olivia", "Noah", "Emma", "William", "Charlotte", "Benjamin", "Chloé", "Félix", "Ethan"),
        ("Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Smith", "Brown", "Wilson", "MacDonald", "Campbell"),
        ("gmail.com", "hotmail.com", "rogers.com", "videotron.ca", "shaw.ca"),
    ),
    Country(
        "BE",
        0.03,
        (60,),
        "fr-BE",
        "EUR",
        "32",
        ("Lucas", "Louis", "Arthur", "Noah", "Emma", "Olivia", "Louise", "Elise", "Wout", "Marie"),
        ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "Dubois"),
        ("gmail.com", "skynet.be", "telenet.be", "proximus.be"),
    ),
)

_US_AREAS = ("212", "646", "415", "628", "312", "617", "206", "512", "303", "305", "404", "702")
_CA_AREAS = ("416", "647", "604", "514", "403", "613")


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def _north_american(rng: random.Random, areas: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    area = rng.choice(areas)
    exchange = str(rng.randrange(2, 10)) + _digits(rng, 2)
    line = _digits(rng, 4)
    nsn = area + exchange + line
    return nsn, (
        f"({area}) {exchange}-{line}",
        f"({area}) {exchange}-{line}",
        f"+1-{area}-{exchange}-{line}",
        f"{area}-{exchange}-{line}",
        f"{area}.{exchange}.{line}",
        f"+1 {area} {exchange} {line}",
        nsn,
    )


def _national_number(code: str, rng: random.Random) -> tuple[str, tuple[str, ...]]:
    """A mobile number's national significant number and the ways people type it."""
    if code == "US":
        return _north_american(rng, _US_AREAS)
    if code == "CA":
        return _north_american(rng, _CA_AREAS)
    if code == "FR":
        n = rng.choice("67") + _digits(rng, 8)
        pairs = f"{n[1:3]} {n[3:5]} {n[5:7]} {n[7:9]}"
        return n, (
            f"0{n[0]} {pairs}",
            f"0{n[0]} {pairs}",
            f"+33 {n[0]} {pairs}",
            f"0{n}",
            f"+33{n}",
            f"0{n[0]}.{pairs.replace(' ', '.')}",
            f"0033 {n[0]} {pairs}",
        )
    if code == "GB":
        n = "7" + rng.choice("4579") + _digits(rng, 8)
        return n, (f"0{n[:4]} {n[4:]}", f"0{n[:4]} {n[4:]}", f"+44 {n[:4]} {n[4:]}", f"+44{n}", f"0{n}")
    if code == "DE":
        n = "15" + rng.choice("1279") + _digits(rng, 8)
        return n, (
            f"0{n[:3]} {n[3:]}",
            f"0{n[:3]} {n[3:]}",
            f"+49 {n[:3]} {n[3:]}",
            f"0{n[:3]}/{n[3:]}",
            f"+49{n}",
            f"0{n[:3]}-{n[3:]}",
        )
    if code == "ES":
        n = "6" + _digits(rng, 8)
        return n, (f"{n[:3]} {n[3:6]} {n[6:]}", f"+34 {n[:3]} {n[3:5]} {n[5:7]} {n[7:]}", n, f"+34{n}")
    if code == "IT":
        n = "3" + _digits(rng, 9)
        return n, (f"{n[:3]} {n[3:6]} {n[6:]}", f"+39 {n[:3]} {n[3:6]} {n[6:]}", n, f"+39{n}")
    if code == "NL":
        n = "6" + _digits(rng, 8)
        return n, (f"0{n[0]} {n[1:]}", f"+31 {n[0]} {n[1:]}", f"0{n[0]}-{n[1:]}", f"+31{n}")
    if code == "CH":
        n = "7" + rng.choice("5689") + _digits(rng, 7)
        return n, (f"0{n[:2]} {n[2:5]} {n[5:7]} {n[7:]}", f"+41 {n[:2]} {n[2:5]} {n[5:7]} {n[7:]}", f"+41{n}")
    if code == "BE":
        n = "4" + rng.choice("789") + _digits(rng, 7)
        return n, (f"0{n[:3]} {n[3:5]} {n[5:7]} {n[7:]}", f"+32 {n[:3]} {n[3:5]} {n[5:7]} {n[7:]}", f"+32{n}")
    raise ValueError(f"no phone plan for {code}")


def make_phone(country: Country, rng: random.Random) -> tuple[str, str]:
    """A mobile phone number: (E.164 as a telephony system reports it, the number as the person typed it)."""
    nsn, typed_forms = _national_number(country.code, rng)
    return f"+{country.calling_code}{nsn}", rng.choice(typed_forms)


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters of a name, for e-mail local parts (``Lefèvre`` -> ``lefevre``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.lower() if "a" <= c <= "z")


def make_email(first: str, last: str, index: int, country: Country, rng: random.Random) -> str:
    """A unique, canonical (trimmed, lower-case) e-mail address."""
    given, family = ascii_slug(first), ascii_slug(last)
    domain = rng.choice(_WORK_DOMAINS) if rng.random() < 0.35 else rng.choice(country.email_domains)
    pattern = rng.randrange(4)
    if pattern == 0:
        local = f"{given}.{family}{index}"
    elif pattern == 1:
        local = f"{given[:1]}{family}{index}"
    elif pattern == 2:
        local = f"{given}{index}"
    else:
        local = f"{given}_{family}.{index}"
    return f"{local}@{domain}"


def typed_email(email: str, rng: random.Random) -> str:
    """The address as a person typed it into a form: case and stray spaces vary."""
    u = rng.random()
    if u < 0.72:
        return email
    local, domain = email.split("@", 1)
    if u < 0.84:
        return "".join(part.capitalize() if part.isalpha() else part for part in _split_keep(local)) + "@" + domain
    if u < 0.90:
        return f"{local}@{domain.capitalize()[:-4]}{domain[-4:].upper()}"
    if u < 0.96:
        return f"  {email} " if rng.random() < 0.5 else f"{email} "
    return email.upper()


def _split_keep(text: str) -> list[str]:
    parts: list[str] = []
    current = ""
    for char in text:
        if char in "._":
            if current:
                parts.append(current)
            parts.append(char)
            current = ""
        else:
            current += char
    if current:
        parts.append(current)
    return parts
