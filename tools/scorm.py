"""Package the built MicroSim folder as a SCORM 1.2 content package (a zip file).

The zip contains the folder's files and an imsmanifest.xml at its root. The manifest
declares one organization with one item, launched from one SCO resource (main.html),
and lists every file of the package as a <file> of that resource. site/scorm.js, which
main.html loads, talks to the LMS at run time.

NOTE: the ADL schema files (imscp_rootv1p1p2.xsd and friends) are not included,
so the manifest names no xsi:schemaLocation. Moodle, Canvas and SCORM Cloud import
packages without them; an LMS that validates strictly may ask for them.

Usage: python3 tools/scorm.py [--directory DIR] [--output ZIP]
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from microsim import NAME, TITLE, VERSION  # noqa: E402

APP_DIR = ROOT / "dist" / NAME
OUTPUT = ROOT / "dist" / f"{NAME}-scorm12.zip"
MANIFEST = "imsmanifest.xml"
IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
# A fixed timestamp makes the zip depend on the files' contents only.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def package_files(app_dir: Path) -> list:
    """Return the folder's files as sorted POSIX paths relative to it."""
    return sorted(path.relative_to(app_dir).as_posix() for path in app_dir.rglob("*") if path.is_file())


def indent(node, level: int = 0) -> None:
    """Indent an element tree by two spaces a level (ElementTree.indent needs 3.9)."""
    children = list(node)
    if not children:
        return
    node.text = "\n" + "  " * (level + 1)
    for child in children:
        indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    children[-1].tail = "\n" + "  " * level


def manifest_xml(files: list) -> bytes:
    """Return imsmanifest.xml for a single SCO launched from main.html."""
    ElementTree.register_namespace("", IMSCP)
    ElementTree.register_namespace("adlcp", ADLCP)

    def element(parent, tag, attributes=None, text=None, namespace=IMSCP):
        node = ElementTree.SubElement(parent, f"{{{namespace}}}{tag}", attributes or {})
        if text is not None:
            node.text = text
        return node

    manifest = ElementTree.Element(f"{{{IMSCP}}}manifest", {"identifier": f"{NAME}-microsim", "version": VERSION})
    metadata = element(manifest, "metadata")
    element(metadata, "schema", text="ADL SCORM")
    element(metadata, "schemaversion", text="1.2")

    organizations = element(manifest, "organizations", {"default": "organization-1"})
    organization = element(organizations, "organization", {"identifier": "organization-1"})
    element(organization, "title", text=f"{TITLE} MicroSim")
    item = element(organization, "item", {"identifier": "item-1", "identifierref": "sco-1", "isvisible": "true"})
    element(item, "title", text=f"{TITLE} MicroSim")

    resources = element(manifest, "resources")
    resource = element(
        resources,
        "resource",
        {"identifier": "sco-1", "type": "webcontent", f"{{{ADLCP}}}scormtype": "sco", "href": "main.html"},
    )
    for path in files:
        element(resource, "file", {"href": path})

    indent(manifest)
    return ElementTree.tostring(manifest, encoding="UTF-8", xml_declaration=True) + b"\n"


def build_package(app_dir: Path = APP_DIR, output: Path = OUTPUT) -> Path:
    """Write the SCORM 1.2 zip of app_dir to output and return it."""
    files = package_files(app_dir)
    if "main.html" not in files:
        raise FileNotFoundError(f"{app_dir} has no main.html; build the folder first")
    temporary = output.with_name(output.name + ".tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        entries = [(MANIFEST, manifest_xml(files))] + [(path, (app_dir / path).read_bytes()) for path in files]
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    temporary.replace(output)
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", type=Path, default=APP_DIR, help="built MicroSim folder")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="zip file to write")
    args = parser.parse_args()
    output = build_package(args.directory, args.output)
    print(f"scorm: wrote {output} ({output.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
