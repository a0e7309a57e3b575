"""The stand-in lives in devtools only: no function or layer of the template packages devtools/."""

from __future__ import annotations

from devtools.template import ROOT, load_template


def test_no_resource_of_the_template_packages_devtools() -> None:
    resources = load_template(ROOT / "template.yaml")["Resources"]

    uris = {
        name: str(resource.get("Properties", {}).get(key))
        for name, resource in resources.items()
        for key in ("CodeUri", "ContentUri")
        if key in resource.get("Properties", {})
    }
    assert uris, "the template packages functions and a layer"
    assert not [name for name, uri in uris.items() if "devtools" in uri or uri.strip("./") == ""]
