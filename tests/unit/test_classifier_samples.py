"""Each label has a realistic report, written for these tests, that must classify correctly.

None of these messages is in the training data; they stand for unseen senders.
"""

from __future__ import annotations

import pytest

from classifiers.mailparse import report_from_message
from classifiers.predict import classify_reports

SAMPLES: dict[str, str] = {
    "spam": """From: Postmaster <postmaster@mailbox-provider.example>
Subject: Spam complaint about mail from 198.51.100.23

Hello abuse team,

one of our users received the unsolicited bulk e-mail below from your IP 198.51.100.23.
The recipient never subscribed to this mailing list. Please stop this spam run.

> Subject: Cheap watches, 90% off today only!!!
> Click here to unsubscribe
""",
    "phishing": """From: Brand Protection <takedown@brandguard.example>
Subject: Phishing site impersonating Example Bank on your network

Dear hosting provider,

we detected a phishing page hosted at http://198.51.100.80/examplebank/login/verify.php that
imitates the Example Bank online banking login and collects customer credentials.
Please take the page down as soon as possible.
""",
    "malware": """From: CERT Team <cert@cert.example>
Subject: Malware distribution from 203.0.113.45

The URL http://203.0.113.45/files/invoice.exe hosted on your network distributes a trojan
(detected as Emotet loader). The host is probably compromised. Please clean it up and
remove the malicious file.
""",
    "network_attack": """From: fail2ban <root@server.example>
Subject: SSH brute force attack from 192.0.2.77

Hi, your IP 192.0.2.77 has been attacking our SSH server with thousands of failed login
attempts (brute force). Log excerpt:
Nov 21 10:01:02 srv sshd[1234]: Failed password for root from 192.0.2.77 port 52211 ssh2
Nov 21 10:01:04 srv sshd[1234]: Failed password for root from 192.0.2.77 port 52213 ssh2
""",
    "copyright": """From: Rights Agency <notices@rights-agency.example>
Subject: DMCA notice of copyright infringement

Dear Sir or Madam, we represent the copyright owner of the film listed below. Our agents
observed an unauthorised copy being shared via BitTorrent from 198.51.100.14. Under the
Digital Millennium Copyright Act we request that you remove or disable access to the
infringing material. Title: The Long Night. Infringement timestamp: 2026-11-01 10:00 UTC.
""",
    "fraud": """From: Consumer Watch <report@consumerwatch.example>
Subject: Fake online shop hosted on your servers

The web shop cheap-sneakers-outlet.example on 203.0.113.19 is a fraudulent fake shop:
customers pay by bank transfer and never receive any goods. Several victims reported the
scam to the police. Please terminate the hosting of this fraudulent website.
""",
    "harassment": """From: Jane Doe <jane.doe@mail.example>
Subject: Threatening messages from a site you host

Someone is harassing me through a website hosted by you. The site publishes my home
address and phone number and posts threats that I will be hurt. This is doxing and
stalking and I am afraid. Please remove this content.
""",
    "child_abuse": """From: Hotline <report@hotline.example>
Subject: Notice: child sexual abuse material hosted at 198.51.100.61

Our analysts have assessed content at the URL below as child sexual abuse material (CSAM)
and it is illegal. We ask you to remove it immediately and preserve evidence for law
enforcement. Reference: HL-2026-4411.
""",
    "blocklisting": """From: Blocklist Monitor <alerts@listmonitor.example>
Subject: 203.0.113.8 is listed on Spamhaus SBL

Your IP address 203.0.113.8 was added to the Spamhaus SBL blocklist today. Mail from this
address is being rejected by many receivers. Please investigate and request delisting
once the problem is fixed.
""",
    "vulnerable_service": """From: Scan Project <scans@scanproject.example>
Subject: Open DNS resolver on 192.0.2.53

During our regular internet-wide scan we found an open recursive DNS resolver on
192.0.2.53 (udp/53). Open resolvers can be abused for DNS amplification attacks. Please
restrict recursion to your own clients. No attack from this host was observed.
""",
    "not_abuse": """From: Mail Delivery System <MAILER-DAEMON@mx.example>
Subject: Undelivered Mail Returned to Sender

This is the mail system at host mx.example.
I'm sorry to have to inform you that your message could not be delivered to one or more
recipients. <someone@nowhere.example>: host mx.nowhere.example said: 550 5.1.1 User unknown
""",
}


@pytest.mark.parametrize("label", sorted(SAMPLES))
def test_realistic_sample_classifies_correctly(label: str) -> None:
    """A realistic, unseen report of each label gets that label from the shipped model."""
    report = report_from_message(SAMPLES[label].encode("utf-8"))
    verdict = classify_reports([report])[0]
    assert verdict is not None and verdict.label == label
