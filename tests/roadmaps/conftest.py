import json

import pytest

from roadmaps import services
from roadmaps.demo import samples_dir as _samples_dir
from roadmaps.importers import read_roadmap

SAMPLES = _samples_dir()
SAMPLE_NAMES = sorted(p.stem for p in SAMPLES.glob("*.json"))


def sample_json(stem: str) -> dict:
    return json.loads((SAMPLES / f"{stem}.json").read_text(encoding="utf-8"))


def expected_structure(stem: str) -> list[tuple[str, str, list[str]]]:
    """(section number, section title, [activity numbers]) from a sample's .json."""
    out: list[tuple[str, str, list[str]]] = []
    for row in sample_json(stem)["rows"]:
        if row["kind"] == "section":
            out.append((row["number"], row["title"], []))
        else:
            out[-1][2].append(row["cells"][0])
    return out


@pytest.fixture
def samples_dir():
    assert SAMPLES.is_dir(), f"нет каталога {SAMPLES}"
    return SAMPLES


@pytest.fixture
def import_sample(samples_dir):
    """Import a sample file as the municipal roadmap of `municipality` (no scope check: operator)."""

    def run(name: str, municipality, *, user=None, organization=None):
        path = samples_dir / name
        with path.open("rb") as fh:
            document = read_roadmap(fh, name)
        return services.roadmap_import(
            document=document, user=user, municipality=municipality, organization=organization
        )

    return run


@pytest.fixture
def home_roadmap(world, import_sample):
    """The Norilsk sample as the home municipality's roadmap, with school copies for both schools."""
    roadmap = import_sample("000_567cfd1ce6be8eda.docx", world.home.municipality)
    services.roadmap_derive_school(
        roadmap=roadmap, organizations=[world.home.school, world.home.other_school], user=world.home.coordinator
    )
    return roadmap
