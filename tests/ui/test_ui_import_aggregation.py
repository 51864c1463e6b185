"""The import wizard on order-line files: aggregation proposed, rules per column, sites,
and the confirmation before a file that locates nothing replaces every account."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWizard
from td_superstore import read_back, superstore_rows, write_superstore

from territory_designer.core.project import Project
from territory_designer.ui.dialogs.import_wizard import ImportWizard
from territory_designer.ui.dialogs.prompts import Prompts, ScriptedPrompts
from territory_designer.ui.session import Session


@pytest.fixture
def session(qtbot, demo_project: Project) -> Session:  # noqa: ANN001
    return Session(demo_project)


def open_wizard(qtbot, session: Session, path: Path, prompts=None) -> ImportWizard:  # noqa: ANN001
    wizard = ImportWizard(session, prompts or ScriptedPrompts(), path)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def shown_text(wizard: ImportWizard) -> str:
    """Every label's text on the wizard's pages: what the user reads."""
    return "\n".join(label.text() for label in wizard.findChildren(QLabel))


def wait_summary(qtbot, wizard: ImportWizard) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=30000)


def test_repeated_ids_are_noticed_and_rules_can_be_overridden(qtbot, session, tmp_path):  # noqa: ANN001
    path = write_superstore(tmp_path / "superstore.xlsx")
    wizard = open_wizard(qtbot, session, path)
    wizard.next()
    m = wizard.mapping_page
    box = m.aggregation
    assert box.proposal.isVisibleTo(wizard) and "AB-10000" in box.proposal.text()
    assert box.proposal_button.text() == "Aggregate by “Customer ID”"
    assert not box.rules_table.isVisibleTo(wizard)
    box.proposal_button.click()
    assert m.aggregate_check.isChecked() and m.aggregate_combo.currentText() == "Customer ID"
    assert not box.proposal.isVisibleTo(wizard)
    assert box.rules_table.isVisibleTo(wizard)
    assert box.rule_combos["Discount"].currentText() == "automatic (average (weighted by revenue))"
    assert box.rule_combos["Row ID"].currentText() == "automatic (leave out)"
    assert box.rule_combos["Profit"].currentText() == "automatic (sum)"
    assert "Postal Code" not in box.rule_combos  # the location is never summed
    combo = box.rule_combos["Discount"]
    combo.setCurrentIndex(combo.findData("sum"))  # the user's choice
    wizard.next()
    wait_summary(qtbot, wizard)
    text = wizard.summary_page.summary.text()
    assert "14</b> accounts" in text and "customers span several locations" in text
    assert "--" not in shown_text(wizard)  # a GUI user is never told about a flag
    wizard.button(QWizard.WizardButton.FinishButton).click()
    df = read_back(path)
    t = session.project.accounts.table.set_index("account_id")
    g = df.groupby("Customer ID")
    np.testing.assert_allclose(t.loc[g.size().index, "Discount"], g["Discount"].sum())
    np.testing.assert_allclose(t.loc[g.size().index, "Profit"], g["Profit"].sum())
    assert "Row ID" not in t.columns
    assert "Row ID" not in session.project.weight_fields


def test_repeats_beyond_the_preview_bring_the_user_back_with_a_proposal(qtbot, session, tmp_path):  # noqa: ANN001
    rows = superstore_rows(n_customers=25)
    header, body = rows[0], rows[1:]
    first = {}
    for r in body:
        first.setdefault(r[4], r)
    ordered = list(first.values()) + [r for r in body if first[r[4]] is not r]
    path = write_superstore(tmp_path / "late_repeats.xlsx", [header, *ordered])
    wizard = open_wizard(qtbot, session, path)
    wizard.next()
    box = wizard.mapping_page.aggregation
    assert not box.proposal.isVisibleTo(wizard)  # 20 preview rows, all different customers
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=30000)
    assert box.proposal.isVisibleTo(wizard) and "appears on rows" in box.proposal.text()
    assert "--" not in shown_text(wizard)
    box.proposal_button.click()
    wizard.next()
    wait_summary(qtbot, wizard)
    assert wizard.prepared.report.accounts == 25


def test_summary_offers_sites_and_reruns_with_them(qtbot, session, tmp_path):  # noqa: ANN001
    path = write_superstore(tmp_path / "superstore.xlsx")
    wizard = open_wizard(qtbot, session, path)
    wizard.next()
    wizard.mapping_page.aggregation.proposal_button.click()
    wizard.next()
    wait_summary(qtbot, wizard)
    s = wizard.summary_page
    assert s.sites_button.isVisibleTo(wizard)
    s.sites_button.click()
    wait_summary(qtbot, wizard)
    df = read_back(path)
    n_sites = len(df.groupby(["Customer ID", "Postal Code"]))
    assert wizard.prepared.report.sites and wizard.prepared.report.accounts == n_sites
    assert not s.sites_button.isVisibleTo(wizard)
    assert f"({n_sites} sites)" in s.summary.text()
    wizard.accept()
    assert len(session.project.accounts) == n_sites


def write_notes(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["Customer ID", "Customer Name", "Revenue"])
    ws.append(["N1", "Raleigh Supply", 1200])
    ws.append(["N2", "Charlotte Tools", 800])
    wb.save(path)
    return path


def test_a_sheet_that_locates_nothing_asks_before_replacing_every_account(qtbot, session, tmp_path):  # noqa: ANN001
    path = write_notes(tmp_path / "notes.xlsx")
    before = session.project.revision
    prompts = ScriptedPrompts(replace_all_accounts=False)
    wizard = open_wizard(qtbot, session, path, prompts)
    wizard.next()
    wizard.next()
    run = wizard.run_page
    qtbot.waitUntil(lambda: run.error.isVisibleTo(wizard), timeout=30000)
    assert any("remove all 1,480 accounts" in a for a in prompts.asked)
    assert "Nothing was imported" in run.error.text() and "--" not in run.error.text()
    assert wizard.prepared is None and session.project.revision == before
    wizard.reject()
    assert len(session.project.accounts) == 1480

    prompts = ScriptedPrompts(replace_all_accounts=True)
    wizard = open_wizard(qtbot, session, path, prompts)
    wizard.next()
    wizard.next()
    wait_summary(qtbot, wizard)
    wizard.accept()
    assert sorted(session.project.accounts.table["account_id"]) == ["N1", "N2"]
    session.undo_stack.undo()
    assert len(session.project.accounts) == 1480


def test_replace_all_dialog_defaults_to_cancel(qtbot):  # noqa: ANN001
    answered = []

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        answered.append(box.defaultButton().text())
        box.defaultButton().click()

    QTimer.singleShot(0, press_enter)
    assert Prompts().confirm_replace_all_accounts(None, "would remove all accounts") is False
    assert answered == ["Cancel"]
