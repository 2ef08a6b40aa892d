"""Language-independent cue tokens: what a report is about, whatever language it is in.

Whole languages of a label are missing from the training data (Greek fraud, Korean
harassment…), and real reports come from providers in languages we have few examples of.
A curated lexicon maps the words each category is reported with, in the languages an abuse
desk receives, to one token per category (``cue_fraud``). The model learns ``cue_fraud`` once
from the languages it has seen, and the token carries over to a language it has not.

The table is written from general knowledge of each language, not from the data set.
Notation, chosen to keep the table readable:

- ``word``   matches that whole word;
- ``stem*``  matches any word starting with ``stem`` (inflections: ``phish*`` → phishing);
- ``two words`` (a space inside) matches the phrase; its words marked ``*`` and its last
  word match as prefixes;
- Chinese, Japanese and Korean terms are split into characters, as the report text is, so
  they match inside the unspaced text.

A cue is a hint, not a verdict: a bounce that quotes a phishing mail carries ``cue_phishing``
and ``cue_not_abuse`` both, and the model weighs them against the rest of the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

CUE_PREFIX = "cue_"

#: Words a reporter uses to *name* a category. Markers found in legitimate mail as much as in
#: abuse (``unsubscribe``, ``newsletter``) are left out: mailing-list ham is full of them.
LEXICON: dict[str, tuple[str, ...]] = {
    "spam": (
        "spam*", "unsolicited", "junk mail", "bulk mail",
        "spamtrap*", "spam trap", "feedback loop", "fbl", "unerwünscht*",
        "ongevraagd*", "ongewenst*", "non sollicité*", "indésirable*", "pourriel*",
        "non richiest*", "indesiderat*", "no solicitad*", "no deseado*", "correo basura",
        "não solicitad*", "indesejad*", "niechcian*", "oönskad*", "skräppost*", "nevyžádan*",
        "спам*", "нежелательн*", "розсилк*", "рассылк*", "istenmeyen", "ανεπιθύμητ*", "kéretlen*",
        "nesolicitat*", "roskaposti*", "uønsket*", "thư rác", "tidak diminta", "surel sampah",
        "垃圾邮件", "垃圾郵件", "广告邮件", "迷惑メール", "スパム", "スパムメール", "스팸",
        "광고성", "البريد المزعج", "رسائل غير مرغوب",
    ),
    "phishing": (
        "phish*", "credential*", "fake login", "login page", "account verification",
        "verify your account", "password harvest*", "hameçonn*", "hameconn*", "filoutage",
        "hengelo*", "oplicht* website", "suplantación", "suplantacion", "suplantaç*",
        "falsificaç*", "furto di credenziali", "furto de credenciais", "robo de credenciales",
        "zugangsdaten", "anmeldedaten", "passwortdiebstahl", "nätfiske*", "podszywan*",
        "wyłudzen* danych", "kradzież danych", "rhybaření", "podvodná stránka", "фишинг*",
        "фішинг*", "кража учетных", "викрадення облікових", "oltalama", "kimlik avı",
        "ηλεκτρονικό ψάρεμα", "ψάρεμα", "adathalász*", "înșelătorie online", "tietojenkalastel*",
        "lừa đảo trực tuyến", "giả mạo", "pengelabuan", "situs palsu", "钓鱼", "釣魚", "仿冒网站",
        "假冒网站", "フィッシング", "偽サイト", "なりすまし", "피싱", "가짜 로그인", "التصيد",
        "تصيد", "احتيالي لسرقة",
    ),
    "malware": (
        "malware*", "malicious software", "virus*", "trojan*", "botnet*", "bot net", "ransomware*",
        "infected", "infection*", "compromised", "c2 server", "c&c", "command and control",
        "payload*", "dropper*", "backdoor*", "webshell*", "web shell", "cryptominer*",
        "coinminer*", "emotet", "qakbot", "mirai", "sinkhole*", "schadsoftware", "schadprogramm*",
        "infiziert*", "kompromittiert*", "trojaner*", "besmet*", "kwaadaardige software",
        "gecompromitteerd*", "logiciel malveillant", "logiciels malveillants", "infecté*",
        "compromis", "cheval de troie", "software dannoso", "infettat*", "compromess*",
        "software malicioso", "infectad*", "comprometid*", "złośliw* oprogramowan*",
        "zainfekowan*", "skadlig* kod", "skadlig* program*", "infekterad*", "škodliv* software",
        "škodliv* kód", "infikovan*", "вредоносн*", "заражен*", "заражён*", "ботнет*", "троян*",
        "шкідлив*", "заражен*", "інфікован*", "kötü amaçlı", "zararlı yazılım", "virüs*",
        "enfekte", "κακόβουλ*", "μολυσμέν*", "rosszindulatú", "kártevő*", "fertőzött", "infectat*",
        "haittaohjelm*", "saastunut", "skadelig* software", "inficeret", "mã độc",
        "phần mềm độc hại", "nhiễm", "perangkat lunak berbahaya", "terinfeksi", "恶意软件",
        "惡意軟體", "木马", "木馬", "僵尸网络", "殭屍網路", "病毒", "感染", "マルウェア",
        "ウイルス", "ボットネット", "トロイの木馬", "악성코드", "악성 코드", "감염", "봇넷",
        "랜섬웨어", "برمجيات خبيثة", "برنامج ضار", "مصاب",
    ),
    "network_attack": (
        "ddos*", "dos attack", "denial of service", "denial-of-service", "flood*", "syn flood",
        "amplification", "brute force", "brute-force", "bruteforce*", "port scan*", "portscan*",
        "scanning", "scanned", "scanner*", "intrusion*", "exploit*", "attack*", "attempted login*",
        "failed login*", "login attempt*", "broke into", "break in", "break-in",
        "hacking attempt*", "ssh", "rdp", "sql injection", "honeypot*", "fail2ban", "angriff*",
        "angreif*", "portscan*", "anmeldeversuch*", "überlastungsangriff*", "aanval*",
        "inbraakpoging*", "poortscan*", "inlogpoging*", "attaque*", "tentative* d'intrusion",
        "balayage de ports", "force brute", "attacco", "attacchi", "tentativ* di accesso",
        "scansione", "ataque*", "escaneo*", "fuerza bruta", "intento* de acceso", "varredura",
        "força bruta", "tentativa* de acesso", "atak*", "skanowan*", "włamani*", "angrepp*",
        "överbelastning*", "inloggningsförsök*", "intrång*", "attack*", "intrångsförsök", "útok*",
        "skenován*", "атак*", "сканирован*", "перебор*", "брутфорс*", "вторжен*", "сканування",
        "saldırı*", "tarama*", "kaba kuvvet", "επίθεσ*", "σάρωσ*", "támadás*", "letapogatás*",
        "atac*", "scanare", "hyökkäy*", "porttiskannau*", "angreb*", "tấn công", "quét cổng",
        "serangan", "pemindaian", "攻击", "攻擊", "扫描", "掃描", "暴力破解", "入侵", "攻撃",
        "スキャン", "不正アクセス", "総当たり", "ブルートフォース", "공격", "스캔", "무차별",
        "침입", "هجوم", "فحص المنافذ",
    ),
    "copyright": (
        "copyright*", "dmca", "infring*", "intellectual property", "trademark*", "pirat*",
        "unauthorized distribution", "unauthorised distribution", "counterfeit*", "torrent*",
        "rights holder", "rightsholder*", "urheberrecht*", "markenrecht*", "raubkopie*",
        "auteursrecht*", "inbreuk*", "droit* d'auteur", "contrefaçon*", "propriété intellectuelle",
        "diritto d'autore", "diritti d'autore", "violazione del copyright", "contraffazion*",
        "derechos de autor", "propiedad intelectual", "direitos autorais", "direito autoral",
        "prawa autorskie", "praw autorskich", "naruszeni* praw", "upphovsrätt*", "autorsk* práv*",
        "авторск* прав*", "пиратск*", "авторськ* прав*", "telif hakk*", "πνευματικ* δικαιώμ*",
        "szerzői jog*", "drepturi de autor", "tekijänoikeu*", "ophavsret*", "opphavsrett*",
        "bản quyền", "hak cipta", "版权", "版權", "侵权", "侵權", "盗版", "著作権", "侵害",
        "海賊版", "저작권", "불법 복제", "حقوق الطبع", "حقوق النشر", "الملكية الفكرية",
    ),
    "fraud": (
        "fraud*", "scam*", "scammer*", "fake shop", "fake store", "fake webshop", "ponzi", "hyip",
        "advance fee", "419", "investment scam", "romance scam", "lottery", "inheritance",
        "refund scam", "tech support scam", "never delivered", "never received", "money back",
        "swindl*", "betrug*", "betrüger*", "betrügerisch*", "abzocke*", "fakeshop*", "oplichting*",
        "oplichter*", "nepwinkel*", "frauduleu*", "escroquer*", "arnaque*", "escroc*", "frode*",
        "truffa*", "truffator*", "estafa*", "fraude*", "estafador*", "golpe*", "burla*",
        "fraudulent*", "golpist*", "oszustw*", "oszust*", "wyłudzen*", "bedrägeri*", "podvod*",
        "мошенни*", "мошеннич*", "обман*", "афер*", "шахрай*", "шахрайств*", "dolandırıcı*",
        "sahte yatırım", "sahte site*", "sahtekar*", "απάτ*", "απατεών*", "csalás*", "csaló*",
        "înșelători*", "escrocheri*", "fraudă", "huijau*", "petos*", "bedrageri*", "svindel*",
        "lừa đảo", "penipuan", "penipu", "诈骗", "詐騙", "骗局", "欺诈", "欺詐", "詐欺", "サギ",
        "偽ショップ", "사기", "보이스피싱", "احتيال", "الاحتيال", "نصب",
    ),
    "harassment": (
        "harass*", "threat*", "threaten*", "stalk*", "doxx*", "doxing", "hate speech", "abusive",
        "insult*", "defamat*", "intimidat*", "cyberbully*", "bullying", "death threat*",
        "extortion", "revenge porn", "belästig*", "bedroh*", "drohung*", "beleidig*", "hassrede*",
        "mobbing", "intimidatie", "bedreig*", "lastig*", "haatzaaien*", "discriminer*",
        "haatdragend*", "belediging*", "harcèlement", "harcel*", "menace*", "insulte*",
        "diffamation*", "molesti*", "minacci*", "insult*", "diffamazion*", "acoso", "acosa*",
        "amenaza*", "insulto*", "assédio", "ameaça*", "nękan*", "groźb*", "mowa nienawiści",
        "mowy nienawiści", "zastraszan*", "obraźliw*", "trakasseri*", "ofredande", "hotelse*",
        "hotad*", "obtěžován*", "výhrůžk*", "vyhrožován*", "домогательств*", "угроз*",
        "преследован*", "оскорблен*", "травл*", "погроз*", "переслідуван*", "taciz*", "tehdit*",
        "hakaret*", "παρενόχλησ*", "απειλ*", "zaklatás*", "fenyeget*", "hărțuire", "hartuire",
        "amenințar*", "häirint*", "uhkau*", "chikane*", "trussel*", "quấy rối", "đe dọa",
        "pelecehan", "ancaman", "骚扰", "騷擾", "威胁", "威脅", "恐吓", "嫌がらせ", "脅迫",
        "誹謗中傷", "ストーカー", "괴롭힘", "협박", "스토킹", "명예훼손", "تحرش", "تهديد",
        "مضايقة",
    ),
    "child_abuse": (
        "csam", "csem", "child sexual abuse", "child abuse", "child pornograph*", "child porn*",
        "minor*", "underage", "ncmec", "iwf", "inhope", "cybertipline", "kinderpornograf*",
        "kindesmissbrauch*", "missbrauchsdarstellung*", "kinderporno*", "kindermisbruik*",
        "pédopornograph*", "pedopornograph*", "pédocriminel*", "abus sexuel* sur enfant*",
        "pedopornografi*", "abusi sui minori", "abuso sexual infantil", "abuso infantil",
        "pornografía infantil", "pornografia infantil", "abuso sexual de crianças",
        "pornografia dziecięca", "pornografii dziecięcej", "wykorzystywani* dzieci",
        "barnpornografi*", "sexuella övergrepp mot barn", "dětsk* pornografi*",
        "детск* порнограф*", "сексуальн* насили* над детьми", "дитяч* порнограф*",
        "çocuk istismar*", "müstehcen", "παιδικ* πορνογραφ*", "gyermekpornográf*",
        "pornografie infantil*", "lapsipornografi*", "børneporno*", "barneporno*",
        "xâm hại tình dục trẻ em", "pornografi anak", "儿童色情", "儿童性侵", "兒童性侵", "未成年",
        "兒童色情", "儿童性虐待", "児童ポルノ", "児童性的虐待", "아동 성착취", "아동음란물",
        "아동 음란물", "الاعتداء الجنسي على الأطفال", "إباحية الأطفال",
    ),
    "blocklisting": (
        "blocklist*", "blacklist*", "block list", "black list", "listed", "listing*", "delist*",
        "spamhaus", "sbl", "xbl", "dbl", "rbl", "dnsbl*", "uceprotect*", "barracuda", "spamcop",
        "sorbs", "gelistet", "sperrliste*", "schwarze liste", "zwarte lijst", "liste noire",
        "listé*", "lista nera", "inserit* in lista", "lista negra", "listad*", "czarn* list*",
        "svartlist*", "černá listina", "černé listin*", "черн* спис*", "блэклист*", "блокліст*",
        "чорн* спис*", "kara liste*", "μαύρη λίστα", "feketelist*", "lista neagră", "mustalist*",
        "danh sách đen", "daftar hitam", "黑名单", "黑名單", "ブラックリスト", "블랙리스트",
        "차단 목록", "القائمة السوداء",
    ),
    "vulnerable_service": (
        "vulnerab*", "open resolver", "open dns", "open recursive", "open relay", "open proxy",
        "exposed", "unpatched", "outdated", "misconfigur*", "cve", "memcached", "ntp monlist",
        "monlist", "ssdp", "snmp", "mongodb", "elasticsearch", "redis", "rdp exposed", "telnet",
        "accessible from the internet", "publicly accessible", "shadowserver", "certbund",
        "cert-bund", "verwundbar*", "schwachstelle*", "sicherheitslücke*", "offen* resolver",
        "ungepatcht*", "kwetsba*", "kwetsbaarhe*", "beveiligingslek*", "vulnérab*", "faille*",
        "non corrigé*", "vulnerabil*", "esposto", "esposti", "expuest*", "vulnerável",
        "vulneráveis", "expost*", "podatn*", "luk* bezpieczeństwa", "sårbar*", "zranitel*",
        "уязвим*", "открыт* резолвер*", "вразлив*", "güvenlik açığı", "zafiyet*",
        "açık çözümleyici", "ευπάθει*", "ευάλωτ*", "sebezhető*", "vulnerabilităț*", "haavoittuv*",
        "lỗ hổng", "kerentanan", "rentan", "漏洞", "脆弱", "暴露", "未修补", "脆弱性",
        "オープンリゾルバ", "公開されて", "취약", "취약점", "노출", "ثغرة", "مكشوف",
    ),
    "not_abuse": (
        "undeliverable", "undelivered", "delivery status notification", "delivery failure",
        "delivery has failed", "mail delivery failed", "returned mail", "mailer-daemon", "bounce*",
        "out of office", "out-of-office", "auto-reply", "autoreply", "automatic reply",
        "auto reply", "automatische antwort", "abwesenheit*", "unzustellbar*", "nicht zustellbar",
        "afwezig*", "automatisch antwoord", "onbestelbaar", "niet afgeleverd", "absence",
        "réponse automatique", "non remis", "non distribuable", "mancata consegna",
        "non recapitat*", "risposta automatica", "fuori ufficio", "respuesta automática",
        "fuera de la oficina", "resposta automática", "ausente", "odpowiedź automatyczna",
        "nieobecn*", "niedostarczon*", "nie mogła zostać dostarczona", "autosvar", "frånvar*",
        "automatická odpověď", "nepřítom*", "автоответ*", "автоматический ответ", "недоставлен*",
        "відсутн*", "otomatik yanıt", "ofis dışında", "αυτόματη απάντηση", "automatikus válasz",
        "răspuns automat", "automaattinen vastaus", "poissa", "fraværende", "trả lời tự động",
        "balasan otomatis", "自动回复", "自動回覆", "退信", "无法投递", "自動応答", "自動返信",
        "配信不能", "자동 응답", "부재", "رد تلقائي", "خارج المكتب",
    ),
}

def _words(term: str, normalise: Callable[[str], str]) -> list[tuple[str, bool]]:
    """The term's normalised words, each with whether it is a stem (``*``)."""
    out = []
    for word in term.split():
        parts = normalise(word.rstrip("*")).split()
        out += [(part, word.endswith("*") and n == len(parts) - 1) for n, part in enumerate(parts)]
    return out


