from pathlib import Path

import pytest
import yaml

from aggregator.forms import FormRegistry, FormSpec, FormSpecError, load_form
from aggregator.workspace.settings import shipped_templates_dir

KTCV = shipped_templates_dir() / "forms" / "ktcv.yaml"


def test_ktcv_has_every_indicator_of_the_brief():
    spec = load_form(KTCV)
    codes = [i.code for i in spec.indicators]
    assert len(codes) == 49
    assert codes[:3] == ["1", "1.1", "1.2"]
    assert {"5.8", "6.2.4", "8.2.3", "10.2", "14.2", "18"} <= set(codes)
    assert spec.text_codes == ["15", "16", "17", "18"]


def test_ktcv_rules_match_the_brief():
    spec = load_form(KTCV)
    described = {r.describe(): r.severity for r in spec.rules}
    assert described["1 = 1.1 + 1.2"] == "error"
    assert described["6.2 = 6.2.1 + 6.2.2 + 6.2.3 + 6.2.4"] == "error"
    assert described["8 = 9 + 10 + 11"] == "error"
    assert described["4 ≤ 3"] == "error"
    assert described["14.2 ≤ 14.1"] == "error"
    assert described["12 ≥ 9.3 + 10.2"] == "warning"
    assert spec.formula_hint("5") == "= 5.1 + 5.2 + 5.3 + 5.4 + 5.5 + 5.6 + 5.7 + 5.8"


def test_spec_round_trips_through_yaml():
    spec = load_form(KTCV)
    again = FormSpec.model_validate(yaml.safe_load(yaml.safe_dump(spec.model_dump(mode="json"))))
    assert again == spec


@pytest.mark.parametrize(
    "mutation, message",
    [
        (lambda d: d["rules"].append({"kind": "sum", "left": ["1"], "right": ["99"]}), "99"),
        (lambda d: d["sections"][0]["indicators"].append(dict(d["sections"][0]["indicators"][0])),
         "duplicate"),
        (lambda d: d["rules"].append({"kind": "sum", "left": ["1"], "right": ["15"]}), "15"),
        (lambda d: d.update(code="ktcv lower"), "code"),
    ],
)
def test_author_mistakes_are_reported_at_load(tmp_path: Path, mutation, message):
    data = yaml.safe_load(KTCV.read_text(encoding="utf-8"))
    mutation(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FormSpecError, match=message):
        load_form(path)


def test_workspace_forms_override_shipped_ones(tmp_path: Path):
    data = yaml.safe_load(KTCV.read_text(encoding="utf-8"))
    data["version"] = 7
    (tmp_path / "ktcv.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert FormRegistry.default(tmp_path)["KTCV"].version == 7
    assert FormRegistry.default()["KTCV"].version == 1
