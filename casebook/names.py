"""Does a casebook's free text (team, signal) look like it names a person? Pure functions, no I/O.

Cases in the casebook are pseudonymous (docs/casebook.md); the team and the signal are typed freely, so a
professional may write "Team Jan de Vries" or "mevrouw Jansen kon de lening niet krijgen". Those are refused
(decision record 0040), without the text being repeated. A team name is not a person's: "Team Noord",
"Schuldhulp Zaanstad", "Wijkteam De Pijp", "Sociaal wijkteam Bos en Lommer", "WIJ Groningen" pass.

What counts as a person's name, in that order (each is enough):

1. a form of address before a capitalised word: "mevrouw Jansen", "dhr. El Amrani", "fam. Yilmaz";
2. initials before a capitalised word: "J. de Vries", "A.B. Bakker";
3. a common first name as a word of its own, capitalised ("Jan", "Fatima", "Mohamed"): never a place, team
   or Dutch word in this list (names that are also words, "Roos", "Hoop", "Bas", are left out);
4. a common surname that is no Dutch word ("Jansen", "de Vries", "Yilmaz").

It errs on the side of refusing a name, within what a team or a signal is made of; what it misses, the
casebook's retention and access rules still cover.
"""
from __future__ import annotations

import re

_PARTICLE = r"(?:(?:van|de|der|den|ter|ten|te|het|'t|in|op|el|al|ben|bin|da|di|du|la|le)\s+)*"
_CAPITALISED = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+"

_ADDRESS = re.compile(
    r"\b(?i:mevrouw|mevr|mw|meneer|mijnheer|dhr|de\s+heer|familie|fam|mr|mrs)\.?\s+"
    + _PARTICLE + r"(?:[A-Z]\.\s*)*" + _CAPITALISED)
_INITIALS = re.compile(r"(?<![\w.])(?!St\.)(?:[A-Z]\.\s?){1,4}\s*" + _PARTICLE + _CAPITALISED)

# Common first names in the Netherlands (CBS, Meertens Instituut), those that are no Dutch word or place.
FIRST_NAMES = frozenset("""
Aaron Abdel Abdelkader Abdullah Abdul Adam Adrianus Ahmed Ahmet Aisha Ali Alexander Amal Amber Amina Amira Amy Anna
Anne Anneke Annemarie Anouk Ans Anton Arie Arjen Arjan Bart Bayram Ben Bernard Bianca Bram Brenda Britt Carla Carolien
Cees Charlotte Chantal Chris Christiaan Cornelis Daan Daniel Daniëlle Danny David Dennis Dewi Dirk Elif Elisabeth
Ellen Emine Emma Erik Esther Eva Evert Fatima Fatma Femke Fenna Frank Freek Gerard Gerrit Gijs Hanna Hans Hasan
Hassan Hendrik Henk Herman Hüseyin Ibrahim Ilse Ingrid Iris Jaap Jacob Jacobus Jan Janneke Jasper Jelle Jeroen Jesse
Johan Johanna Johannes Joost Jordy Joris Josephine Julia Karim Kees Kevin Khadija Klaas Koen Lars Laura Leila Lieke
Linda Lisa Lotte Lucas Luuk Maarten Manon Marco Maria Marieke Marije Marijke Mark Martijn Martin Mehmet Meryem Mila
Mohamed Mohammed Monique Mustafa Naima Nadia Nicole Niels Nina Nora Nadir Omar Paul Peter Petra Pieter Piet Priscilla
Rachid Rachida Remco Richard Rik Rob Robert Robin Ruben Rutger Saida Samira Sander Sandra Sanne Sara Sarah Saskia
Sebastiaan Sem Sevda Siham Simone Sjoerd Sophie Stefan Stijn Suzanne Tamara Thijs Thomas Tim Tom Wendy Willem Wim
Wouter Yasmina Yusuf Youssef Zeynep Zoë
""".split())

# Common surnames (CBS, Meertens Instituut) that are no Dutch word, place or neighbourhood
# (Bakker, Visser, Bos, Vos, de Boer, Groen, Koster, Post, Maas are words or places: left to rules 1-3).
SURNAMES = frozenset("""
Jansen Janssen Janssens Hendriks Dijkstra Smits Meijer Meijers Peters Willems Hoekstra Verhoeven Kuipers Veenstra
Timmermans Gerritsen Hermans Willemsen Smeets Driessen Wolters Mertens Kuijpers Postma Jacobs Martens Vermeulen
Yilmaz Kaya Demir Şahin Sahin Çelik Celik Öztürk Ozturk Aydın Aydin Arslan Doğan Dogan Bouzid Benali Amrani
""".split())
# (the surname as it is written in a name, capitalised: "de Lange", never "de lange wachttijd")
PARTICLE_SURNAMES = ("de Vries", "de Jong", "de Graaf", "de Wit", "de Bruijn", "de Bruin", "de Haan", "de Groot",
                     "de Ruiter", "de Lange", "de Jonge", "de Koning", "van Dijk", "van den Berg", "van der Meer",
                     "van der Linden", "van Leeuwen", "van den Heuvel", "van der Veen", "van den Broek",
                     "van der Heijden", "van Vliet", "van de Ven", "van der Wal", "van den Brink", "van der Velde",
                     "van der Laan", "van der Velden", "van der Meulen", "van der Horst", "El Amrani", "El Idrissi")

_SAINT = re.compile(r"\b(?:St\.|Sint)[\s-]*$")  # Sint-Jan, St. Pieter: a place or a church, not a person
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ'’]+")


def _particle_surname(name: str) -> str:
    *particles, surname = name.split(" ")
    return r"\s+".join([f"(?i:{re.escape(p)})" for p in particles] + [re.escape(surname)])


_PARTICLE_SURNAME = re.compile(r"\b(?:" + "|".join(_particle_surname(s) for s in PARTICLE_SURNAMES) + r")\b")


def looks_like_name(text: str | None) -> bool:
    """Whether `text` seems to name a person (see the module's rules)."""
    if not text or not text.strip():
        return False
    if _ADDRESS.search(text) or _INITIALS.search(text):
        return True
    for m in _WORD.finditer(text):
        word = m.group(0)
        # a first name as the writer capitalises it (not "JAN" in shouting, not "jan" the word)
        if (word in FIRST_NAMES or word in SURNAMES) and not _SAINT.search(text, 0, m.start()):
            return True
    return bool(_PARTICLE_SURNAME.search(text))


def slug_looks_like_name(slug: str | None) -> bool:
    """Whether a team slug of a casebook user ("wijkteam-oost", lower case, - and _ between words) seems to name
    a person: its words capitalised as a team name is written, then read as any free text ("team-jan-de-vries"
    as "Team Jan De Vries")."""
    if not slug:
        return False
    return looks_like_name(" ".join(w.capitalize() for w in re.split(r"[-_]+", slug) if w))
