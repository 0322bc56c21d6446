//! What a fleet is drawn from: commercial types, names, tags, addresses, volume sizes.

use rand::rngs::StdRng;
use rand::Rng;

use super::model::PublicIp;
use super::GB;
use crate::json::uuid;

#[derive(Clone, Copy)]
pub(crate) struct CommercialType {
    pub(crate) name: &'static str,
    pub(crate) arch: &'static str,
    pub(super) weight: u32,
    /// Types with local storage may boot from an `l_ssd` of this size.
    pub(super) local_root_gb: Option<u64>,
    /// GPU types come with a local `scratch` volume of this many bytes.
    pub(super) scratch: Option<u64>,
}

pub(super) const fn ct(
    name: &'static str,
    arch: &'static str,
    weight: u32,
    local_root_gb: Option<u64>,
    scratch: Option<u64>,
) -> CommercialType {
    CommercialType {
        name,
        arch,
        weight,
        local_root_gb,
        scratch,
    }
}

pub(super) const TB: u64 = 1_000_000_000_000;
pub(crate) const COMMERCIAL_TYPES: &[CommercialType] = &[
    ct("DEV1-S", "x86_64", 20, Some(20), None),
    ct("DEV1-M", "x86_64", 10, Some(40), None),
    ct("DEV1-L", "x86_64", 4, Some(80), None),
    ct("PLAY2-PICO", "x86_64", 7, None, None),
    ct("PLAY2-NANO", "x86_64", 5, None, None),
    ct("PLAY2-MICRO", "x86_64", 3, None, None),
    ct("PRO2-XXS", "x86_64", 7, None, None),
    ct("PRO2-XS", "x86_64", 4, None, None),
    ct("PRO2-S", "x86_64", 3, None, None),
    ct("GP1-XS", "x86_64", 4, Some(150), None),
    ct("GP1-S", "x86_64", 2, Some(300), None),
    ct("POP2-2C-8G", "x86_64", 9, None, None),
    ct("POP2-4C-16G", "x86_64", 5, None, None),
    ct("POP2-HM-2C-16G", "x86_64", 2, None, None),
    ct("STARDUST1-S", "x86_64", 2, Some(10), None),
    ct("COPARM1-2C-8G", "arm64", 4, None, None),
    ct("COPARM1-4C-16G", "arm64", 2, None, None),
    ct("L4-1-24G", "x86_64", 2, None, Some(1_600_000_000_000)),
    ct("L4-2-24G", "x86_64", 1, None, Some(3_200_000_000_000)),
    ct("L40S-1-48G", "x86_64", 1, None, Some(1_600_000_000_000)),
    ct(
        "L40S-2-48G",
        "x86_64",
        1,
        None,
        Some(3 * TB + 200_000_000_000),
    ),
    // Past its end of service: never drawn, given to a few servers by rule (specials.rs).
    ct("START1-S", "x86_64", 0, Some(50), None),
];

/// Types whose `end_of_service` is true, as the real catalog says of the `START1` range.
pub(super) fn is_end_of_service(name: &str) -> bool {
    name.starts_with("START1-")
}

pub(super) fn pick_commercial_type(rng: &mut StdRng) -> CommercialType {
    let total: u32 = COMMERCIAL_TYPES.iter().map(|t| t.weight).sum();
    let mut roll = rng.random_range(0..total);
    for t in COMMERCIAL_TYPES {
        if roll < t.weight {
            return *t;
        }
        roll -= t.weight;
    }
    COMMERCIAL_TYPES[0]
}

pub(super) fn commercial_type_spec(name: &str) -> CommercialType {
    COMMERCIAL_TYPES
        .iter()
        .copied()
        .find(|t| t.name == name)
        .unwrap_or(COMMERCIAL_TYPES[0])
}

