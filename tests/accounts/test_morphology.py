"""Grammatical cases of municipality names: pymorphy3 for single words, explicit rules for the
classes of official names it gets wrong (descriptors, quoted names, «город X»)."""

import pytest

from accounts.models import Municipality
from accounts.morphology import inflect_name
from tests.factories import RegionFactory

CASES = [
    ("город Норильск", "города Норильска", "городе Норильске"),
    ("Нижневартовский район", "Нижневартовского района", "Нижневартовском районе"),
    (
        "Таймырский Долгано-Ненецкий муниципальный район",
        "Таймырского Долгано-Ненецкого муниципального района",
        "Таймырском Долгано-Ненецком муниципальном районе",
    ),
    ("городской округ Химки", "городского округа Химки", "городском округе Химки"),
    ("городской округ город Уфа", "городского округа город Уфа", "городском округе город Уфа"),
    (
        "муниципальное образование город Краснодар",
        "муниципального образования город Краснодар",
        "муниципальном образовании город Краснодар",
    ),
    (
        "муниципальное образование «Город Архангельск»",
        "муниципального образования «Город Архангельск»",
        "муниципальном образовании «Город Архангельск»",
    ),
    ("муниципальный округ Ступино", "муниципального округа Ступино", "муниципальном округе Ступино"),
    ("ЗАТО Северск", "ЗАТО Северск", "ЗАТО Северск"),
    ("город Ханты-Мансийск", "города Ханты-Мансийска", "городе Ханты-Мансийске"),
    ("город Пермь", "города Перми", "городе Перми"),
    ("город Сочи", "города Сочи", "городе Сочи"),
    ("город Пушкино", "города Пушкино", "городе Пушкино"),
    ("город Набережные Челны", "города Набережных Челнов", "городе Набережных Челнах"),
    ("город Старый Оскол", "города Старого Оскола", "городе Старом Осколе"),
    ("Норильск", "Норильска", "Норильске"),
]


@pytest.mark.parametrize(("name", "genitive", "prepositional"), CASES)
def test_official_names_are_inflected(name, genitive, prepositional):
    assert inflect_name(name, "genitive") == genitive
    assert inflect_name(name, "prepositional") == prepositional


def test_municipality_gets_defaults_and_keeps_what_was_typed(db):
    region = RegionFactory()
    m = Municipality.objects.create(region=region, name="город Норильск")
    assert (m.name_genitive, m.name_prepositional) == ("города Норильска", "городе Норильске")
    m.name_genitive = "муниципального образования город Норильск"
    m.save()
    m.refresh_from_db()
    assert m.name_genitive == "муниципального образования город Норильск"
    assert m.genitive == "муниципального образования город Норильск" and m.prepositional == "городе Норильске"