class CueMatcher:
    """Finds the lexicon's cues in text already normalised by ``classifiers.text``.

    Matching runs on the report's unique tokens (a dictionary look-up per token and stem
    length), and a phrase is only searched for when its first word occurs, so cues cost
    little next to the model.
    """

    def __init__(self, lexicon: dict[str, tuple[str, ...]], normalise: Callable[[str], str]
                 ) -> None:
        self.labels = tuple(lexicon)
        #: word or stem -> (labels it cues alone, phrases starting with it)
        self.words: dict[str, tuple[set[str], list[tuple[re.Pattern[str], str]]]] = {}
        self.stems: dict[str, tuple[set[str], list[tuple[re.Pattern[str], str]]]] = {}
        for label, terms in lexicon.items():
            for term in terms:
                words = _words(term, normalise)
                if not words:
                    continue
                first, stemmed = words[0]
                labels, phrases = (self.stems if stemmed else self.words).setdefault(
                    first, (set(), []))
                if len(words) == 1:
                    labels.add(label)
                    continue
                # The phrase's last word may always be a prefix (``brute forc…``).
                pattern = " ".join(re.escape(w) + (r"\w*" if star else "") for w, star in words)
                phrases.append((re.compile(r"(?<!\S)" + pattern), label))
        self.stem_lengths = sorted({len(stem) for stem in self.stems})

    def labels_in(self, tokens: Iterable[str], text: str) -> list[str]:
        """Cued categories, given the unique ``tokens`` of the normalised ``text``."""
        found: set[str] = set()
        hits = []
        for token in tokens:
            if hit := self.words.get(token):
                hits.append(hit)
            for length in self.stem_lengths:
                if length > len(token):
                    break
                if hit := self.stems.get(token[:length]):
                    hits.append(hit)
        for labels, phrases in hits:
            found |= labels
            found.update(label for pattern, label in phrases
                         if label not in found and pattern.search(text))
        return [label for label in self.labels if label in found]

    def tokens_in(self, tokens: Iterable[str], text: str) -> list[str]:
        """One ``cue_<label>`` token per cued category."""
        return [CUE_PREFIX + label for label in self.labels_in(tokens, text)]
