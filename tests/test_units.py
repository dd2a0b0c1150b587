from datetime import date
from pathlib import Path

import pytest

from aggregator.text import nfc
from aggregator.units import DEFAULT_UNITS_FILE, UnitRegistry, UnitsError


@pytest.fixture(scope="module")
def registry() -> UnitRegistry:
    return UnitRegistry.from_csv(DEFAULT_UNITS_FILE)


def test_thai_nguyen_2024_unit_counts(registry):
    levels = [u.level for u in registry.units]
    assert levels.count("province") == 1
    assert levels.count("agency") == 20
    assert levels.count("district") == 9
    assert levels.count("commune") == 172


def test_communes_have_gso_codes_and_a_district_parent(registry):
    districts = {u.code for u in registry.units if u.level == "district"}
    assert districts == {"164", "165", "167", "168", "169", "170", "171", "172", "173"}
    for u in registry.units:
        if u.level == "commune":
            assert len(u.code) == 5 and u.code.isdigit()
            assert u.parent in districts
        assert u.name == nfc(u.name)
    assert len(registry.children("164")) == 32


def test_expected_submitters_follow_validity_dates(registry):
    in_2024 = registry.expected("KTCV", ("agency", "district"), date(2024, 12, 1))
    assert len(in_2024) == 29
    after_reform = registry.expected("KTCV", ("agency", "district"), date(2025, 7, 1))
    assert {u.level for u in after_reform} == {"agency"}


def test_lookup_by_code_and_folded_name(registry):
    assert registry.get(164.0).name == "Thành phố Thái Nguyên"
    assert registry.get(" snv ").code == "SNV"
    assert registry.by_name("HUYEN DONG HY").code == "169"


def test_duplicate_codes_and_unknown_parents_are_rejected(tmp_path: Path):
    bad = tmp_path / "units.csv"
    bad.write_text("code,name,level,parent,group,valid_from,valid_to\n"
                   "A,Đơn vị A,agency,,g,,\nA,Đơn vị B,agency,,g,,\n", encoding="utf-8")
    with pytest.raises(UnitsError, match="trùng"):
        UnitRegistry.from_csv(bad)
    bad.write_text("code,name,level,parent,group,valid_from,valid_to\n"
                   "A,Đơn vị A,agency,ZZ,g,,\n", encoding="utf-8")
    with pytest.raises(UnitsError, match="ZZ"):
        UnitRegistry.from_csv(bad)
