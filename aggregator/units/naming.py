"""How a unit is named where it reports: a district or commune reports through its People's
Committee ("UBND huyện Võ Nhai", "UBND thành phố Sông Công", "UBND xã Thần Sa"), the administrative
word in lower case as Nghị định 30/2020/NĐ-CP, Phụ lục II writes it; agencies keep their own name."""

from __future__ import annotations

from aggregator.units.registry import Unit

LOCAL_LEVELS = ("district", "commune")
# administrative words a local unit's name may begin with (longest first: "Thị xã" before "Thị")
ADMIN_WORDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Huyện", "Quận", "Phường", "Xã")
COMMITTEE_PREFIXES = ("UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân ")


def reporting_name(unit: Unit) -> str:
    """The name of the reporting body: 'Huyện Võ Nhai' → 'UBND huyện Võ Nhai'."""
    name = unit.name.strip()
    if unit.level not in LOCAL_LEVELS or name.startswith(COMMITTEE_PREFIXES):
        return name
    for word in ADMIN_WORDS:
        if name.startswith(word + " "):
            return f"UBND {word.lower()}{name[len(word):]}"
    return f"UBND {name}"