#[rustfmt::skip]
pub(crate) const ADJECTIVES: &[&str] = &[
    "admiring", "adoring", "affectionate", "agitated", "amazing", "angry", "awesome",
    "blissful", "bold", "boring", "brave", "charming", "clever", "compassionate", "competent",
    "confident", "cranky", "dazzling", "determined", "distracted", "dreamy", "eager",
    "ecstatic", "elastic", "elated", "elegant", "eloquent", "epic", "fervent", "festive",
    "flamboyant", "focused", "friendly", "frosty", "funny", "gallant", "gifted", "goofy",
    "gracious", "happy", "hardcore", "heuristic", "hopeful", "hungry", "infallible",
    "inspiring", "intelligent", "jolly", "jovial", "keen", "kind", "laughing", "loving",
    "lucid", "magical", "modest", "musing", "naughty", "nervous", "nifty", "nostalgic",
    "objective", "optimistic", "peaceful", "pedantic", "pensive", "practical", "priceless",
    "quirky", "quizzical", "relaxed", "reverent", "romantic", "sad", "serene", "sharp", "silly",
    "sleepy", "stoic", "strange", "stupefied", "suspicious", "sweet", "tender", "thirsty",
    "trusting", "unruffled", "upbeat", "vibrant", "vigilant", "vigorous", "wizardly",
    "wonderful", "xenodochial", "youthful", "zealous", "zen",
];

#[rustfmt::skip]
pub(crate) const SCIENTISTS: &[&str] = &[
    "albattani", "allen", "almeida", "archimedes", "aryabhata", "austin", "babbage", "banach",
    "bardeen", "bartik", "bassi", "bell", "bhabha", "blackwell", "bohr", "booth", "borg",
    "bose", "boyd", "brattain", "brown", "burnell", "cannon", "carson", "cerf", "chandrasekhar",
    "chatelet", "chebyshev", "cohen", "colden", "cori", "cray", "curie", "darwin", "davinci",
    "dijkstra", "dirac", "driscoll", "easley", "einstein", "elion", "ellis", "engelbart",
    "euclid", "euler", "faraday", "fermat", "fermi", "feynman", "franklin", "gagarin",
    "galileo", "galois", "gauss", "germain", "goldberg", "goldstine", "goodall", "hamilton",
    "hawking", "heisenberg", "hellman", "hermann", "herschel", "hertz", "hodgkin", "hopper",
    "hugle", "hypatia", "jackson", "jang", "jemison", "jennings", "jepsen", "johnson", "joliot",
    "kalam", "kapitsa", "keller", "kepler", "khorana", "kilby", "kirch", "knuth", "lalande",
    "lamarr", "lamport", "leakey", "leavitt", "lehmann", "liskov", "lovelace", "lumiere",
    "margulis", "maxwell", "mayer", "mccarthy", "mcclintock", "meitner", "mendel", "mendeleev",
    "merkle", "mirzakhani", "moore", "morse", "napier", "nash", "neumann", "newton", "nobel",
    "noether", "northcutt", "noyce", "pascal", "pasteur", "payne", "perlman", "pike",
    "poincare", "ptolemy", "raman", "ramanujan", "ride", "ritchie", "roentgen", "rosalind",
    "rubin", "saha", "sammet", "shamir", "shannon", "shaw", "shirley", "shockley", "sinoussi",
    "snyder", "spence", "sutherland", "swanson", "swartz", "tesla", "tharp", "thompson",
    "torvalds", "tu", "turing", "vaughan", "villani", "wescoff", "wiles", "williams", "wilson",
    "wing", "wozniak", "wright", "wu", "yalow", "yonath",
];

#[rustfmt::skip]
pub(super) const ROLES: &[&str] = &[
    "web", "api", "db-primary", "db-replica", "cache", "worker", "gitlab-runner", "bastion",
    "vpn", "monitoring", "mail", "build", "ci", "proxy", "search",
];

#[rustfmt::skip]
pub(super) const SPACED_NAMES: &[&str] = &[
    "Scaleway Instance", "Scaleway Instance", "Web server", "build box 2",
    "Test machine (do not delete)", "Minecraft server",
];

