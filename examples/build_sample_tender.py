"""Build the bundled sample tender and the findings a correct scan should report.

Everything in the document is invented: the Trust, its figures, people, places and
requirements. Run it with the project's virtual environment::

    .venv/bin/python examples/build_sample_tender.py

It writes ``sample_tender.pdf`` and ``sample_tender.expected.json`` next to itself.
Both come from the same data below, so the expected findings cannot drift from the
document. The PDF is byte-identical across runs (``invariant=1``).

Layout features the ingestion tests rely on:

* a running header and a "Page N of M" footer on every page, in small type;
* numbered headings in a larger bold font;
* a ruled requirements table (GRID) whose header row repeats across a page break;
* exactly one page set in two columns (two frames in one page template);
* words hyphenated at a line end ("imple-" / "mentation");
* Helvetica 10 pt body text, no images.

Conventions in the data: a :class:`Unit` is one sentence, clause, list item or table
row. ``~`` inside a unit marks the point where a word is broken with a hyphen at the
end of a line; the expected JSON holds the joined word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

HERE = Path(__file__).resolve().parent
PDF_PATH = HERE / "sample_tender.pdf"
JSON_PATH = HERE / "sample_tender.expected.json"

BUYER = "Northmoor Community Health NHS Trust"
REFERENCE = "NCHT-2026-014"
TITLE = "Remote Monitoring Platform for Heart Failure Patients"
HEADER_TEXT = f"{BUYER} | ITT {REFERENCE} | OFFICIAL"
ROUTE = {"regime": "pa2023", "route": "open"}
HYPHEN_MARK = "~"

# --------------------------------------------------------------------------- #
# Data model
# --------------------------------------------------------------------------- #

Label = Literal["mandatory", "desirable"]


@dataclass(frozen=True)
class Unit:
    """One sentence, clause, list item or table row of the document."""

    text: str
    label: Label | None = None
    obligations: tuple[str, ...] = ()
    implicit: tuple[str, ...] = ()

    @property
    def plain(self) -> str:
        """The text as a reader sees it, with any line-end hyphenation joined."""
        return self.text.replace(HYPHEN_MARK, "")


def M(text: str, *obligations: str) -> Unit:
    """A mandatory requirement."""
    return Unit(text, "mandatory", obligations)


def D(text: str, *obligations: str) -> Unit:
    """A desirable requirement."""
    return Unit(text, "desirable", obligations)


def N(text: str, *obligations: str) -> Unit:
    """A sentence that is not a requirement (background, definition, right, fact)."""
    return Unit(text, None, obligations)


UnitLike = Unit | str


def as_unit(item: UnitLike) -> Unit:
    return item if isinstance(item, Unit) else N(item)


@dataclass(frozen=True)
class Heading:
    level: Literal[1, 2]
    title: str
    number: str | None = None  # overrides the automatic number (appendices)


@dataclass(frozen=True)
class Para:
    units: tuple[Unit, ...]
    clause: bool = True  # numbered clause (3.2.1) or plain paragraph
    style: str = "body"


def C(*units: UnitLike) -> Para:
    """A numbered clause."""
    return Para(tuple(as_unit(u) for u in units))


def P(*units: UnitLike, style: str = "body") -> Para:
    """An unnumbered paragraph."""
    return Para(tuple(as_unit(u) for u in units), clause=False, style=style)


Markers = Literal["alpha", "roman"] | tuple[str, ...]


@dataclass(frozen=True)
class ListBlock:
    lead: Para | None
    items: tuple[Unit, ...]
    markers: Markers = "alpha"


def L(lead: Para | None, markers: Markers, *items: UnitLike) -> ListBlock:
    return ListBlock(lead, tuple(as_unit(i) for i in items), markers)


@dataclass(frozen=True)
class Caption:
    text: str
    keep_with_next: bool = True  # False lets a long table start low on a page


@dataclass(frozen=True)
class KeyDate:
    key: str
    label: str
    day: date
    time: str | None = None

    @property
    def display(self) -> str:
        text = f"{self.day.day} {MONTHS[self.day.month - 1]} {self.day.year}"
        return f"{self.time} on {text}" if self.time else text


@dataclass(frozen=True)
class ReqRow:
    unit: Unit
    category: str


@dataclass(frozen=True)
class Criterion:
    ref: str
    name: Unit
    weighting: int


class KeyDatesTable:
    """Marker block: the key dates table (Table 2)."""


class RequirementsTableBlock:
    """Marker block: the requirements schedule (Table 1)."""


class CriteriaTable:
    """Marker block: the award criteria (Table 3)."""


class DetailsTable:
    """Marker block: the procurement details on the cover."""


class ContentsList:
    """Marker block: the contents list on the cover, built from the headings."""


class NewPage:
    """Marker block: start a new page."""


class TwoColumnStart:
    """Marker block: the following blocks go on the single two-column page."""


class TwoColumnEnd:
    """Marker block: back to the one-column layout."""


Block = (
    Heading
    | Para
    | ListBlock
    | Caption
    | KeyDatesTable
    | RequirementsTableBlock
    | CriteriaTable
    | DetailsTable
    | ContentsList
    | NewPage
    | TwoColumnStart
    | TwoColumnEnd
)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# --------------------------------------------------------------------------- #
# Content (all invented)
# --------------------------------------------------------------------------- #

KEY_DATES: tuple[KeyDate, ...] = (
    KeyDate("publication", "Tender notice and ITT published", date(2026, 2, 2)),
    KeyDate("clarification", "Clarification deadline", date(2026, 3, 2), "5:00pm"),
    KeyDate("answers", "Final responses to clarification questions", date(2026, 3, 6)),
    KeyDate("submission", "Tender submission deadline", date(2026, 3, 16), "12:00 noon"),
    KeyDate("evaluation_start", "Evaluation of tenders starts", date(2026, 3, 17)),
    KeyDate("evaluation_end", "Evaluation and moderation complete", date(2026, 4, 2)),
    KeyDate(
        "award_notice",
        "Assessment summaries issued and contract award notice published",
        date(2026, 4, 17),
    ),
    KeyDate("standstill", "Standstill period ends", date(2026, 4, 29)),
    KeyDate("award", "Contract award (signature)", date(2026, 5, 5)),
    KeyDate("start", "Contract start date", date(2026, 6, 1)),
    KeyDate("go_live", "Go-live of phase one", date(2026, 9, 1)),
)
KD = {k.key: k for k in KEY_DATES}

CATEGORY_NAMES = {
    "technical": "Technical",
    "functional": "Functional",
    "information_governance": "Information governance",
    "clinical_safety": "Clinical safety",
    "service_levels": "Service levels",
    "staffing": "Staffing",
    "commercial": "Commercial",
    "social_value_environment": "Social value and environment",
    "reporting": "Reporting",
    "implementation": "Implementation",
}

REQUIREMENTS: tuple[ReqRow, ...] = (
    ReqRow(
        M(
            "The Platform shall raise an amber alert to the responsible team within "
            "15 minutes of a reading breaching an amber threshold."
        ),
        "functional",
    ),
    ReqRow(
        M(
            "The Platform shall raise a red alert to the duty clinician within 5 "
            "minutes of a reading breaching a red threshold."
        ),
        "functional",
    ),
    ReqRow(
        M("The Platform shall allow thresholds to be set for each patient."),
        "functional",
    ),
    ReqRow(
        M("The Platform shall record the user, time and reason for every change to a patient's thresholds."),
        "clinical_safety",
    ),
    ReqRow(
        M("The patient app must run on iOS and Android devices released in the previous five years."),
        "technical",
    ),
    ReqRow(
        M("The Supplier shall supply a cellular hub to any patient who does not have home broadband."),
        "technical",
    ),
    ReqRow(
        D("The Platform should accept readings from devices made by other manufacturers."),
        "technical",
    ),
    ReqRow(
        M(
            "The Platform shall produce a PDF summary of a patient's readings that "
            "can be filed in the electronic patient record."
        ),
        "functional",
    ),
    ReqRow(
        D(
            "The Platform should detect a rising weight trend over three consecutive "
            "days without a threshold being breached."
        ),
        "functional",
    ),
    ReqRow(
        M(
            "The Supplier shall host the Platform in UK data centres certified to ISO/IEC 27001.",
            "ISO_27001",
        ),
        "information_governance",
    ),
    ReqRow(
        M("The Supplier must keep audit logs for at least eight years."),
        "information_governance",
    ),
    ReqRow(
        M(
            "The Supplier shall support the Trust's DCB0160 deployment safety case for each phase of the roll-out.",
            "DCB0160",
        ),
        "clinical_safety",
    ),
    ReqRow(
        M("The Supplier must issue release notes at least ten Working Days before each release."),
        "service_levels",
    ),
    ReqRow(
        M("The Platform shall allow patients to add a free-text comment to each reading."),
        "functional",
    ),
    ReqRow(
        D("Preferably, the clinician dashboard should support video consultations with patients."),
        "functional",
    ),
    ReqRow(
        M("The Platform shall allow a patient to be discharged from monitoring and their record to be archived."),
        "functional",
    ),
    ReqRow(
        M("The Supplier shall collect, refurbish or recycle devices returned by patients at no extra charge."),
        "social_value_environment",
    ),
    ReqRow(
        D("The Supplier should use electric or low-emission vehicles for device deliveries and collections."),
        "social_value_environment",
    ),
    ReqRow(
        M("The Supplier shall provide a named account manager for the duration of the Contract."),
        "staffing",
    ),
    ReqRow(
        M("Supplier staff with access to patient data must complete data security awareness training every year."),
        "information_governance",
    ),
    ReqRow(
        M("The Supplier shall provide quarterly reports on patient engagement, alert volumes and response times."),
        "reporting",
    ),
    ReqRow(
        D("The Platform should report the number of patients whose alerts led to a change in medication."),
        "reporting",
    ),
    ReqRow(
        M("The Platform shall allow every report to be exported in CSV format."),
        "reporting",
    ),
    ReqRow(
        M("The Supplier shall provide a test environment that mirrors the live Platform."),
        "technical",
    ),
    ReqRow(
        M("The Platform must support at least 1,200 concurrent patients without loss of performance."),
        "technical",
    ),
    ReqRow(
        D(
            "The Supplier should offer an integration with GP Connect so that practices can view current readings.",
            "INTEROPERABILITY",
        ),
        "technical",
    ),
    ReqRow(
        M("The clinician dashboard shall run in a standard web browser on Trust-managed laptops and tablets."),
        "technical",
    ),
    ReqRow(
        M("The Supplier shall run a patient helpline from 08:00 to 20:00, seven days a week."),
        "service_levels",
    ),
    ReqRow(
        D("The Supplier should provide printed patient guides in an easy read format."),
        "functional",
    ),
    ReqRow(
        M("The Supplier shall replace a faulty device within two Working Days of being notified."),
        "service_levels",
    ),
    ReqRow(
        D("The Supplier should pay at least the Real Living Wage to all staff working on the Contract."),
        "social_value_environment",
    ),
    ReqRow(
        M("The Supplier shall provide a written progress report every two weeks until the go-live of phase two."),
        "implementation",
    ),
    ReqRow(
        M("The Supplier shall complete user acceptance testing with the Trust before each phase goes live."),
        "implementation",
    ),
    ReqRow(
        M("The Supplier shall run a clinical configuration workshop for each locality team."),
        "implementation",
    ),
    ReqRow(
        D("The Platform should let a carer view a patient's readings where the patient has given consent."),
        "functional",
    ),
    ReqRow(
        M("The Supplier must give the Trust at least six months' notice before it withdraws any device model."),
        "commercial",
    ),
    ReqRow(
        D(
            "The Supplier should offer a digital inclusion programme for patients "
            "with little experience of using technology."
        ),
        "social_value_environment",
    ),
    ReqRow(
        M(
            "The Supplier shall transfer knowledge of the Platform's configuration to "
            "the Trust's digital team before the Contract ends."
        ),
        "implementation",
    ),
)

CRITERIA: tuple[Criterion, ...] = (
    Criterion("Q1", N("Functional and technical solution"), 20),
    Criterion("Q2", N("Clinical safety and information governance"), 12),
    Criterion("Q3", N("Interoperability and integration", "INTEROPERABILITY"), 8),
    Criterion("Q4", N("Implementation, training and adoption"), 12),
    Criterion("Q5", N("Service management and support"), 8),
    Criterion(
        "Q6",
        N(
            "Social value (PPN 002): fighting climate change and tackling economic inequality",
            "SOCIAL_VALUE",
        ),
        10,
    ),
    Criterion("P1", N("Price (total evaluated price over five years)"), 30),
)

DETAILS: tuple[tuple[str, Unit], ...] = (
    ("Contracting authority", N(BUYER)),
    ("Procurement reference", N(REFERENCE)),
    ("Procedure", N("Open procedure (Procurement Act 2023)")),
    ("Estimated contract value", N("£1.2m excluding VAT (initial term)")),
    ("Contract term", N("Three years, with the option to extend by 2 x 12 months")),
    ("Issue date", N(KD["publication"].display)),
    ("Tender submission deadline", N(KD["submission"].display)),
    ("Document version", N("1.0 (final for issue)")),
)

IMPLICIT_CSO = Unit(
    "The Supplier shall appoint a named clinical safety officer, who is a registered "
    "healthcare professional, and that person must maintain a hazard log for the "
    "Platform and review it before every release.",
    "mandatory",
    implicit=("DCB0129",),
)

COVER: tuple[Block, ...] = (
    P(BUYER, style="cover_buyer"),
    P("Invitation to Tender", style="cover_title"),
    P(TITLE, style="cover_subtitle"),
    P(f"Procurement reference {REFERENCE}", style="cover_ref"),
    DetailsTable(),
    P(
        "This document contains the instructions to Bidders, the specification of "
        "requirements, the conditions of participation and the award criteria for "
        "the procurement described above.",
        "It is one of a set of tender documents issued through the Trust's e-tendering portal.",
    ),
    P("Contents", style="contents_title"),
    ContentsList(),
    P(
        "Classification: OFFICIAL. This document may be shared with members of the "
        "Bidder's organisation and its advisers for the purpose of preparing a tender.",
        style="small",
    ),
    NewPage(),
)

INTRODUCTION: tuple[Block, ...] = (
    Heading(1, "Introduction"),
    Heading(2, "Purpose of this document"),
    C(
        "This Invitation to Tender (ITT) sets out the information that Bidders need "
        "in order to prepare and submit a tender for a remote monitoring platform for "
        "adults living with heart failure.",
        "It contains the instructions for the procurement, the specification of "
        "requirements, the commercial terms, the conditions of participation and the "
        "award criteria against which tenders are assessed.",
    ),
    C(
        M("Bidders must read this ITT and all of its appendices in full before preparing a tender."),
        "The Trust accepts no liability for any costs that Bidders incur in "
        "responding to this ITT, whatever the outcome of the procurement.",
    ),
    Heading(2, "About the Trust"),
    C(
        f"{BUYER} provides community nursing, therapy and specialist long-term "
        "condition services to a population of approximately 410,000 people across "
        "the towns of Northmoor, Kelsbridge and Wyncombe and the surrounding rural "
        "parishes.",
        "The Trust employs around 2,300 staff and operates from 14 community sites, "
        "including two community hospitals with a combined total of 68 inpatient "
        "beds.",
    ),
    C(
        "Its specialist heart failure nursing team currently supports around 1,850 patients on the active caseload.",
        "Roughly a third of those patients have been admitted to hospital with "
        "decompensated heart failure in the last twelve months.",
    ),
    Heading(2, "Summary of the requirement"),
    C(
        "The Trust is seeking a single supplier to provide a cloud-hosted remote "
        "monitoring platform (the Platform), the associated patient devices, "
        "implementation services, training and ongoing support.",
        "The Platform is intended to let patients record vital signs and symptoms "
        "at home and to let the specialist heart failure team review those "
        "readings, respond to alerts and adjust care without the need for a clinic "
        "visit.",
    ),
    C(
        "The total estimated contract value is £1.2m excluding VAT over an initial "
        "term of three years with the option to extend by 2 x 12 months.",
        "The initial cohort is expected to be 400 patients, rising to a maximum of "
        "1,200 concurrent patients by the end of the second contract year.",
    ),
    C(
        "The Contract is for the use of the Trust only, and no other contracting "
        "authority is entitled to call off services under it.",
    ),
    Heading(2, "Definitions"),
    L(
        C("In this ITT the following terms have the meanings set out below:"),
        "alpha",
        '"Bidder" means an organisation that submits, or intends to submit, a tender in response to this ITT;',
        '"Contract" means the contract to be entered into between the Trust and the successful Bidder;',
        N(
            '"DTAC" means the Digital Technology Assessment Criteria, the assessment that '
            "NHS England publishes for digital health products;",
            "DTAC",
        ),
        '"Platform" means the remote monitoring software, hosting, integrations '
        "and patient devices described in Section 3;",
        '"Supplier" means the successful Bidder once the Contract has been awarded; and',
        '"Working Day" means any day other than a Saturday, a Sunday or a public holiday in England.',
    ),
)

BACKGROUND: tuple[Block, ...] = (
    TwoColumnStart(),
    Heading(1, "Background and strategic context"),
    Heading(2, "Heart failure in Northmoor"),
    P(
        "Heart failure is a long-term condition in which the heart does not pump "
        "blood around the body as well as it should.",
        "It is one of the most common reasons for emergency admission among people "
        "aged over 65 in Northmoor, and the rate of readmission within 30 days of "
        "discharge is higher than the regional average.",
    ),
    P(
        "The Trust's heart failure register holds around 5,800 patients, of whom "
        "approximately 1,850 are on the active caseload of the specialist nursing "
        "team.",
        "The local population is older than the England average, and almost a "
        "quarter of residents live in rural areas more than 20 miles from the "
        "nearest acute hospital.",
    ),
    P(
        "In 2024/25 there were 1,140 emergency admissions with a primary diagnosis "
        "of heart failure among Northmoor residents, with an average length of stay "
        "of 9.4 days.",
        "A local audit found that many of these admissions followed several days of "
        "gradual weight gain and worsening breathlessness that were not reported to "
        "the care team in time.",
        "Earlier contact in those cases might have allowed treatment to be adjusted at home.",
    ),
    Heading(2, "The current service"),
    P(
        "The specialist heart failure nursing service is delivered by 14 nurses working from three community hubs.",
        "Patients are reviewed in nurse-led clinics or at home, and between visits "
        "they are asked to weigh themselves every morning and to telephone the team "
        "if their weight rises by more than two kilograms in three days.",
    ),
    P(
        "In practice many patients do not keep paper diaries, and the readings that "
        "are kept are seen only at the next visit.",
        "Nurses spend a large part of each day travelling between visits, which "
        "limits both the number of patients who can be seen and how often each "
        "patient is contacted.",
    ),
    P(
        "A small pilot in 2023 used a basic telehealth system with 60 patients.",
        "It showed good patient acceptance and a fall in unplanned admissions, but "
        "the system could not share data with the Trust's patient record, so staff "
        "had to copy readings by hand, and the arrangement was not continued when "
        "the pilot ended.",
        "The lessons from the pilot, in particular the need for integration and for "
        "simple devices, have informed this procurement.",
    ),
    Heading(2, "Strategic context"),
    P(
        "The 10 Year Health Plan for England describes three shifts: from hospital "
        "to community, from analogue to digital and from sickness to prevention.",
        "Remote monitoring of long-term conditions supports all three, because it "
        "lets care be delivered closer to home and lets problems be found before "
        "they lead to an admission.",
    ),
    P(
        "The Northmoor and Kelsbridge Integrated Care Board has named heart failure "
        "as a priority in its joint forward plan.",
        "The Trust's digital strategy for 2025 to 2028 commits it to offering remote "
        "monitoring to every patient with a suitable long-term condition by March "
        "2028.",
    ),
    P(
        "The programme is also expected to free clinical time.",
        "Modelling by the Trust's transformation team estimates that remote review "
        "could release the equivalent of three whole-time nurses, whose time would "
        "be reinvested in caseload growth and in the virtual ward service that "
        "opened in 2025.",
    ),
    Heading(2, "Objectives"),
    L(
        P("Through this procurement the Trust aims to:"),
        "alpha",
        "reduce emergency admissions for heart failure among monitored patients by 20% within two years of go-live;",
        "improve patients' confidence in managing their own condition, measured by "
        "a validated questionnaire at enrolment and after six months;",
        "make better use of specialist nursing time by replacing routine visits "
        "with remote review where it is clinically appropriate; and",
        "give clinicians timely, structured data that flows into the patient record without manual transcription.",
    ),
    P(
        "Progress against these objectives is to be assessed jointly with the "
        "Northmoor Health Innovation Partnership, using routinely collected activity "
        "data and patient-reported outcome measures.",
        "The findings of the first year are due to be reported to the Trust Board in the autumn of 2027.",
    ),
    P(
        "The programme board includes two patient representatives from the "
        "Northmoor Heart Support Group, whose views have shaped the requirements in "
        "Section 3.",
        "Their main concerns were that devices are simple to set up, that readings "
        "are looked at promptly, and that patients who prefer not to use a "
        "smartphone are not left behind.",
        "A summary of their feedback is available to Bidders on request.",
    ),
    TwoColumnEnd(),
)

SPECIFICATION: tuple[Block, ...] = (
    Heading(1, "Specification of requirements"),
    Heading(2, "Scope of the Platform"),
    C(
        "The Platform is intended for use by the Trust's specialist heart failure "
        "nurses, community matrons and consultant cardiologists, and by patients "
        "and their carers at home.",
    ),
    C(
        M(
            "The Supplier shall provide the Platform as a hosted service, including "
            "all software, patient devices, connectivity, integrations, training and "
            "support needed to deliver the outcomes described in this Section."
        ),
    ),
    L(
        C(M("The Platform shall enable patients to:")),
        "alpha",
        M(
            "record daily weight, blood pressure, heart rate and oxygen saturation "
            "using Bluetooth-enabled devices supplied by the Supplier;"
        ),
        M(
            "complete a short symptom questionnaire covering breathlessness, ankle "
            "swelling, fatigue and sleeping position;"
        ),
        M("view their own readings and trends over at least the previous 90 days;"),
        M("receive a reminder when a scheduled reading has not been submitted; and"),
        M("send a secure message to the heart failure team."),
    ),
    L(
        C(M("The Platform shall give clinicians a web-based dashboard that:")),
        "roman",
        M("displays each patient's readings against the individual thresholds set by the responsible clinician;"),
        M("generates red, amber and green alerts when readings breach those thresholds;"),
        M("allows alerts to be acknowledged, assigned and closed with a recorded outcome;"),
        M("records every clinical action in an audit trail with user, date and time;"),
        M("offers caseload views filtered by team, clinician and alert status."),
    ),
    C(
        D(
            "The Platform should allow further monitored conditions, such as chronic "
            "obstructive pulmonary disease, to be added without a change to the core "
            "product."
        ),
        D("Questionnaires that clinicians can configure without Supplier involvement will be viewed favourably."),
    ),
    C(
        "The Trust may, at its discretion, extend the use of the Platform to other "
        "community teams during the Contract term.",
        M("The Supplier shall apply the unit rates in its tender to any such extension."),
    ),
    Heading(2, "Information Governance and Data Protection"),
    C(
        N(
            "For the purposes of the UK GDPR, the Trust is the controller and the "
            "Supplier acts as a processor of the personal data held in the Platform.",
            "UK_GDPR",
        ),
        M(
            "The Supplier shall process personal data only on the documented "
            "instructions of the Trust and in accordance with the UK GDPR and the "
            "Data Protection Act 2018.",
            "UK_GDPR",
        ),
    ),
    C(
        M(
            "The Supplier must publish a Data Security and Protection Toolkit "
            "assessment at the Standards Met level before the Contract start date, "
            "and must maintain that status in every year of the Contract.",
            "DSPT",
        ),
    ),
    C(
        M(
            "The Supplier is required to support the Trust in completing a Data "
            "Protection Impact Assessment (DPIA) before any patient data is "
            "processed.",
            "UK_GDPR",
        ),
        M(
            "Bidders are to submit a draft DPIA for the Platform with their tender.",
            "UK_GDPR",
        ),
    ),
    C(
        M("All personal data shall be stored and processed within the United Kingdom."),
        M(
            "No Supplier staff or subcontractor may access patient data from outside "
            "the United Kingdom without the prior written consent of the Trust."
        ),
    ),
    C(
        D(
            "The Supplier should hold ISO/IEC 27001 certification for an information "
            "security management system whose scope covers the Platform.",
            "ISO_27001",
        ),
    ),
    C(
        "The Trust may audit the Supplier's compliance with this Section on giving ten Working Days' notice.",
    ),
    Heading(2, "Clinical Safety"),
    C(
        M(
            "Throughout the Contract term, the Supplier shall comply with DCB0129, "
            "the clinical risk management standard that applies to manufacturers "
            "of health IT systems.",
            "DCB0129",
        ),
    ),
    C(IMPLICIT_CSO),
    C(
        M(
            "The Supplier shall provide all the information that the Trust "
            "reasonably needs to meet its own obligations under DCB0160, including "
            "input to the deployment safety case.",
            "DCB0160",
        ),
        "The Trust's Clinical Safety Group meets monthly and reviews every new digital system before it is deployed.",
    ),
    C(
        M(
            "Where the Platform, or any part of it, qualifies as a medical device "
            "under UK MDR 2002, the Supplier must ensure that it is UKCA or CE "
            "marked and registered with the MHRA.",
            "MEDICAL_DEVICE",
        ),
    ),
    C(
        M(
            "The Supplier shall notify the Trust of any clinical incident, near miss "
            "or safety-related defect within one Working Day of becoming aware of it."
        ),
    ),
    C(
        D("Bidders should describe any published clinical evaluation of the Platform in a heart failure population."),
        D("Evidence of reduced hospital admissions in comparable services is encouraged."),
    ),
    Heading(2, "Technical and Cyber Security"),
    C(
        M(
            "The Supplier must hold a valid Cyber Essentials Plus certificate that "
            "covers the Platform and the systems used to support it, and must renew "
            "the certificate every year of the Contract.",
            "CYBER_ESSENTIALS",
        ),
    ),
    C(
        M(
            "The Supplier shall commission an independent penetration test of the "
            "Platform at least once a year and share the summary report with the "
            "Trust."
        ),
    ),
    C(
        M(
            "All data shall be encrypted in transit using TLS 1.2 or higher and at "
            "rest using AES-256 or an equivalent standard."
        ),
        M("Critical security patches must be applied within 14 days of release."),
    ),
    C(
        D("Preferably, clinicians should sign in through the Trust's existing single sign-on service."),
        D("Multi-factor authentication for the patient app is desirable."),
    ),
    C(
        "The Trust may suspend access to the Platform if it reasonably believes that a security breach has occurred.",
    ),
    Heading(2, "Interoperability"),
    C(
        N(
            "The Trust's community electronic patient record supports HL7 FHIR R4 "
            "interfaces and receives clinical documents through MESH.",
            "INTEROPERABILITY",
        ),
    ),
    C(
        M(
            "The Platform shall exchange patient demographics, observations and care "
            "plans with the Trust's electronic patient record using HL7 FHIR R4 "
            "resources that conform to the UK Core.",
            "INTEROPERABILITY",
        ),
    ),
    C(
        M(
            "The Supplier shall verify each patient's NHS number against the Personal "
            "Demographics Service before enrolment.",
            "INTEROPERABILITY",
        ),
        M(
            "Patients must be able to sign in to the patient app using NHS login.",
            "INTEROPERABILITY",
        ),
        M(
            "Clinical observations shall be coded using SNOMED CT.",
            "INTEROPERABILITY",
        ),
    ),
    C(
        D(
            "The Supplier should provide documented open APIs so that the Trust can "
            "reuse Platform data in the shared care record for the county.",
            "INTEROPERABILITY",
        ),
        D(
            "Evidence of completed projects on the interop~erability of remote "
            "monitoring data with NHS patient records will be viewed favourably.",
            "INTEROPERABILITY",
        ),
    ),
    Heading(2, "Accessibility and Usability"),
    C(
        M(
            "The patient app and the clinician dashboard shall conform to WCAG 2.2 level AA.",
            "ACCESSIBILITY",
        ),
        M(
            "The Supplier must publish an accessibility statement for the patient "
            "app that meets the Public Sector Bodies (Websites and Mobile "
            "Applications) (No. 2) Accessibility Regulations 2018.",
            "ACCESSIBILITY",
        ),
    ),
    C(
        "More than half of the current caseload is over 75 years of age, and many "
        "patients have limited confidence in using digital services.",
        M("The Supplier shall provide a telephone-based alternative for patients who are unable to use the app."),
    ),
    C(
        D(
            "The patient app should be available in the ten languages most commonly "
            "spoken in Northmoor, including Polish, Urdu and Romanian."
        ),
        D("Bidders are encouraged to show how people living with heart failure have helped to design the patient app."),
    ),
    C(
        M(
            "The Supplier shall comply with the Equality Act 2010 and shall make "
            "reasonable adjustments for patients who have a disability.",
            "EQUALITY",
        ),
    ),
    Heading(2, "Implementation and Training"),
    C(
        "The Trust intends to introduce the Platform in two phases: phase one covers "
        "the Northmoor and Kelsbridge localities and phase two covers the rural "
        "localities of Wyncombe, Ashby Fold and the Upper Lyne valley.",
    ),
    C(
        M(
            "The Supplier shall provide the Trust with a detailed and fully resourced "
            "plan for the imple~mentation of each phase within ten Working Days of "
            "the Contract start date."
        ),
        M(f"The Platform must be live for the first 100 patients no later than {KD['go_live'].display}."),
    ),
    L(
        C(M("The Supplier will be responsible for:")),
        "alpha",
        M("configuring the Platform to the Trust's clinical pathways and alert thresholds;"),
        M("supplying, registering and delivering devices to patients' homes;"),
        M("training at least 60 Trust staff before go-live, including a train-the-trainer programme; and"),
        M("providing user guides in plain English for patients and carers."),
    ),
    C(
        D("Ideally, the Supplier should provide an on-site project manager for the first eight weeks of phase one."),
        "The Trust may change the order of the localities in each phase to reflect operational pressures.",
    ),
    Heading(2, "Service Levels and Support"),
    C(
        M(
            "The Platform shall be available 99.5% of the time in each calendar "
            "month, excluding planned maintenance agreed in advance with the Trust."
        ),
        M("Planned maintenance must take place outside the hours of 08:00 to 20:00."),
    ),
    L(
        C(M("The Supplier shall respond to and resolve incidents within the following times:")),
        "roman",
        M(
            "priority 1 (Platform unavailable or alerts not generated): response "
            "within 30 minutes and resolution within 4 hours;"
        ),
        M("priority 2 (major loss of function): response within 2 hours and resolution within 1 Working Day;"),
        M(
            "priority 3 (minor loss of function): response within 1 Working Day and "
            "resolution within 5 Working Days; and"
        ),
        M(
            "priority 4 (request for information or change): response within 2 "
            "Working Days and resolution as agreed with the Trust."
        ),
    ),
    C(
        M("The Supplier shall submit a service report to the Trust by the fifth Working Day of each month."),
        D("Bidders may wish to offer technical support to patients 24 hours a day."),
        "Service credits apply where availability falls below the level in clause 3.8.1, as set out in the Contract.",
    ),
    Heading(2, "Contract Management and Reporting"),
    C(
        "The Trust's Digital Services Programme Manager is the day-to-day contact "
        "for the Contract, supported by the Lead Nurse for Long-Term Conditions.",
    ),
    C(
        M(
            "The Supplier shall attend a contract review meeting with the Trust every "
            "month during implementation and every quarter after that."
        ),
        M(
            "The Supplier shall provide the data needed to evaluate the benefits of "
            "the Platform in a format agreed with the Trust."
        ),
    ),
    L(
        C(M("The quarterly contract report shall include:")),
        "roman",
        M("performance against the availability target and the incident response and resolution times;"),
        M("the number of patients enrolled, active and discharged in each locality;"),
        M("a summary of clinical incidents and safety-related defects;"),
        M(
            "progress against the Supplier's social value commitments; and",
            "SOCIAL_VALUE",
        ),
        M("any risks or issues that need the attention of the Trust."),
    ),
    C(
        D("Bidders should propose key performance indicators in addition to those in this Section."),
        "The Trust may withhold payment of a disputed invoice while a service failure is investigated.",
    ),
    Heading(2, "Exit and Transition"),
    C(
        M("The Supplier shall maintain an exit plan and update it every year."),
        M(
            "On expiry or termination of the Contract, the Supplier must return all "
            "Trust data in a structured, machine-readable format and must then "
            "securely destroy any copies within 20 Working Days."
        ),
    ),
    C(
        "The Trust may require the Supplier to continue to provide the Platform for "
        "up to six months after expiry to allow an orderly transition.",
    ),
    Heading(2, "Requirements Schedule"),
    C(
        "Table 1 lists the detailed requirements that the Platform and the Supplier are measured against.",
        "The Priority column shows whether each requirement is Mandatory or "
        "Desirable, and the Category column shows the area of the specification to "
        "which it belongs.",
    ),
    C(
        M("Bidders must confirm in the compliance matrix whether their solution meets each requirement in Table 1."),
        D("Where a Desirable requirement is not met today, Bidders should state when it will be met."),
    ),
    Caption("Table 1: Requirements schedule", keep_with_next=False),
    RequirementsTableBlock(),
)

INSTRUCTIONS: tuple[Block, ...] = (
    Heading(1, "Instructions to Bidders"),
    Heading(2, "Procurement procedure"),
    C(
        "This procurement is being conducted using the open procedure under section "
        "20(2)(a) of the Procurement Act 2023.",
        N(
            "A tender notice has been published on the central digital platform, and "
            "this ITT is available to all interested suppliers through the Trust's "
            "e-tendering portal.",
            "PROCUREMENT_REGISTRATION",
        ),
    ),
    C(
        "The procedure has a single stage, with no shortlisting and no negotiation.",
        "The Trust intends to award the Contract to the Bidder that submits the most "
        "advantageous tender, assessed against the award criteria in Section 6.",
    ),
    Heading(2, "Key dates"),
    C(
        "The timetable for this procurement is set out in Table 2.",
        "The Trust may amend the timetable by giving notice to all Bidders through the e-tendering portal.",
    ),
    Caption("Table 2: Key dates"),
    KeyDatesTable(),
    Heading(2, "Clarification questions"),
    C(
        M(
            "Bidders must submit any clarification questions through the messaging "
            "function of the e-tendering portal by "
            f"{KD['clarification'].display}."
        ),
        "Questions received after that time may not be answered.",
    ),
    C(
        "The Trust may publish questions and answers to all Bidders in anonymised "
        "form, unless a Bidder gives good reason for a question to remain "
        "confidential.",
        D("Bidders should check the portal regularly for new answers and updates."),
    ),
    Heading(2, "Submission of tenders"),
    C(
        M(f"Tenders must be submitted through the e-tendering portal by {KD['submission'].display}."),
        "The portal does not accept uploads after the deadline, and late tenders are not considered.",
    ),
    L(
        C(M("Each tender must include:")),
        "alpha",
        M(
            "the completed Procurement Specific Questionnaire;",
            "PROCUREMENT_REGISTRATION",
        ),
        M("responses to the quality questions in Appendix B, each within the stated word limit;"),
        M("the completed pricing schedule in Appendix C;"),
        M("the completed compliance matrix for Table 1; and"),
        M("a completed DTAC form with its supporting evidence.", "DTAC"),
    ),
    C(
        M(
            "Submit every document in PDF format, except the pricing schedule, which "
            "is to be returned in its original spreadsheet format."
        ),
        M("Do not include marketing brochures or links to external material."),
        M("Name each file with the Bidder's name and the number of the question that it answers."),
    ),
    C(
        "The Trust may reject any tender that is incomplete or that does not comply with these instructions.",
    ),
    Heading(2, "Validity of tenders"),
    C(
        M("Tenders shall remain valid and open for acceptance for 90 days from the tender submission deadline."),
    ),
    Heading(2, "Conduct of Bidders"),
    C(
        M(
            "Bidders must not canvass any member of staff, director or adviser of the "
            "Trust in connection with this procurement."
        ),
        M(
            "Bidders must declare any actual or potential conflict of interest in the "
            "Procurement Specific Questionnaire.",
            "PROCUREMENT_REGISTRATION",
        ),
    ),
    C(
        M(
            "Bidders shall not offer any inducement, fee or reward to any person in "
            "connection with this procurement, and shall comply with the Bribery Act "
            "2010.",
            "ANTI_BRIBERY",
        ),
        "The Trust may disqualify a Bidder that breaches this clause.",
    ),
    Heading(2, "Consortia and subcontracting"),
    C(
        "Bidders may bid as a single organisation or as a consortium.",
        M(
            "A consortium must nominate a lead member, which will be the Supplier "
            "under the Contract and is responsible for the performance of every "
            "member of the consortium."
        ),
    ),
    C(
        M("Bidders shall name every subcontractor that is to deliver more than 10% of the value of the Contract."),
        N(
            "The Trust may ask for information about any named subcontractor in "
            "order to check whether one of the exclusion grounds applies to it.",
            "PROCUREMENT_REGISTRATION",
        ),
    ),
    Heading(2, "Award and standstill"),
    C(
        N(
            "After evaluation the Trust intends to send each Bidder an assessment "
            "summary and to publish a contract award notice on the central digital "
            "platform.",
            "PROCUREMENT_REGISTRATION",
        ),
        "A standstill period of eight working days then applies before the Contract is entered into.",
    ),
    C(
        M(
            "The successful Bidder must provide the evidence requested in Section 5 "
            f"and sign the Contract by {KD['award'].display}."
        ),
        "The Trust may cancel the procurement at any time before the Contract is "
        "entered into and is not bound to award a contract.",
    ),
    Heading(2, "Freedom of Information"),
    C(
        N(
            "The Trust is subject to the Freedom of Information Act 2000 and the "
            "Environmental Information Regulations 2004.",
            "FOI",
        ),
        D(
            "Bidders should identify any information in their tender that they "
            "consider exempt from disclosure, and should explain why.",
        ),
        "The Trust may disclose information contained in a tender where the law requires it to do so.",
    ),
)

CONDITIONS: tuple[Block, ...] = (
    Heading(1, "Conditions of participation"),
    Heading(2, "Assessment"),
    C(
        M(
            "Bidders must pass every condition of participation in this Section for "
            "their tender to be evaluated further."
        ),
        "Each question in this Section is assessed on a pass or fail basis.",
    ),
    C(
        M(
            "Bidders must be registered on the central digital platform and must "
            "hold a Public Procurement Organisation Number (PPON) before submitting "
            "a tender.",
            "PROCUREMENT_REGISTRATION",
        ),
        N(
            "Information on the mandatory and discretionary exclusion grounds is "
            "collected through the Procurement Specific Questionnaire.",
            "PROCUREMENT_REGISTRATION",
        ),
    ),
    Heading(2, "Pass/fail questions"),
    L(
        C("The pass/fail questions are set out below."),
        ("PF1", "PF2", "PF3", "PF4", "PF5", "PF6", "PF7", "PF8"),
        M(
            "Confirm that the Bidder holds a current Cyber Essentials Plus "
            "certificate, in line with PPN 014, and give the certificate number.",
            "CYBER_ESSENTIALS",
        ),
        M(
            "Confirm that the Bidder has published a Data Security and Protection "
            "Toolkit assessment at the Standards Met level for the current year.",
            "DSPT",
        ),
        M(
            "Provide a completed DTAC form showing that the Platform meets the "
            "clinical safety, data protection, technical security and "
            "interoperability criteria.",
            "DTAC",
            "INTEROPERABILITY",
        ),
        M(
            "Confirm that the Bidder holds, or will obtain by the Contract start "
            "date, the insurance cover set out in Section 7.3.",
            "INSURANCE",
        ),
        M(
            "Confirm that the Bidder will publish a Carbon Reduction Plan that meets "
            "PPN 006 before the Contract is signed.",
            "CARBON_REDUCTION",
        ),
        M(
            "Confirm that the Bidder complies with section 54 of the Modern Slavery "
            "Act 2015, where that section applies to it.",
            "MODERN_SLAVERY",
        ),
        M(
            "Provide evidence of two remote monitoring contracts delivered for UK "
            "health or care organi~sations in the last five years."
        ),
        M("Confirm that the Bidder's annual turnover in its last financial year was at least £2.4m."),
    ),
    C(
        "The Trust may ask a Bidder to provide evidence that supports any answer "
        "in this Section before the Contract is awarded.",
    ),
)

EVALUATION: tuple[Block, ...] = (
    Heading(1, "Award criteria and evaluation"),
    Heading(2, "Award criteria"),
    C(
        "Tenders that pass the conditions of participation are evaluated against "
        "the award criteria and weightings in Table 3.",
        N(
            "The social value criterion carries a 10% weighting, in line with PPN "
            "002 and the NHS approach to net zero and social value.",
            "SOCIAL_VALUE",
            "CARBON_REDUCTION",
        ),
    ),
    Caption("Table 3: Award criteria and weightings"),
    CriteriaTable(),
    Heading(2, "Quality questions"),
    L(
        C("The quality questions are summarised below, and their full wording is given in Appendix B."),
        ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6"),
        M(
            "Describe how the Platform meets the functional and technical "
            "requirements in Section 3, with examples from live deployments."
        ),
        M(
            "Explain how the Bidder manages clinical risk and protects patient data, "
            "including its approach to the DPIA and to safety reviews before each "
            "release.",
            "UK_GDPR",
        ),
        M(
            "Set out how the Platform will exchange data with the Trust's electronic "
            "patient record and with national services such as NHS login.",
            "INTEROPERABILITY",
        ),
        M(
            "Provide a plan for both phases of the roll-out, showing milestones, "
            "resources, training and the support offered to patients with little "
            "experience of technology."
        ),
        M(
            "Describe the service management arrangements, including the patient "
            "helpline, incident management and continuous improvement."
        ),
        M(
            "Set out the Bidder's social value commitments for the Contract, with "
            "measurable targets and a method for reporting progress against them.",
            "SOCIAL_VALUE",
        ),
    ),
    Heading(2, "Scoring"),
    L(
        C("Each quality response is scored on the following scale:"),
        ("4", "3", "2", "1", "0"),
        "excellent: the response meets the requirement in full and gives strong, specific evidence;",
        "good: the response meets the requirement with minor gaps in detail;",
        "adequate: the response meets most of the requirement but lacks evidence in places;",
        "poor: the response meets the requirement only in part; and",
        "unacceptable: the response does not answer the question.",
    ),
    C(
        M("Bidders must score at least 2 for each of questions Q1, Q2 and Q3, or their tender will be rejected."),
        M("Each quality response must not exceed 1,500 words, and any text beyond that limit is not evaluated."),
    ),
    C(
        "Price is scored by dividing the lowest total evaluated price by the "
        "Bidder's total evaluated price and multiplying the result by the price "
        "weighting.",
        "The Trust may invite Bidders to demonstrate the Platform in order to "
        "confirm their written answers, but it awards no separate marks for a "
        "demonstration.",
    ),
    C(
        "The Trust may reject a tender that appears abnormally low, after giving "
        "the Bidder an opportunity to explain its price.",
    ),
)

COMMERCIAL: tuple[Block, ...] = (
    Heading(1, "Commercial and contractual requirements"),
    Heading(2, "Contract terms"),
    C(
        "The Contract is based on the NHS Terms and Conditions for the Supply of "
        "Goods and the Provision of Services, as amended by the Trust.",
        M("Bidders must accept the Contract terms without qualification."),
    ),
    Heading(2, "Pricing"),
    C(
        M("Prices shall be fixed for the first two years of the Contract."),
        M("All prices must be stated in pounds sterling and exclude VAT."),
        "After year two the Trust may agree a price adjustment, capped at the "
        "annual change in the Consumer Prices Index.",
    ),
    Heading(2, "Insurance"),
    L(
        C(
            M(
                "The Supplier shall hold and maintain, for the duration of the Contract, the following insurance:",
                "INSURANCE",
            )
        ),
        "alpha",
        M(
            "employer's liability insurance of at least £5 million for each claim;",
            "INSURANCE",
        ),
        M(
            "public liability insurance of at least £10 million for each claim;",
            "INSURANCE",
        ),
        M(
            "professional indemnity insurance of at least £5 million for each claim and in the aggregate; and",
            "INSURANCE",
        ),
        M(
            "product liability insurance of at least £5 million for each claim and in the aggregate.",
            "INSURANCE",
        ),
    ),
    C(
        M(
            "Professional indemnity cover must continue for six years after the Contract ends.",
            "INSURANCE",
        ),
    ),
    Heading(2, "Social value"),
    C(
        N(
            "Social value is assessed under PPN 002 and the Social Value Model, with "
            "a weighting of 10% of the total score.",
            "SOCIAL_VALUE",
        ),
        M(
            "Bidders must answer the social value question with specific, measurable "
            "commitments that relate to the delivery of the Contract.",
            "SOCIAL_VALUE",
        ),
    ),
    C(
        D(
            "Commitments that support the themes of the Social Value Model on "
            "climate change and economic inequality will be viewed favourably.",
            "SOCIAL_VALUE",
        ),
        D("The Trust would particularly welcome work placements and apprenticeships for residents of Northmoor."),
    ),
    C(
        M(
            "The Supplier shall report its progress against its social value commitments every six months.",
            "SOCIAL_VALUE",
        ),
    ),
    Heading(2, "Carbon reduction"),
    C(
        M(
            "The Supplier must publish a Carbon Reduction Plan that meets the "
            "requirements of PPN 006 and must update it every year.",
            "CARBON_REDUCTION",
        ),
        N(
            "The NHS has committed to reaching net zero by 2045 for the emissions that it can influence.",
            "CARBON_REDUCTION",
        ),
    ),
    C(
        D(
            "Bidders should explain how device packaging, delivery and recycling "
            "will reduce emissions over the Contract term.",
            "CARBON_REDUCTION",
        ),
    ),
    Heading(2, "Modern slavery"),
    C(
        M(
            "The Supplier shall take reasonable steps to identify and address the "
            "risk of modern slavery in its supply chains, including the manufacture "
            "of patient devices.",
            "MODERN_SLAVERY",
        ),
        M(
            "Where the Supplier is required to publish a statement under the Modern "
            "Slavery Act 2015, it must give the Trust a link to its current "
            "statement.",
            "MODERN_SLAVERY",
        ),
        "The Trust may terminate the Contract if the Supplier fails to comply with this clause.",
    ),
    Heading(2, "Payment and invoicing"),
    C(
        M(
            "The Supplier shall invoice the Trust monthly in arrears and shall quote "
            "the purchase order number on every invoice."
        ),
        "The Trust pays valid and undisputed invoices within 30 days of receipt.",
        M("Implementation charges must be linked to milestones that the Trust has accepted in writing."),
    ),
    Heading(2, "Data processing terms"),
    C(
        M(
            "The Supplier shall sign the Trust's data processing agreement, which "
            "sets out the subject matter, duration and purpose of the processing, "
            "before any personal data is shared.",
            "UK_GDPR",
        ),
        M(
            "The Supplier must notify the Trust of any personal data breach without "
            "undue delay, and in any event within 24 hours of becoming aware of it."
        ),
    ),
    Heading(2, "Business continuity"),
    C(
        M(
            "The Supplier shall maintain a business continuity and disaster recovery "
            "plan for the Platform and shall test it at least once a year."
        ),
        M(
            "Following a major outage, the Supplier must restore the Platform within "
            "8 hours, with no more than 15 minutes of data lost."
        ),
        D("Bidders should describe any outages of the Platform in the last two years and how they were resolved."),
    ),
)

GLOSSARY: tuple[Block, ...] = (
    Heading(1, "Glossary", number="Appendix A"),
    P(
        "The abbreviations used in this ITT have the meanings given below.",
    ),
    L(
        None,
        ("DPIA", "DSPT", "DTAC", "EPR", "FHIR", "ITT", "MESH", "PPON", "WCAG"),
        N("Data Protection Impact Assessment.", "UK_GDPR"),
        N("Data Security and Protection Toolkit.", "DSPT"),
        N("Digital Technology Assessment Criteria.", "DTAC"),
        "Electronic patient record.",
        N("Fast Healthcare Interoperability Resources.", "INTEROPERABILITY"),
        "Invitation to Tender.",
        N(
            "Message Exchange for Social Care and Health, the national messaging service.",
            "INTEROPERABILITY",
        ),
        N("Public Procurement Organisation Number.", "PROCUREMENT_REGISTRATION"),
        N("Web Content Accessibility Guidelines.", "ACCESSIBILITY"),
    ),
    P(
        "Appendix B (quality questions) and Appendix C (pricing schedule) are "
        "issued as separate documents through the e-tendering portal.",
    ),
)

DOCUMENT: tuple[Block, ...] = (
    *COVER,
    *INTRODUCTION,
    *BACKGROUND,
    *SPECIFICATION,
    *INSTRUCTIONS,
    *CONDITIONS,
    *EVALUATION,
    *COMMERCIAL,
    *GLOSSARY,
)

# --------------------------------------------------------------------------- #
# Consistency checks on the data
# --------------------------------------------------------------------------- #

# What names each obligation explicitly (labels.md section 3). Every unit must be
# annotated with exactly the ids whose names it contains.
OBLIGATION_NAMES: dict[str, re.Pattern[str]] = {
    key: re.compile(pattern)
    for key, pattern in {
        "DTAC": r"\bDTAC\b|Digital Technology Assessment Criteria",
        "DCB0129": r"DCB ?0129",
        "DCB0160": r"DCB ?0160",
        "DSPT": r"\bDSPT\b|Data Security and Protection Toolkit",
        "UK_GDPR": r"UK GDPR|Data Protection Act|\bDPIA\b|Data Protection Impact"
        r"|data processing agreement",
        "MEDICAL_DEVICE": r"\bMHRA\b|UK MDR|\bUKCA\b|medical device",
        "NICE_ESF": r"\bNICE\b|Evidence Standards Framework",
        "CYBER_ESSENTIALS": r"Cyber Essentials|PPN 014|PPN 09/",
        "ISO_27001": r"27001",
        "ISO_13485": r"13485",
        "IEC_62304": r"62304",
        "ACCESSIBILITY": r"WCAG|Web Content Accessibility|Accessibility Regulations"
        r"|accessibility statement|EN 301 549",
        "NHS_STANDARD_CONTRACT": r"NHS Standard Contract",
        "SOCIAL_VALUE": r"(?i)social value|PPN 002|PPN 06/20",
        "CARBON_REDUCTION": r"(?i)carbon|net zero|emissions|PPN 006|PPN 06/21",
        "MODERN_SLAVERY": r"(?i)modern slavery",
        "EQUALITY": r"Equality Act|Equality Duty|equality impact",
        "FOI": r"Freedom of Information|Environmental Information Regulations",
        "TUPE": r"\bTUPE\b|Transfer of Undertakings",
        "IR35": r"\bIR35\b|off-payroll",
        "INTEROPERABILITY": r"(?i)interoperab|\bFHIR\b|SNOMED|NHS number|NHS login"
        r"|GP Connect|\bMESH\b|Message Exchange|open APIs?\b|dm\+d",
        "CQC": r"\bCQC\b|Care Quality Commission",
        "INSURANCE": r"(?i)insurance|indemnity",
        "HEALTH_AND_SAFETY": r"Health and Safety at Work",
        "ANTI_BRIBERY": r"(?i)bribery|corruption",
        "PROCUREMENT_REGISTRATION": r"central digital platform|\bPPON\b"
        r"|Procurement Organisation Number|Procurement Specific Questionnaire"
        r"|exclusion grounds?|debarment",
    }.items()
}


def named_obligations(text: str) -> set[str]:
    return {key for key, pattern in OBLIGATION_NAMES.items() if pattern.search(text)}


def iter_units(blocks: Sequence[Block]) -> Iterator[Unit]:
    """Every unit of the document, in reading order."""
    for block in blocks:
        if isinstance(block, DetailsTable):
            yield from (value for _, value in DETAILS)
        elif isinstance(block, Para):
            yield from block.units
        elif isinstance(block, ListBlock):
            if block.lead is not None:
                yield from block.lead.units
            yield from block.items
        elif isinstance(block, RequirementsTableBlock):
            yield from (row.unit for row in REQUIREMENTS)
        elif isinstance(block, CriteriaTable):
            yield from (c.name for c in CRITERIA)


def heading_numbers(blocks: Sequence[Block]) -> list[tuple[str, Heading]]:
    numbered: list[tuple[str, Heading]] = []
    h1 = h2 = 0
    for block in blocks:
        if isinstance(block, Heading):
            if block.number is not None:
                numbered.append((block.number, block))
            elif block.level == 1:
                h1, h2 = h1 + 1, 0
                numbered.append((str(h1), block))
            else:
                h2 += 1
                numbered.append((f"{h1}.{h2}", block))
    return numbered


def check_document(blocks: Sequence[Block]) -> None:
    units = list(iter_units(blocks))
    texts = [u.plain for u in units]
    labelled = [u.plain for u in units if u.label is not None]
    duplicates = {t for t in labelled if labelled.count(t) > 1}
    if duplicates:
        raise ValueError(f"duplicate requirements: {sorted(duplicates)}")
    explicit: set[str] = set()
    for unit in units:
        named = named_obligations(unit.plain)
        if named != set(unit.obligations):
            raise ValueError(f"obligations {sorted(named)} != annotation: {unit.plain}")
        if named & set(unit.implicit):
            raise ValueError(f"implicit obligation is named: {unit.plain}")
        if HYPHEN_MARK in unit.plain or "  " in unit.plain:
            raise ValueError(f"stray mark or double space: {unit.plain}")
        explicit |= named
    numbers = {number for number, _ in heading_numbers(blocks)}
    for number, heading in heading_numbers(blocks):
        if not named_obligations(heading.title) <= explicit:
            raise ValueError(f"heading names an obligation no unit has: {number}")
    for text in texts:
        for ref in re.findall(r"Section (\d+(?:\.\d+)?)", text):
            if ref not in numbers:
                raise ValueError(f"cross-reference to missing Section {ref}: {text}")
    if sum(c.weighting for c in CRITERIA) != 100:
        raise ValueError("award criteria weightings do not add up to 100")


# --------------------------------------------------------------------------- #
# Rendering
# --------------------------------------------------------------------------- #

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
BODY_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
GUTTER = 7 * mm
COLUMN_WIDTH = (BODY_WIDTH - GUTTER) / 2
CLAUSE_INDENT = 38.0
ITEM_INDENT = 26.0
GREY = colors.Color(0.35, 0.35, 0.35)

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13)
STYLES: dict[str, ParagraphStyle] = {
    "body": ParagraphStyle("body_spaced", parent=BODY, spaceAfter=6),
    "small": ParagraphStyle("small", parent=BODY, fontSize=8, leading=10, textColor=GREY, spaceBefore=14),
    "h1": ParagraphStyle(
        "h1",
        parent=BODY,
        fontName="Helvetica-Bold",
        fontSize=15,
        leading=19,
        spaceBefore=14,
        spaceAfter=8,
        keepWithNext=1,
    ),
    "h2": ParagraphStyle(
        "h2",
        parent=BODY,
        fontName="Helvetica-Bold",
        fontSize=12,
        leading=15,
        spaceBefore=8,
        spaceAfter=5,
        keepWithNext=1,
    ),
    "caption": ParagraphStyle(
        "caption",
        parent=BODY,
        fontName="Helvetica-Bold",
        fontSize=9,
        leading=12,
        spaceBefore=4,
        spaceAfter=4,
        keepWithNext=1,
    ),
    "cell": ParagraphStyle("cell", parent=BODY, fontSize=9, leading=11),
    "cell_head": ParagraphStyle("cell_head", parent=BODY, fontName="Helvetica-Bold", fontSize=9, leading=11),
    "cover_buyer": ParagraphStyle(
        "cover_buyer",
        parent=BODY,
        fontName="Helvetica-Bold",
        fontSize=13,
        leading=16,
        spaceBefore=40,
        spaceAfter=30,
        alignment=TA_CENTER,
    ),
    "cover_title": ParagraphStyle(
        "cover_title",
        parent=BODY,
        fontName="Helvetica-Bold",
        fontSize=24,
        leading=29,
        spaceAfter=12,
        alignment=TA_CENTER,
    ),
    "cover_subtitle": ParagraphStyle(
        "cover_subtitle",
        parent=BODY,
        fontName="Helvetica-Bold",
        fontSize=16,
        leading=20,
        spaceAfter=10,
        alignment=TA_CENTER,
    ),
    "cover_ref": ParagraphStyle(
        "cover_ref",
        parent=BODY,
        fontSize=11,
        leading=14,
        spaceAfter=28,
        alignment=TA_CENTER,
    ),
    "contents_title": ParagraphStyle(
        "contents_title",
        parent=BODY,
        fontName="Helvetica-Bold",
        fontSize=11,
        leading=14,
        spaceBefore=14,
        spaceAfter=4,
    ),
    "contents": ParagraphStyle("contents", parent=BODY, leftIndent=12, spaceAfter=1),
}


def markup(text: str) -> str:
    """Paragraph markup for a unit: escaped, with forced line-end hyphenation."""
    return escape(text).replace(HYPHEN_MARK, "-<br/>")


def markers_for(markers: Markers, count: int) -> list[str]:
    if markers == "alpha":
        return [f"({chr(ord('a') + i)})" for i in range(count)]
    if markers == "roman":
        numerals = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")
        return [f"({numerals[i]})" for i in range(count)]
    if len(markers) != count:
        raise ValueError("wrong number of list markers")
    return list(markers)


class Mark(Flowable):  # type: ignore[misc]
    """An invisible flowable whose page the document template records."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.width = self.height = 0

    def draw(self) -> None:
        pass


