"""Robustness augmentation: the same report as it often really arrives at an abuse desk.

Real reports come forwarded by a colleague or a customer with quoted history, carry bilingual
signatures and legal disclaimers, or are cut short. Each training report gets one variant,
chosen deterministically from the seed and the example id, so that the model learns that a
forwarding note or a disclaimer does not change what a report is about.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace

from pipeline.models import Report

FORWARD_NOTES: tuple[str, ...] = (
    "FYI, see below.",
    "Please handle, this came in over the weekend.",
    "Bitte prüfen, siehe unten.",
    "Zie onderstaande melding, graag oppakken.",
    "Pour information, voir ci-dessous.",
    "Vedi sotto, grazie.",
    "Ver abajo, por favor revisar.",
    "Segue abaixo para análise.",
    "Смотрите ниже, пожалуйста, разберитесь.",
    "请查看以下内容。",
    "下記の通り転送します。ご確認ください。",
    "Proszę zobaczyć poniżej.",
    "",
)
FORWARD_HEADERS: tuple[str, ...] = (
    "---------- Forwarded message ---------",
    "-------- Original Message --------",
    "----- Weitergeleitete Nachricht -----",
    "-------- Message transféré --------",
    "-----Original Message-----",
    "---- 転送メッセージ ----",
    "-------- Пересылаемое сообщение --------",
)
SIGNATURES: tuple[str, ...] = (
    "--\nKind regards / Mit freundlichen Grüßen\nSupport Team",
    "-- \nMet vriendelijke groet / Best regards\nServicedesk",
    "Cordialement,\nL'équipe support\n\nCe message et ses pièces jointes sont confidentiels. "
    "This message and any attachments are confidential.",
    "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat "
    "sind, informieren Sie bitte sofort den Absender.\nThis e-mail may contain confidential "
    "information. If you are not the intended recipient, please notify the sender.",
    "Sent from my iPhone",
    "Enviado desde mi teléfono",
    "Questo messaggio è riservato. This message is confidential.",
    "本邮件及其附件含有保密信息。This email contains confidential information.",
    "このメールは機密情報を含みます。Confidential.",
    "С уважением,\nСлужба поддержки",
)


def _rng(seed: int, key: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


#: Formats a person's forward turns into a ``forwarded`` report; a forwarded ARF or X-ARF
#: report keeps its own format (the parser still finds the attached report).
PLAIN_FORMATS = frozenset(("freetext", "forwarded", "tabular"))


def as_forward(report: Report, rng: random.Random) -> Report:
    """The report forwarded inline, shaped as the parser reads a forward: the forwarder's
    note is the body, the original message is the evidence."""
    subject = f"{rng.choice(('Fwd', 'FW', 'WG', 'TR', 'Fw'))}: {report.subject}"
    note = rng.choice(FORWARD_NOTES)
    if report.format not in PLAIN_FORMATS:
        quoted = "\n".join(f"> {line}" for line in report.body.splitlines())
        body = f"{note}\n\n{rng.choice(FORWARD_HEADERS)}\nSubject: {report.subject}\n\n{quoted}"
        return replace(report, subject=subject, body=body)
    original = f"Subject: {report.subject}\n\n{report.body}\n{report.evidence}"
    return replace(report, format="forwarded", subject=subject, body=f"{note}\n\n",
                   evidence=original, fields={})


def as_quoted_reply(report: Report, rng: random.Random) -> Report:
    """The report quoted with ``>`` under a colleague's note, as a reply-style forward."""
    quoted = "\n".join(f"> {line}" for line in report.body.splitlines())
    return replace(report, subject=f"Re: {report.subject}",
                   body=f"{rng.choice(FORWARD_NOTES)}\n\n{quoted}")


def with_signature(report: Report, rng: random.Random) -> Report:
    return replace(report, body=f"{report.body}\n\n{rng.choice(SIGNATURES)}")


def truncated(report: Report, rng: random.Random) -> Report:
    cut = max(80, int(len(report.body) * rng.uniform(0.3, 0.7)))
    return replace(report, body=report.body[:cut], evidence="")


VARIANTS = (as_forward, as_quoted_reply, with_signature, truncated)


def variant(report: Report, key: str, seed: int) -> Report:
    """One deterministic robustness variant of ``report`` for the example named ``key``."""
    rng = _rng(seed, key)
    return rng.choice(VARIANTS)(report, rng)
