//! Deterministic synthetic write-ups for the benchmarks.
//!
//! The same `(n, seed, public_share)` always gives the same files, byte for byte, on every
//! machine: the generator uses its own splitmix64 PRNG and no hash maps. Write-up `i`
//! depends only on the seed and `i`, so the incremental benchmark can add write-ups
//! `n..n+k` without rewriting the others.
//!
//! Text is drawn from Danish and English ITSM vocabularies with Zipf-like frequencies
//! (rank r has weight 1/r): a few hundred real words come first, then a long tail of
//! made-up words, so that term statistics look like real text (a few very common terms,
//! many rare ones) rather than a uniform soup.
//!
//! Included by each benchmark with `#[path = "support/synth.rs"] mod synth;`; not every
//! benchmark uses every function.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use erfa_index::vocab::PRACTICES;

/// Bump when the generated text changes, so cached corpora and indexes are rebuilt.
pub const GENERATOR_VERSION: u32 = 1;

/// The default seed of the benchmarks.
pub const DEFAULT_SEED: u64 = 2026;

/// Which corpus to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// Number of write-ups.
    pub n: usize,
    /// PRNG seed.
    pub seed: u64,
    /// Share of write-ups with `visibility: public` (about 0.2 in the default corpus).
    pub public_share: f64,
}

impl Config {
    /// `n` write-ups with the default seed and a public share of 20%.
    pub fn new(n: usize) -> Config {
        Config {
            n,
            seed: DEFAULT_SEED,
            public_share: 0.2,
        }
    }

    /// A short, file-name-safe key for caches.
    pub fn key(&self) -> String {
        format!(
            "n{}-s{}-p{}-g{GENERATOR_VERSION}",
            self.n,
            self.seed,
            (self.public_share * 100.0).round() as u32
        )
    }
}

/// splitmix64: tiny, fast, and good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Mixes the corpus seed with a write-up number into an independent stream.
fn stream(seed: u64, i: u64, salt: u64) -> Rng {
    let mut r = Rng::new(seed ^ salt.wrapping_mul(0xA24B_AED4_963E_E407));
    let base = r.next_u64();
    Rng::new(base ^ i.wrapping_mul(0x9FB2_1C65_1E98_DF25))
}

/// Zipf sampling by inverse CDF over ranks `0..n` with weight `1 / (rank + 1)^s`.
#[derive(Debug, Clone)]
pub struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    /// A Zipf distribution over `n` ranks.
    pub fn new(n: usize, s: f64) -> Zipf {
        let mut cdf = Vec::with_capacity(n);
        let mut total = 0.0;
        for r in 0..n {
            total += 1.0 / ((r + 1) as f64).powf(s);
            cdf.push(total);
        }
        for c in &mut cdf {
            *c /= total;
        }
        Zipf { cdf }
    }

    /// A rank.
    pub fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.f64();
        self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1)
    }
}