class RequirementsTable(Table):  # type: ignore[misc]
    """Table 1; its split parts keep this class, so each page it lands on is seen."""


class TenderCanvas(Canvas):  # type: ignore[misc]
    """Draws the running header and the "Page N of M" footer once M is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        self.saveState()
        self.setFont("Helvetica", 7.5)
        self.setFillColor(GREY)
        self.setStrokeColor(GREY)
        self.setLineWidth(0.4)
        top = PAGE_HEIGHT - 12 * mm
        self.drawString(MARGIN_X, top, HEADER_TEXT)
        self.line(MARGIN_X, top - 2.5 * mm, PAGE_WIDTH - MARGIN_X, top - 2.5 * mm)
        self.drawCentredString(PAGE_WIDTH / 2, 10 * mm, f"Page {self._pageNumber} of {total}")
        self.restoreState()


@dataclass
class Layout:
    """Where things landed, recorded while the document is built."""

    marks: dict[str, int] = field(default_factory=dict)
    table_pages: list[int] = field(default_factory=list)
    two_column_spare: float = 0.0  # unused height left in the right column
    two_column_frame: str = ""


class TenderDoc(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, filename: str, layout: Layout) -> None:
        super().__init__(
            filename,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=f"{BUYER}: {TITLE}",
            author=BUYER,
            subject=f"Invitation to Tender {REFERENCE}",
            creator="tenderlens examples/build_sample_tender.py",
            invariant=1,
        )
        self.layout = layout
        frame_args: dict[str, Any] = {
            "leftPadding": 0,
            "rightPadding": 0,
            "topPadding": 0,
            "bottomPadding": 0,
        }
        one = Frame(MARGIN_X, MARGIN_BOTTOM, BODY_WIDTH, BODY_HEIGHT, id="body", **frame_args)
        left = Frame(MARGIN_X, MARGIN_BOTTOM, COLUMN_WIDTH, BODY_HEIGHT, id="left", **frame_args)
        right = Frame(
            MARGIN_X + COLUMN_WIDTH + GUTTER,
            MARGIN_BOTTOM,
            COLUMN_WIDTH,
            BODY_HEIGHT,
            id="right",
            **frame_args,
        )
        self.addPageTemplates(
            [
                PageTemplate(id="onecol", frames=[one]),
                PageTemplate(id="twocol", frames=[left, right]),
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Mark):
            self.layout.marks[flowable.name] = self.page
            if flowable.name == "two_column_end":
                self.layout.two_column_frame = self.frame.id
                self.layout.two_column_spare = self.frame._y - self.frame._y1
        elif isinstance(flowable, RequirementsTable):
            self.layout.table_pages.append(self.page)


class Renderer:
    """Turns the blocks into flowables, numbering headings and clauses."""

    def __init__(self) -> None:
        self.h1 = 0
        self.h2 = 0
        self.clause = 0
        self.flowables: list[Flowable] = []

    def paragraph(self, para: Para, width_indent: float = 0.0) -> Paragraph:
        text = " ".join(markup(u.text) for u in para.units)
        style = STYLES[para.style]
        if para.clause:
            self.clause += 1
            number = f"{self.h1}.{self.h2}.{self.clause}"
            style = ParagraphStyle("clause", parent=style, leftIndent=CLAUSE_INDENT, bulletIndent=0)
            return Paragraph(text, style, bulletText=number)
        if width_indent:
            style = ParagraphStyle("indented", parent=style, leftIndent=width_indent)
        return Paragraph(text, style)

    def add(self, block: Block) -> None:
        out = self.flowables
        if isinstance(block, Heading):
            if block.number is not None:
                label = block.number
            elif block.level == 1:
                self.h1, self.h2, self.clause = self.h1 + 1, 0, 0
                label = str(self.h1)
            else:
                self.h2, self.clause = self.h2 + 1, 0
                label = f"{self.h1}.{self.h2}"
            style = STYLES["h1" if block.level == 1 else "h2"]
            out.append(Paragraph(f"{label} {escape(block.title)}", style))
        elif isinstance(block, Para):
            out.append(self.paragraph(block))
        elif isinstance(block, ListBlock):
            self.add_list(block)
        elif isinstance(block, Caption):
            style = STYLES["caption"]
            if not block.keep_with_next:
                style = ParagraphStyle("caption_free", parent=style, keepWithNext=0)
            out.append(Paragraph(escape(block.text), style))
        elif isinstance(block, KeyDatesTable):
            out.append(key_dates_table())
        elif isinstance(block, RequirementsTableBlock):
            out.append(requirements_table())
            out.append(Spacer(1, 8))
        elif isinstance(block, CriteriaTable):
            out.append(criteria_table())
        elif isinstance(block, DetailsTable):
            out.extend([details_table(), Spacer(1, 12)])
        elif isinstance(block, ContentsList):
            for number, heading in heading_numbers(DOCUMENT):
                if heading.level == 1:
                    text = f"{number} {escape(heading.title)}"
                    out.append(Paragraph(text, STYLES["contents"]))
        elif isinstance(block, NewPage):
            out.append(PageBreak())
        elif isinstance(block, TwoColumnStart):
            out.extend([NextPageTemplate("twocol"), PageBreak(), Mark("two_column")])
        elif isinstance(block, TwoColumnEnd):
            out.extend([Mark("two_column_end"), NextPageTemplate("onecol"), PageBreak()])

    def add_list(self, block: ListBlock) -> None:
        indent = 0.0
        if block.lead is not None:
            self.flowables.append(self.paragraph(block.lead))
            indent = CLAUSE_INDENT if block.lead.clause else 0.0
        markers = markers_for(block.markers, len(block.items))
        widest = max(stringWidth(m, BODY.fontName, BODY.fontSize) for m in markers)
        item_indent = max(ITEM_INDENT, widest + 8.0)
        for marker, unit in zip(markers, block.items, strict=True):
            style = ParagraphStyle(
                "item",
                parent=STYLES["body"],
                leftIndent=indent + item_indent,
                bulletIndent=indent,
                spaceAfter=3,
            )
            self.flowables.append(Paragraph(markup(unit.text), style, bulletText=marker))
        self.flowables.append(Spacer(1, 3))


def cell(text: str, head: bool = False) -> Paragraph:
    return Paragraph(markup(text), STYLES["cell_head" if head else "cell"])


def ruled_rows_style(rows: int) -> TableStyle:
    """Horizontal rules only, so that ruled-table detection finds Table 1 alone."""
    return TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEBELOW", (0, 1), (-1, rows - 1), 0.3, GREY),
            ("LINEBELOW", (0, rows - 1), (-1, rows - 1), 0.8, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
    )


def requirements_table() -> RequirementsTable:
    rows: list[list[Paragraph]] = [[cell(h, head=True) for h in ("Ref", "Requirement", "Priority", "Category")]]
    for number, row in enumerate(REQUIREMENTS, start=1):
        priority = "Mandatory" if row.unit.label == "mandatory" else "Desirable"
        rows.append(
            [
                cell(f"R{number:02d}"),
                cell(row.unit.text),
                cell(priority),
                cell(CATEGORY_NAMES[row.category]),
            ]
        )
    widths = [32.0, BODY_WIDTH - 32.0 - 64.0 - 100.0, 64.0, 100.0]
    table = RequirementsTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.87, 0.87, 0.87)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def key_dates_table() -> Table:
    rows = [[cell("Activity", head=True), cell("Date and time", head=True)]]
    rows += [[cell(k.label), cell(k.display)] for k in KEY_DATES]
    table = Table(rows, colWidths=[BODY_WIDTH * 0.6, BODY_WIDTH * 0.4])
    table.setStyle(ruled_rows_style(len(rows)))
    return table


def criteria_table() -> Table:
    rows = [[cell(h, head=True) for h in ("Ref", "Criterion", "Weighting")]]
    rows += [[cell(c.ref), cell(c.name.text), cell(f"{c.weighting}%")] for c in CRITERIA]
    total = sum(c.weighting for c in CRITERIA)
    rows.append([cell(""), cell("Total", head=True), cell(f"{total}%", head=True)])
    table = Table(rows, colWidths=[40.0, BODY_WIDTH - 40.0 - 80.0, 80.0])
    table.setStyle(ruled_rows_style(len(rows)))
    return table


def details_table() -> Table:
    rows = [[cell(label, head=True), cell(value.text)] for label, value in DETAILS]
    table = Table(rows, colWidths=[BODY_WIDTH * 0.38, BODY_WIDTH * 0.62])
    table.setStyle(ruled_rows_style(len(rows)))
    return table


# --------------------------------------------------------------------------- #
# Build
# --------------------------------------------------------------------------- #


def build_pdf(path: Path) -> tuple[int, Layout]:
    renderer = Renderer()
    for block in DOCUMENT:
        renderer.add(block)
    layout = Layout()
    doc = TenderDoc(str(path), layout)
    doc.build(renderer.flowables, canvasmaker=TenderCanvas)
    pages = int(doc.page)
    start = layout.marks["two_column"]
    if layout.marks["two_column_end"] != start or layout.two_column_frame != "right":
        raise RuntimeError("the two-column text must fill exactly one page")
    if layout.two_column_spare > 0.08 * BODY_HEIGHT:
        spare = layout.two_column_spare
        raise RuntimeError(f"the right-hand column has {spare:.0f} pt to spare")
    if len(set(layout.table_pages)) < 2:
        raise RuntimeError("the requirements table must cross a page break")
    if pages < 12:
        raise RuntimeError(f"only {pages} pages; at least 12 are needed")
    return pages, layout


def expected(pages: int, layout: Layout) -> dict[str, Any]:
    units = list(iter_units(DOCUMENT))
    obligations = sorted({o for u in units for o in u.obligations})
    implicit = [{"id": o, "text": u.plain} for u in units for o in u.implicit]
    hyphenated = ["".join(m) for u in units for m in re.findall(rf"(\w+){re.escape(HYPHEN_MARK)}(\w+)", u.text)]
    return {
        "source": PDF_PATH.name,
        "pages": pages,
        "route": ROUTE,
        "mandatory": [u.plain for u in units if u.label == "mandatory"],
        "desirable": [u.plain for u in units if u.label == "desirable"],
        "obligations": obligations,
        "implicit_obligations": implicit,
        "key_dates": {k.label: k.day.isoformat() for k in KEY_DATES},
        "two_column_page": layout.marks["two_column"],
        "table_pages": sorted(set(layout.table_pages)),
        "hyphenated": hyphenated,
    }


def main() -> None:
    check_document(DOCUMENT)
    pages, layout = build_pdf(PDF_PATH)
    data = expected(pages, layout)
    JSON_PATH.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"{PDF_PATH.name}: {pages} pages, two-column page {data['two_column_page']}, "
        f"table pages {data['table_pages']}, {len(data['mandatory'])} mandatory, "
        f"{len(data['desirable'])} desirable"
    )


if __name__ == "__main__":
    main()
