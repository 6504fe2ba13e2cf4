"""An alert reads in the reader's language: made from its rule and parameters when shown."""

import importlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from kawal.custody import alert_text, rules
from kawal.custody.models import Alert

WIB = ZoneInfo("Asia/Jakarta")
migration = importlib.import_module("kawal.custody.migrations.0008_alert_params")


def _read(finding: rules.Finding, language: str) -> str:
    with translation.override(language):
        return alert_text.message(finding.rule, finding.params)


@pytest.mark.parametrize(
    ("finding", "english", "indonesian"),
    [
        (
            rules.escort("departed", ["tni"], rules.Config())[0],
            "departure without a Polri escort",
            "berangkat tanpa pengawal Polri",
        ),
        (
            rules.escort("departed", ["polri"], rules.Config(require_joint_escort=True))[0],
            "departure without the required TNI escort",
            "berangkat tanpa pengawal TNI yang diwajibkan",
        ),
        (
            rules.seals("arrived", ["S-1", "S-9"], ["S-1", "S-2"])[0],
            "seals differ from sealing: missing S-2; unknown S-9",
            "segel berbeda dengan saat penyegelan: hilang S-2; tidak dikenal S-9",
        ),
        (
            rules.place("35.10.01.2001-001-BUP", "35.10.02", None, None, rules.Config())[0],
            "place 35.10.02 is not on the box's route",
            "tempat 35.10.02 tidak berada di rute kotak ini",
        ),
        (
            rules.place(
                "35.10.01.2001-001-BUP", "35.10.01.2001-001", (-8.3, 114.2), (-8.4, 114.2),
                rules.Config(max_distance_km=2.5),
            )[0],
            "recorded 11.1 km from 35.10.01.2001-001 (allowed 2.5 km)",
            "dicatat 11,1 km dari 35.10.01.2001-001 (batas 2,5 km)",
        ),
        (
            rules.in_plan("departed", "35.10.01.2001-001-BUP", ["75012827"], frozenset())[0],
            "escort 75012827 is not assigned to box 35.10.01.2001-001-BUP in the approved plan",
            (
                "pengawal 75012827 tidak ditugaskan pada kotak 35.10.01.2001-001-BUP dalam"
                " rencana pengerahan yang disetujui"
            ),
        ),
        (
            rules.gps("arrived", None, rules.Config(require_gps=True))[0],
            "arrived recorded without a GPS fix",
            "tiba dicatat tanpa titik GPS",
        ),
    ],
)
def test_each_rules_finding_reads_in_english_and_in_indonesian(finding, english, indonesian):
    assert _read(finding, "en") == english
    assert _read(finding, "id") == indonesian


def test_a_step_out_of_order_names_the_event_and_the_state_in_words():
    params = {"kind": "opened", "level": "tps", "state": "at_kpu_warehouse"}
    with translation.override("id"):
        text = alert_text.message(rules.SKIPPED_LEG, params)
    assert text == "dibuka di TPS saat kotak di gudang KPU: langkah sebelumnya tidak tercatat"


def test_a_computed_alert_shows_its_deadline_in_wib():
    due = datetime(2024, 11, 27, 13, 0, tzinfo=ZoneInfo("UTC")).isoformat()
    with translation.override("id"):
        text = alert_text.message(rules.OVERDUE, {"due": due})
    assert text == "masih dalam perjalanan melewati batas tiba 27 Nov 20:00"


def test_rule_severity_and_status_are_words_in_indonesian():
    with translation.override("id"):
        assert alert_text.rule_label("seal_mismatch") == "segel berbeda"
        assert Alert(rule="escort", severity="critical", status="open").get_severity_display() == (
            "kritis"
        )
        assert alert_text.rule_label("made_up") == "made_up"


def test_a_correction_alert_names_the_corrected_event_in_words():
    params = {"kind": "departed", "event": "6f1c2a4e-8f0b", "note": "escorts not entered"}
    with translation.override("id"):
        text = alert_text.message(rules.CORRECTION, params)
    assert text == "koreksi atas berangkat 6f1c2a4e: escorts not entered"


def test_a_handlers_note_line_reads_in_words():
    note = (
        "[2024-11-27 20:05 polsek-genteng, acknowledged] escort on its way\n"
        "resolved by the ledger: the event was corrected"
    )
    with translation.override("id"):
        lines = alert_text.note_lines(note)
    assert lines == [
        "[27 Nov 20:05 polsek-genteng, diketahui] escort on its way",
        "diselesaikan oleh buku besar: kejadiannya telah dikoreksi",
    ]


@pytest.mark.parametrize(
    ("stored", "params"),
    [
        ("departure without a Polri escort", {"force": "polri"}),
        ("departure without the required TNI escort", {"force": "tni"}),
        (
            "seals differ from sealing: missing KPU-1, KPU-2; unknown X-9",
            {"missing": ["KPU-1", "KPU-2"], "unknown": ["X-9"]},
        ),
        ("seals differ from sealing: unknown X-9", {"missing": [], "unknown": ["X-9"]}),
        (
            "opened at TPS while the box is at_kpu_warehouse: a step before it was not recorded",
            {"kind": "opened", "level": "tps", "state": "at_kpu_warehouse"},
        ),
        ("arrived at PPS without passing the PPK", {"level": "pps", "skipped": "ppk"}),
        ("place 35.10.02 is not on the box's route", {"place": "35.10.02"}),
        (
            "recorded 11.1 km from 35.10.01.2001-001 (allowed 2 km)",
            {"place": "35.10.01.2001-001", "km": 11.1, "allowed": 2.0},
        ),
        (
            "correction of departed 6f1c2a4e-8f0b-4c51-9d7e-0a1b2c3d4e5f: escorts not entered",
            {"kind": "departed", "event": "6f1c2a4e-8f0b-4c51-9d7e-0a1b2c3d4e5f",
             "note": "escorts not entered"},
        ),
        ("synthetic", {"text": "synthetic"}),
    ],
)
def test_the_migration_reads_each_stored_sentence_back_into_its_parameters(stored, params):
    assert migration.params_of(stored) == params


@pytest.mark.parametrize(
    ("rule", "stored"),
    [
        ("escort", "departure without a Polri escort"),
        ("seal_mismatch", "seals differ from sealing: missing KPU-1, KPU-2; unknown X-9"),
        ("skipped_leg", "arrived at PPS without passing the PPK"),
        ("place", "recorded 11.1 km from 35.10.01.2001-001 (allowed 2 km)"),
        ("escort", "synthetic"),
    ],
)
def test_a_migrated_alert_reads_as_before_in_english(rule, stored):
    with translation.override("en"):
        assert alert_text.message(rule, migration.params_of(stored)) == stored


def test_a_reader_who_doesnt_see_personnel_reads_an_unplanned_escort_without_its_nrp():
    finding = rules.in_plan("handed_over", "35.10.01.2001-001-BUP", ["75012827"], frozenset())[0]
    params = alert_text.for_reader(finding.params, sees_personnel=False)
    assert params == {"box": "35.10.01.2001-001-BUP"}
    assert alert_text.for_reader(finding.params, sees_personnel=True) == finding.params
    for language in ("en", "id"):
        with translation.override(language):
            shown = alert_text.message(finding.rule, params)
        assert "75012827" not in shown and "35.10.01.2001-001-BUP" in shown
