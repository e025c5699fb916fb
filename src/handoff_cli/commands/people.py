"""``handoff people``: every person who holds or held a role, and names that look
like the same person typed twice ("Priya Raman" / "Priya  Raman" / "priya raman").
Read path only: plain SQL, no SQLModel."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from handoff_cli.store import Store

# Above this many people, near-duplicates are only names equal once case, spaces
# and punctuation are ignored (the pairwise similarity test grows with the square).
MAX_FUZZY = 2000
SIMILAR = 0.88

_SQL = """
SELECT a.person, a.role, a.start_on, a.end_on, acc.name, acc.name_key
FROM assignment a JOIN account acc ON acc.id = a.account_id
WHERE a.start_on <= :today
ORDER BY a.start_on, a.id
"""


@dataclass
class Person:
    person: str
    holds: list[dict[str, Any]] = field(default_factory=list)
    held: list[dict[str, Any]] = field(default_factory=list)
    similar: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"person": self.person, "holds": self.holds, "held": self.held, "similar": self.similar}


def _loose(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def list_people(*, store: Store, today: date) -> list[Person]:
    """Every person with an assignment started by ``today``, by name; what they hold now
    (an end dated after today is still open) and held before, and similar names."""
    from handoff_cli.commands.owners import to_date

    with store.reader() as r:
        rows = r.all(_SQL, {"today": today})
    people: dict[str, Person] = {}
    for person, role, start, end, account, _key in rows:
        p = people.setdefault(person, Person(person))
        start, end = to_date(start), to_date(end)
        if end is None or end > today:
            p.holds.append({"account": account, "role": role, "from": start})
        else:
            p.held.append({"account": account, "role": role, "from": start, "until": end})
    for p in people.values():
        p.holds.sort(key=lambda h: (h["role"], h["account"].casefold()))
        p.held.sort(key=lambda h: (h["until"], h["account"].casefold()))
    _mark_similar(people)
    return sorted(people.values(), key=lambda p: (p.person.casefold(), p.person))


def _mark_similar(people: dict[str, Person]) -> None:
    names = list(people)
    loose: dict[str, list[str]] = {}
    for n in names:
        loose.setdefault(_loose(n), []).append(n)
    for group in loose.values():
        for n in group:
            people[n].similar.extend(o for o in group if o != n)
    if len(names) > MAX_FUZZY:
        return
    keys = {n: " ".join(n.casefold().split()) for n in names}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if _loose(a) == _loose(b):
                continue
            if difflib.SequenceMatcher(None, keys[a], keys[b]).ratio() >= SIMILAR:
                people[a].similar.append(b)
                people[b].similar.append(a)
    for p in people.values():
        p.similar.sort(key=str.casefold)