/// Danish ITSM words, most frequent first (the order is the Zipf rank).
pub const DA_WORDS: &str = "hændelse system ændring drift servicedesk leverandør brugere nedbrud \
hændelser ændringer proces server fejl løsning data kunder teknikere leverandøren systemet \
hændelsen ændringen nedbruddet servicedesken netværk databasen backup ledelsen kritisk \
overvågning alarmer vagt vagthavende beredskabsplan beredskabsplanen aftale kontrakt \
serviceniveau eskalering prioritet problem problemet årsag årsagen grundårsag problemstyring \
ændringsstyring ændringsråd godkendelse risiko risikovurdering konfiguration cmdb aktiver \
licenser kapacitet tilgængelighed alarm logning målinger rapportering dashboard kvalitet \
forbedring evaluering erfaring erfaringer læring videndeling vidensbase dokumentation \
runbook telefon sager sagen henvendelser anmodning anmodninger servicekatalog selvbetjening \
portalen kommunikation statusside besked information møde workshop uddannelse kompetencer \
ansvar rolle roller ejerskab beslutning planen projekt projektet migrering cloud platformen \
infrastruktur datacenter strøm nødstrøm katastrofe genetablering kontinuitet øvelse \
simulering timer minutter uger måneder weekend natten morgen fredag mandag svartid \
løsningstid oppetid nedetid vedligehold servicevindue opdatering opdateringer patch \
sårbarhed angreb ransomware phishing adgang adgangskode certifikat certifikatet firewall \
router storage disken hukommelse belastning trafik integration snitflade persondata gdpr \
revision budget omkostninger udbud indkøb outsourcing partner underleverandør tillid \
samarbejde kultur modstand forandring forandringsledelse motivation stress udbrændthed \
arbejdsmiljø ressourcer bemanding medarbejdere afdelingen kommunen regionen styrelsen \
direktøren it-chefen teamet brugerne udrulning release test testmiljø produktion \
produktionsmiljøet fejlsøgning rollback tilbagerulning deployment pipeline automatisering \
script job batchjob kø køen ticket tickets sagsbehandling telefonkø ventetid tilfredshed \
brugertilfredshed måling nøgletal kpi sla serviceniveauaftale kontraktstyring \
leverandørstyring leverandørmøde bod bøder afregning faktura licensaudit aktivstyring \
inventar bærbare computere mobiltelefoner printere skærme netværksudstyr wifi vpn \
fjernadgang hjemmearbejde kontoret lokation filial hovedkontor serverrum kølingen \
nødprocedure evakuering krisestyring krisestab beredskab beredskabsøvelse manuelle \
nødprocedurer papirblanketter borgere patienter elever sagsbehandlere ydelser \
hjemmeside selvbetjeningsløsning mitid nemlog-in e-boks digital post fagsystem \
økonomisystem lønsystem esdh journalsystem ordresystem lager webshop betalinger \
betalingsløsning kortbetaling transaktioner fakturering ændringsvindue frys \
ændringsfrys julefrys godkender godkendere cab-møde standardændring nødændring \
normal ændringsanmodning implementering plan-b tilbagefaldsplan lukning kategorisering \
klassificering triage førstelinje andenlinje tredjelinje specialister eskalationsmatrix \
vagtplan vagtordningen tilkald udkald natkald pager sms opkald lydbesked";

/// Danish function words, mixed into sentences (stop words in the Danish analyzer).
pub const DA_FUNCTION: &str = "og i at det en den til er som på de med for ikke der var af har \
vi blev efter men om så kan skal man også når alle fra eller hvor over under ved havde være \
bliver meget mere nogle sin vores da hvis fordi uden mod inden mellem igen allerede kun hele";

/// English ITSM words, most frequent first.
pub const EN_WORDS: &str = "incident system change service outage users supplier team process \
server issue customers engineers database network backup management critical monitoring \
alerts on-call escalation priority problem cause root analysis approval risk configuration \
cmdb assets licences capacity availability alert logging metrics reporting dashboard \
quality improvement review postmortem lessons learning knowledge documentation runbook \
phone tickets ticket requests request catalogue self-service portal communication status \
page message meeting workshop training skills ownership responsibility role roles decision \
plan project migration cloud platform infrastructure datacenter power generator disaster \
recovery continuity exercise simulation hours minutes weeks months weekend night morning \
friday monday response resolution uptime downtime maintenance window update updates patch \
vulnerability attack ransomware phishing access password certificate certificates expiry \
firewall router storage disk memory load traffic integration interface personal privacy \
audit budget cost costs procurement tender outsourcing partner subcontractor trust \
collaboration culture resistance adoption motivation burnout stress workload staffing \
hiring staff department municipality region agency director cio manager managers \
deployment release testing test environment production troubleshooting rollback pipeline \
automation script batch queue backlog handling wait satisfaction survey measurement kpi \
sla agreement contract vendor vendors invoice billing penalty credits licence \
inventory laptops computers phones printers screens equipment wifi vpn remote office \
location branch headquarters room cooling procedure evacuation crisis command \
manual workaround forms citizens patients students caseworkers benefits website \
payment payments transactions orders warehouse webshop erp crm payroll freeze \
change-freeze approver approvers cab standard emergency normal implementation fallback \
closure categorisation classification triage first-line second-line third-line \
specialists matrix rota pager call calls callout voicemail stakeholders executives \
communication-plan severity sev1 major-incident commander coordinator scribe timeline \
detection mitigation remediation action-items follow-up blameless retrospective \
dependency dependencies vendor-lock-in contract-renewal exit-plan handover transition \
service-owner process-owner steering governance framework itil maturity assessment \
baseline target trend threshold capacity-plan forecast growth peak spike latency \
throughput error-rate saturation health-check synthetic probe heartbeat failover \
replication cluster node nodes container kubernetes dns load-balancer gateway proxy \
cache queueing scheduler cron job jobs nightly weekly quarterly annual";