pub(crate) fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// Names as people give them: mostly the console's `scw-<adjective>-<scientist>`, some tool
/// prefixes, role names, 2018-style `scw-<hex>` and free text with spaces. Not unique.
pub(super) fn server_name(rng: &mut StdRng) -> String {
    match rng.random_range(0..100) {
        0..55 => format!("scw-{}-{}", pick(rng, ADJECTIVES), pick(rng, SCIENTISTS)),
        55..63 => format!("tf-srv-{}-{}", pick(rng, ADJECTIVES), pick(rng, SCIENTISTS)),
        63..68 => format!(
            "cli-srv-{}-{}",
            pick(rng, ADJECTIVES),
            pick(rng, SCIENTISTS)
        ),
        68..86 => format!("{}-{:02}", pick(rng, ROLES), rng.random_range(1..13)),
        86..94 => format!("scw-{:06x}", rng.random::<u32>() & 0xff_ffff),
        _ => pick(rng, SPACED_NAMES).to_owned(),
    }
}

/// Tags: often none, else a few of `env=…`, `team:…`, `role=…`, free words.
pub(super) fn server_tags(rng: &mut StdRng) -> Vec<String> {
    let mut tags = Vec::new();
    if rng.random_range(0..100) < 30 {
        return tags;
    }
    tags.push(
        match rng.random_range(0..10) {
            0..5 => "env=prod",
            5..8 => "env=staging",
            _ => "env=dev",
        }
        .to_owned(),
    );
    if rng.random_bool(0.5) {
        tags.push(pick(rng, &["team:web", "team:data", "team:ops", "team:ml"]).to_owned());
    }
    if rng.random_bool(0.2) {
        tags.push(
            pick(
                rng,
                &[
                    "backup",
                    "terraform",
                    "monitored",
                    "role=frontend",
                    "role=database",
                ],
            )
            .to_owned(),
        );
    }
    tags
}

/// `hostname` is the name lower-cased, with spaces and underscores as dashes.
pub(crate) fn hostname_of(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            ' ' | '_' => Some('-'),
            c if c.is_ascii_alphanumeric() || c == '-' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

pub(crate) fn ipv4(rng: &mut StdRng, dynamic: bool, mode: &'static str) -> PublicIp {
    let prefix = pick(
        rng,
        &[
            "51.15", "51.158", "51.159", "163.172", "212.47", "62.210", "195.154",
        ],
    );
    let address = format!(
        "{prefix}.{}.{}",
        rng.random::<u8>(),
        rng.random_range(1..255)
    );
    let id = uuid(rng);
    PublicIp {
        ipam_id: (rng.random_range(0..100) < 95).then(|| id.clone()),
        id,
        address,
        dynamic,
        gateway: (rng.random_range(0..100) < 95).then(|| "62.210.0.1".to_owned()),
        netmask: "32",
        family: "inet",
        provisioning_mode: mode,
        tags: Vec::new(),
        state: "attached",
    }
}

pub(crate) fn ipv6(rng: &mut StdRng) -> PublicIp {
    let prefix = format!(
        "2001:bc8:{:x}:{:x}",
        rng.random_range(0x600..0x1fff),
        rng.random::<u16>()
    );
    let id = uuid(rng);
    PublicIp {
        ipam_id: Some(id.clone()),
        id,
        address: format!("{prefix}::1"),
        dynamic: false,
        gateway: Some(format!("{prefix}::")),
        netmask: "64",
        family: "inet6",
        provisioning_mode: "slaac",
        tags: Vec::new(),
        state: "attached",
    }
}

pub(crate) fn sbs_class(rng: &mut StdRng) -> (&'static str, u32) {
    if rng.random_range(0..100) < 75 {
        ("sbs_5k", 5000)
    } else {
        ("sbs_15k", 15000)
    }
}

pub(crate) fn sbs_size(rng: &mut StdRng) -> u64 {
    [10, 20, 50, 100, 150, 250, 500, 1000, 2000, 5000][rng.random_range(0..10)] * GB
}
