"""devtools.template reads template.yaml with libyaml and gets what the pure-Python loader gets."""

from __future__ import annotations

from pathlib import Path

import yaml

from devtools import template
from devtools.template import TEMPLATE_PATH, load_template


class _PurePythonCfnLoader(yaml.SafeLoader):
    """The same short-form tags on PyYAML's pure-Python SafeLoader."""


_PurePythonCfnLoader.add_multi_constructor("!", template._construct_tag)


def test_the_template_reads_as_the_pure_python_safe_loader_reads_it() -> None:
    with TEMPLATE_PATH.open(encoding="utf-8") as handle:
        expected = yaml.load(handle, Loader=_PurePythonCfnLoader)  # noqa: S506 - SafeLoader subclass

    assert load_template() == expected
    assert issubclass(template._CfnLoader, yaml.CSafeLoader)


def test_short_form_tags_read_as_their_long_forms(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n"
        "  Fn:\n"
        "    Properties:\n"
        "      Role: !GetAtt Role.Arn\n"
        "      Name: !Ref Stage\n"
        "      Url: !Sub 'https://${Api}.example'\n"
        "      Both: !Join ['', [!Ref A, !Ref B]]\n",
        encoding="utf-8",
    )

    properties = load_template(path)["Resources"]["Fn"]["Properties"]

    assert properties == {
        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        "Name": {"Ref": "Stage"},
        "Url": {"Fn::Sub": "https://${Api}.example"},
        "Both": {"Fn::Join": ["", [{"Ref": "A"}, {"Ref": "B"}]]},
    }