/// English function words (stop words in the English analyzer).
pub const EN_FUNCTION: &str = "the of and to a in that is was it for on with as we our they \
this be by at from had have not but were or an are all when which their there been would \
after before so if then than into about more only also very most some other";

/// Tags, most frequent first.
pub const TAGS: &[&str] = &[
    "major-incident",
    "cab",
    "on-call",
    "vagt",
    "kommunikation",
    "communication",
    "postmortem",
    "evaluering",
    "supplier",
    "leverandoer",
    "change-freeze",
    "automation",
    "monitoring",
    "overvaagning",
    "sla",
    "outsourcing",
    "cloud",
    "backup",
    "ransomware",
    "security",
    "sikkerhed",
    "service-desk",
    "self-service",
    "selvbetjening",
    "knowledge-base",
    "vidensbase",
    "cmdb",
    "licensing",
    "kpi",
    "gdpr",
    "burnout",
    "arbejdsmiljoe",
    "365",
    "status-page",
    "statusside",
    "beredskab",
    "disaster-recovery",
    "migration",
    "erp",
    "kubernetes",
];

/// Tools, most frequent first.
pub const TOOLS: &[&str] = &[
    "ServiceNow",
    "TOPdesk",
    "Jira Service Management",
    "PagerDuty",
    "OpsGenie",
    "Zabbix",
    "Microsoft Teams",
    "Statuspage",
    "Nagios",
    "Grafana",
    "Prometheus",
    "Splunk",
    "Freshservice",
    "Zendesk",
    "Ivanti",
    "Cherwell",
    "Confluence",
    "Azure DevOps",
    "GitLab",
    "Excel",
];

const SYLLABLES_DA: &[&str] = &[
    "sk", "ov", "bel", "dan", "frø", "ga", "hel", "is", "kor", "lø", "mar", "ned", "ost", "præ",
    "rå", "sve", "tor", "ul", "ve", "æn", "by", "kne", "ling", "sen", "hus", "gård",
];
const SYLLABLES_EN: &[&str] = &[
    "ar", "ben", "cor", "dex", "el", "far", "gin", "hol", "ir", "jas", "kel", "lon", "mor", "nat",
    "ox", "pel", "quin", "ras", "ston", "tal", "ul", "ver", "wil", "xen", "yor", "zed",
];

/// Number of made-up words after the real ones: the long tail of rare terms.
const TAIL_WORDS: usize = 4000;

/// One language's vocabulary with its Zipf sampler.
#[derive(Debug, Clone)]
struct Lang {
    words: Vec<String>,
    function: Vec<&'static str>,
    zipf: Zipf,
    headings: [&'static str; 7],
}

impl Lang {
    fn new(
        real: &'static str,
        function: &'static str,
        syllables: &[&str],
        salt: u64,
        headings: [&'static str; 7],
    ) -> Lang {
        let mut words: Vec<String> = real.split_whitespace().map(str::to_string).collect();
        let mut rng = Rng::new(salt);
        let mut seen: std::collections::BTreeSet<String> = words.iter().cloned().collect();
        while words.len() < real.split_whitespace().count() + TAIL_WORDS {
            let parts = rng.range(2, 4);
            let mut w = String::new();
            for _ in 0..parts {
                let syllable: &&str = rng.pick(syllables);
                w.push_str(syllable);
            }
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let zipf = Zipf::new(words.len(), 1.0);
        Lang {
            words,
            function: function.split_whitespace().collect(),
            zipf,
            headings,
        }
    }

    fn word(&self, rng: &mut Rng) -> &str {
        &self.words[self.zipf.sample(rng)]
    }

    /// A sentence of `lo..=hi` words, about 40% function words, capitalised, with a full stop.
    fn sentence(&self, rng: &mut Rng, lo: usize, hi: usize, out: &mut String) -> usize {
        let n = rng.range(lo, hi);
        for k in 0..n {
            let w: &str = if rng.chance(0.4) {
                let function: &&str = rng.pick(&self.function);
                function
            } else {
                self.word(rng)
            };
            if k == 0 {
                let mut chars = w.chars();
                if let Some(c) = chars.next() {
                    out.extend(c.to_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push(' ');
                if rng.chance(0.01) {
                    out.push_str("**");
                    out.push_str(w);
                    out.push_str("**");
                } else {
                    out.push_str(w);
                }
            }
            if k + 1 < n && rng.chance(0.06) {
                out.push(',');
            }
        }
        out.push('.');
        n
    }

    /// Paragraphs of about `words` words in all.
    fn text(&self, rng: &mut Rng, words: usize, out: &mut String) {
        let mut written = 0;
        while written < words {
            // A paragraph: 2–6 sentences, sometimes a list.
            if rng.chance(0.12) {
                for _ in 0..rng.range(2, 4) {
                    out.push_str("- ");
                    written += self.sentence(rng, 4, 10, out);
                    out.push('\n');
                }
            } else {
                for s in 0..rng.range(2, 6) {
                    if s > 0 {
                        out.push(' ');
                    }
                    written += self.sentence(rng, 8, 22, out);
                    if written >= words {
                        break;
                    }
                }
                out.push('\n');
            }
            out.push('\n');
        }
    }

    /// A title-like phrase (no punctuation, so it needs no YAML quoting).
    fn phrase(&self, rng: &mut Rng, lo: usize, hi: usize) -> String {
        let mut out = String::new();
        self.sentence(rng, lo, hi, &mut out);
        out.pop();
        out.replace(',', "").replace("**", "")
    }
}

/// Section headings, in the order Problem, Context, What happened, Cause, Lesson,
/// Mistake, What we would do differently.
const HEADINGS_DA: [&str; 7] = [
    "Problemet",
    "Kontekst",
    "Hvad skete der",
    "Årsag",
    "Læring",
    "Fejl at undgå",
    "Det ville vi gøre anderledes",
];
const HEADINGS_EN: [&str; 7] = [
    "Problem",
    "Context",
    "What happened",
    "Cause",
    "Lesson learned",
    "Mistake to avoid",
    "What we would do differently",
];

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writeup {
    /// Path relative to the content root.
    pub rel: String,
    /// The whole file.
    pub text: String,
}

/// Generates write-ups of one corpus.
#[derive(Debug, Clone)]
pub struct Generator {
    config: Config,
    da: Lang,
    en: Lang,
    practices: Vec<&'static str>,
    practice_zipf: Zipf,
    tags: Zipf,
    tools: Zipf,
}

impl Generator {
    /// A generator for `config`.
    pub fn new(config: Config) -> Generator {
        Generator {
            config,
            da: Lang::new(DA_WORDS, DA_FUNCTION, SYLLABLES_DA, 0xDA, HEADINGS_DA),
            en: Lang::new(EN_WORDS, EN_FUNCTION, SYLLABLES_EN, 0xE1, HEADINGS_EN),
            practices: practices_by_popularity(),
            practice_zipf: Zipf::new(PRACTICES.len(), 0.8),
            tags: Zipf::new(TAGS.len(), 0.9),
            tools: Zipf::new(TOOLS.len(), 1.0),
        }
    }

    /// The configuration.
    pub fn config(&self) -> Config {
        self.config
    }

    /// Write-up number `i` (any `i`, also beyond `n`).
    pub fn writeup(&self, i: usize) -> Writeup {
        let mut rng = stream(self.config.seed, i as u64, 1);
        let danish = rng.chance(0.5);
        let lang = if danish { &self.da } else { &self.en };
        let kind = match rng.below(10) {
            0..=4 => "lesson",
            5..=7 => "mistake",
            _ => "practice",
        };
        let title = lang.phrase(&mut rng, 4, 9);

        let mut practices: Vec<&str> = Vec::new();
        for _ in 0..rng.range(1, 3) {
            let p = self.practices[self.practice_zipf.sample(&mut rng)];
            if !practices.contains(&p) {
                practices.push(p);
            }
        }
        let mut tags: Vec<&str> = Vec::new();
        for _ in 0..rng.range(1, 5) {
            let t = TAGS[self.tags.sample(&mut rng)];
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        // A rare tag now and then, so the tag facet has a long tail too.
        let rare_tag = rng.chance(0.3).then(|| format!("t{}", rng.below(500)));
        let mut tools: Vec<&str> = Vec::new();
        for _ in 0..rng.range(0, 3) {
            let t = TOOLS[self.tools.sample(&mut rng)];
            if !tools.contains(&t) {
                tools.push(t);
            }
        }
        let year = rng.range(2015, 2026);
        let month = rng.range(1, 12);
        let day = rng.range(1, 28);
        let sector = *rng.pick(&["public", "public", "private", "non-profit"]);
        let org_size = *rng.pick(&["1-50", "50-250", "50-250", "250-1000", "1000+"]);
        let status = match rng.below(100) {
            0..=84 => "published",
            85..=89 => "draft",
            90..=94 => "review",
            _ => "archived",
        };
        let visibility = if rng.chance(self.config.public_share) {
            "public"
        } else {
            "members"
        };

        let mut text = String::with_capacity(8 * 1024);
        text.push_str("---\n");
        let _ = writeln!(text, "title: {title}");
        if rng.chance(0.9) {
            let _ = writeln!(text, "summary: {}", lang.phrase(&mut rng, 15, 30));
        }
        let _ = writeln!(text, "kind: {kind}");
        let _ = writeln!(text, "practices: [{}]", practices.join(", "));
        let mut all_tags: Vec<&str> = tags.clone();
        if let Some(t) = &rare_tag {
            all_tags.push(t);
        }
        let _ = writeln!(text, "tags: [{}]", all_tags.join(", "));
        let _ = writeln!(text, "language: {}", if danish { "da" } else { "en" });
        let _ = writeln!(text, "date: {year:04}-{month:02}-{day:02}");
        let _ = writeln!(text, "sector: {sector}");
        let _ = writeln!(text, "org_size: {org_size}");
        if !tools.is_empty() {
            let _ = writeln!(text, "tools: [{}]", tools.join(", "));
        }
        if rng.chance(0.3) {
            let _ = writeln!(text, "organisation: Organisation {}", rng.below(300));
        }
        if rng.chance(0.5) {
            let _ = writeln!(text, "meeting: {year}-Q{}", (month - 1) / 3 + 1);
        }
        let _ = writeln!(text, "status: {status}");
        let _ = writeln!(text, "visibility: {visibility}");
        if rng.chance(0.6) {
            let c = *rng.pick(&["wip", "not-validated", "validated", "validated"]);
            let _ = writeln!(text, "confidence: {c}");
        }
        text.push_str("---\n");

        // Body sections share 300–1,200 words; lesson and mistake have 120–250 each.
        let body_words = rng.range(300, 1200);
        let mut body_sections = vec![0usize, 1, 2];
        if rng.chance(0.3) {
            body_sections.push(3);
        }
        let per = body_words / body_sections.len();
        for &s in &body_sections {
            let _ = write!(text, "\n## {}\n\n", lang.headings[s]);
            lang.text(&mut rng, per, &mut text);
        }
        let (lesson, mistake) = match kind {
            "lesson" => (true, rng.chance(0.3)),
            "mistake" => (rng.chance(0.3), true),
            _ => (rng.chance(0.5), rng.chance(0.2)),
        };
        if lesson {
            let _ = write!(text, "\n## {}\n\n", lang.headings[4]);
            let words = rng.range(120, 250);
            lang.text(&mut rng, words, &mut text);
        }
        if mistake {
            let _ = write!(text, "\n## {}\n\n", lang.headings[5]);
            let words = rng.range(120, 250);
            lang.text(&mut rng, words, &mut text);
        }
        if rng.chance(0.25) {
            let _ = write!(text, "\n## {}\n\n", lang.headings[6]);
            let words = rng.range(40, 120);
            lang.text(&mut rng, words, &mut text);
        }
        while text.ends_with("\n\n") {
            text.pop();
        }

        let topic = practices[0].split('-').next().unwrap_or("misc");
        let stem: Vec<String> = title
            .split_whitespace()
            .take(4)
            .map(ascii_slug)
            .filter(|w| !w.is_empty())
            .collect();
        let rel = format!("{topic}/{i:06}-{}.md", stem.join("-"));
        Writeup { rel, text }
    }

    /// A small edit to a write-up: one more sentence at the end, different for each `round`.
    pub fn modify(&self, writeup: &Writeup, round: u64) -> String {
        let mut rng = stream(self.config.seed, round, 2);
        let danish = writeup.text.contains("\nlanguage: da\n");
        let lang = if danish { &self.da } else { &self.en };
        let mut text = writeup.text.clone();
        text.push_str("\n\n");
        lang.sentence(&mut rng, 8, 16, &mut text);
        text.push('\n');
        text
    }

    /// A query-like word of the given language, drawn with corpus frequencies.
    pub fn word(&self, danish: bool, rng: &mut Rng) -> String {
        let lang = if danish { &self.da } else { &self.en };
        lang.word(rng).to_string()
    }

    /// A word of a given frequency rank (0 = most frequent).
    pub fn word_at_rank(&self, danish: bool, rank: usize) -> &str {
        let lang = if danish { &self.da } else { &self.en };
        &lang.words[rank.min(lang.words.len() - 1)]
    }
}

/// The ITIL practices with the ones write-ups name most often first (the rest keep their
/// order in the official list).
fn practices_by_popularity() -> Vec<&'static str> {
    const POPULAR: [&str; 8] = [
        "incident-management",
        "change-enablement",
        "problem-management",
        "service-desk",
        "service-level-management",
        "monitoring-and-event-management",
        "supplier-management",
        "service-continuity-management",
    ];
    let mut out: Vec<&'static str> = POPULAR
        .iter()
        .filter_map(|p| PRACTICES.iter().copied().find(|q| q == p))
        .collect();
    out.extend(PRACTICES.iter().copied().filter(|p| !POPULAR.contains(p)));
    out
}

fn ascii_slug(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            _ => {}
        }
    }
    out
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CorpusStats {
    /// Files.
    pub files: usize,
    /// Bytes of Markdown.
    pub bytes: u64,
}

/// Writes write-ups `0..n` of `config` into `dir` (created), in topic sub-folders.
pub fn write_corpus(config: Config, dir: &Path) -> std::io::Result<CorpusStats> {
    let generator = Generator::new(config);
    let mut stats = CorpusStats::default();
    for i in 0..config.n {
        let w = generator.writeup(i);
        let path = dir.join(&w.rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &w.text)?;
        stats.files += 1;
        stats.bytes += w.text.len() as u64;
    }
    Ok(stats)
}

/// The benchmarks' cache folder: `<target dir>/erfa-bench`, found from the running
/// executable (`<target>/<profile>/deps/<bench>`), so it follows `CARGO_TARGET_DIR`.
pub fn cache_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the running executable has a path");
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    target.join("erfa-bench")
}

/// The corpus of `config`, written once into the cache and reused afterwards. A marker
/// file written last tells a complete corpus from one interrupted halfway.
pub fn cached_corpus(config: Config) -> std::io::Result<(PathBuf, CorpusStats)> {
    let dir = cache_dir().join(format!("corpus-{}", config.key()));
    let marker = dir.join(".complete");
    if let Ok(text) = std::fs::read_to_string(&marker) {
        let mut parts = text
            .split_whitespace()
            .map(|p| p.parse::<u64>().unwrap_or(0));
        let files = parts.next().unwrap_or(0) as usize;
        let bytes = parts.next().unwrap_or(0);
        if files == config.n {
            return Ok((dir, CorpusStats { files, bytes }));
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    let tmp = cache_dir().join(format!("corpus-{}.partial", config.key()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(&tmp)?;
    let stats = write_corpus(config, &tmp)?;
    std::fs::write(
        tmp.join(".complete"),
        format!("{} {}\n", stats.files, stats.bytes),
    )?;
    std::fs::rename(&tmp, &dir)?;
    Ok((dir, stats))
}

/// Copies every file under `from` into `to` (created), keeping relative paths.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
