//! The simulator's price table, written once: what the simulated APIs publish (Elastic Metal
//! and Dedibox offers, Block volume types) and what the simulated bill charges (the same
//! prices, and those no API publishes: Apple silicon, IPs, snapshots). Instance types'
//! prices are the server-type catalog's (`catalog.rs`). Every amount is the API's `Money`:
//! whole units and nanos of the same sign.

use serde::Serialize;

/// The API's money type (`scw.Money`): `units + nanos / 1e9`, both ≤ 0 when negative.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Money {
    pub currency_code: &'static str,
    pub units: i64,
    pub nanos: i32,
}

const NANOS_PER_UNIT: i128 = 1_000_000_000;

impl Money {
    /// An amount in euros: `eur(0, 118_000)` is 0.000118 €.
    pub(crate) const fn eur(units: i64, nanos: i32) -> Money {
        Money {
            currency_code: "EUR",
            units,
            nanos,
        }
    }

    /// An amount in euros given in nanos, split so both parts share its sign.
    pub(crate) fn from_nanos(total: i128) -> Money {
        // Division truncates toward zero, so the remainder has the dividend's sign.
        let units = i64::try_from(total / NANOS_PER_UNIT).unwrap_or(i64::MAX);
        let nanos = i32::try_from(total % NANOS_PER_UNIT).unwrap_or(0);
        Money::eur(units, nanos)
    }

    /// The amount in nanos.
    pub(crate) fn total_nanos(self) -> i128 {
        i128::from(self.units) * NANOS_PER_UNIT + i128::from(self.nanos)
    }
}

/// Nothing to pay (an hourly offer's fee, an IPv6 address).
pub(crate) const FREE: Money = Money::eur(0, 0);

// ------------------------------------------------------------------------------------------
// Elastic Metal offers
// ------------------------------------------------------------------------------------------

/// An Elastic Metal offer as sold: hourly, monthly, or both (two offers, twins linked by the
/// hourly one's `monthly_offer_id`). The hardware is the simulator's own description.
pub(crate) struct MetalOffer {
    pub name: &'static str,
    /// The hourly offer's id and price, when the offer is sold by the hour.
    pub hourly: Option<(&'static str, Money)>,
    /// The monthly offer's id and price, when it is sold by the month.
    pub monthly: Option<(&'static str, Money)>,
    pub range: &'static str,
    /// (name, cores, threads, MHz).
    pub cpu: (&'static str, u32, u32, u32),
    /// Bytes of memory and its type.
    pub memory: (u64, &'static str),
    /// How many disks, each of how many bytes, of which type.
    pub disks: (usize, u64, &'static str),
    pub bandwidth: u64,
}

const SSD_1TB: u64 = 1_024_209_543_168;
const NVME_2TB: u64 = 1_920_383_410_176;
const HDD_6TB: u64 = 6_001_175_126_016;

/// Every Elastic Metal offer, cheapest first. The generated servers use the first three names
/// (`EM-I215E-NVME`, `EM-B220E-NVME`, `EM-B112X-SSD`), whose hourly ids they carried before
/// monthly offers existed; `EM-B111X-SATA` is sold by the hour only, `EM-L220E-NVME` by the
/// month only.
pub(crate) const METAL_OFFERS: &[MetalOffer] = &[
    MetalOffer {
        name: "EM-I215E-NVME",
        hourly: Some((
            "ddb09834-8680-4339-b5e3-19ca5205fa1f",
            Money::eur(0, 890_000_000),
        )),
        monthly: Some((
            "99d54754-05b2-4b7f-8153-ee6dc902edf4",
            Money::eur(319, 990_000_000),
        )),
        range: "iridium",
        cpu: ("AMD EPYC 7313P", 16, 32, 3000),
        memory: (128_000_000_000, "DDR4"),
        disks: (2, NVME_2TB, "NVMe"),
        bandwidth: 1_000_000_000,
    },
    MetalOffer {
        name: "EM-B220E-NVME",
        hourly: Some((
            "206ea234-9097-4ae1-af68-6d2be09f47ed",
            Money::eur(0, 330_000_000),
        )),
        monthly: Some((
            "79eb8901-ee5c-4dd6-b624-52728b4a001b",
            Money::eur(115, 990_000_000),
        )),
        range: "beryllium",
        cpu: ("AMD Ryzen PRO 3600", 6, 12, 3600),
        memory: (64_000_000_000, "DDR4"),
        disks: (2, NVME_2TB, "NVMe"),
        bandwidth: 1_000_000_000,
    },
    MetalOffer {
        name: "EM-B112X-SSD",
        hourly: Some((
            "46c0d6a4-4ecd-4e2b-8000-00000000b112",
            Money::eur(0, 260_000_000),
        )),
        monthly: Some((
            "d5f59ce0-300b-41b2-ad28-1852b9a9d034",
            Money::eur(89, 990_000_000),
        )),
        range: "beryllium",
        cpu: ("Intel Xeon E-2136", 6, 12, 3300),
        memory: (32_000_000_000, "DDR4"),
        disks: (2, SSD_1TB, "SSD"),
        bandwidth: 1_000_000_000,
    },
    MetalOffer {
        name: "EM-A115X-SSD",
        hourly: Some((
            "88655884-9229-4519-8958-ce11ff39132a",
            Money::eur(0, 91_000_000),
        )),
        monthly: Some((
            "38b1cec9-36c6-412c-8eab-412536892743",
            Money::eur(32, 990_000_000),
        )),
        range: "aluminium",
        cpu: ("Intel Xeon E3-1220 v5", 4, 4, 3000),
        memory: (32_000_000_000, "DDR4"),
        disks: (2, SSD_1TB, "SSD"),
        bandwidth: 500_000_000,
    },
    MetalOffer {
        name: "EM-L105X-SATA",
        hourly: Some((
            "7667f31a-3f1b-401d-8cde-d54122c7cf41",
            Money::eur(0, 210_000_000),
        )),
        monthly: Some((
            "b9b8bb14-29b6-4a16-90a5-bc884e74b444",
            Money::eur(72, 990_000_000),
        )),
        range: "lithium",
        cpu: ("Intel Xeon E5-1410 v2", 4, 8, 2800),
        memory: (96_000_000_000, "DDR3"),
        disks: (4, HDD_6TB, "HDD"),
        bandwidth: 1_000_000_000,
    },
    MetalOffer {
        name: "EM-B320E-NVME",
        hourly: Some((
            "aa11558a-ac3c-4f5b-8140-09c22f87a9cd",
            Money::eur(0, 410_000_000),
        )),
        monthly: Some((
            "c223f856-5a2c-4485-bd31-c33d7a641506",
            Money::eur(145, 990_000_000),
        )),
        range: "beryllium",
        cpu: ("AMD EPYC 7282", 16, 32, 2800),
        memory: (128_000_000_000, "DDR4"),
        disks: (2, NVME_2TB, "NVMe"),
        bandwidth: 1_000_000_000,
    },
    MetalOffer {
        name: "EM-B111X-SATA",
        hourly: Some((
            "0efe718e-9ed1-4179-8b67-21715ed28920",
            Money::eur(0, 260_000_000),
        )),
        monthly: None,
        range: "beryllium",
        cpu: ("Intel Xeon E-2136", 6, 12, 3300),
        memory: (32_000_000_000, "DDR4"),
        disks: (2, HDD_6TB, "HDD"),
        bandwidth: 1_000_000_000,
    },
    MetalOffer {
        name: "EM-L220E-NVME",
        hourly: None,
        monthly: Some((
            "e52722f1-c9ef-4add-8667-1f559b96265a",
            Money::eur(219, 990_000_000),
        )),
        range: "lithium",
        cpu: ("AMD EPYC 7272", 12, 24, 2900),
        memory: (192_000_000_000, "DDR4"),
        disks: (4, NVME_2TB, "NVMe"),
        bandwidth: 1_000_000_000,
    },
];

/// The offer named `name`.
pub(crate) fn metal_offer(name: &str) -> Option<&'static MetalOffer> {
    METAL_OFFERS.iter().find(|o| o.name == name)
}

/// An option every Elastic Metal offer lists: (id, name, price, monthly, what it is).
pub(crate) struct MetalOption {
    pub id: &'static str,
    pub name: &'static str,
    pub price: Money,
    pub monthly: bool,
    pub kind: MetalOptionKind,
}

pub(crate) enum MetalOptionKind {
    PrivateNetwork(u64),
    PublicBandwidth(u64),
    RemoteAccess,
    Certification,
    /// A licence for the OS of this id.
    License(&'static str),
}

/// The option every recorded "Private Network" option has, on offers and servers alike.
pub(crate) const PRIVATE_NETWORK_OPTION_ID: &str = "cd4158d7-2d65-49be-8803-c4b8ab6f760c";

/// The options of every offer: hourly ones can be managed on a running server, monthly
/// ones not. The Private Network option's id is the one the servers' `options` carry.
pub(crate) const METAL_OPTIONS: &[MetalOption] = &[
    MetalOption {
        id: PRIVATE_NETWORK_OPTION_ID,
        name: "Private Network",
        price: Money::eur(0, 25_000_000),
        monthly: false,
        kind: MetalOptionKind::PrivateNetwork(1_000_000_000),
    },
    MetalOption {
        id: "cce34625-47c3-4157-8a69-ec5523e8d26a",
        name: "Public Bandwidth 2Gbps",
        price: Money::eur(0, 60_000_000),
        monthly: false,
        kind: MetalOptionKind::PublicBandwidth(2_000_000_000),
    },
    MetalOption {
        id: "8531fcbd-fa3e-4c7f-b4c9-d691007f5aa6",
        name: "Remote Access",
        price: Money::eur(0, 490_000_000),
        monthly: false,
        kind: MetalOptionKind::RemoteAccess,
    },
    MetalOption {
        id: "c4075eae-e79c-4c4d-9682-a5c274f51228",
        name: "HDS",
        price: Money::eur(14, 990_000_000),
        monthly: true,
        kind: MetalOptionKind::Certification,
    },
    MetalOption {
        id: "a013f4c5-11e0-4a90-9937-fa562d30f27d",
        name: "Windows 2022 standard",
        price: Money::eur(24, 990_000_000),
        monthly: true,
        kind: MetalOptionKind::License("b2638659-d8e9-4d3a-8af1-e89393eb130a"),
    },
];

// ------------------------------------------------------------------------------------------
// Dedibox offers
// ------------------------------------------------------------------------------------------

/// A Dedibox server offer, paid monthly: (id, name, whole euros; the price is `euros.99`),
/// and the hardware the simulator gives it.
pub(crate) struct DediboxOffer {
    pub id: u64,
    pub name: &'static str,
    pub euros: i64,
    /// One-off setup fee, whole euros (`0` is free).
    pub setup_euros: i64,
    pub range: &'static str,
    /// (name, cores, threads, MHz).
    pub cpu: (&'static str, u32, u32, u32),
    /// Bytes of memory, its type (`ddr4`…).
    pub memory: (u64, &'static str),
    /// How many disks, each of how many bytes, of which type (`sata`, `ssd`, `nvme`).
    pub disks: (usize, u64, &'static str),
}

/// How many of [`DEDIBOX_OFFERS`] (the first) the generated servers are drawn from.
pub(crate) const DEDIBOX_OFFERS_DRAWN: usize = 5;

/// Every Dedibox server offer.
pub(crate) const DEDIBOX_OFFERS: &[DediboxOffer] = &[
    DediboxOffer {
        id: 3059,
        name: "Start-2-M-SATA",
        euros: 20,
        setup_euros: 0,
        range: "start",
        cpu: ("Intel Xeon D-1520", 4, 8, 2200),
        memory: (16_000_000_000, "ddr4"),
        disks: (1, 1_000_000_000_000, "sata"),
    },
    DediboxOffer {
        id: 3124,
        name: "Core-4-L-SATA",
        euros: 55,
        setup_euros: 0,
        range: "core",
        cpu: ("Intel Xeon E3-1245 v5", 4, 8, 3500),
        memory: (32_000_000_000, "ddr4"),
        disks: (2, 4_000_000_000_000, "sata"),
    },
    DediboxOffer {
        id: 3205,
        name: "Pro-6-S",
        euros: 90,
        setup_euros: 49,
        range: "pro",
        cpu: ("AMD EPYC 7232P", 8, 16, 3100),
        memory: (64_000_000_000, "ddr4"),
        disks: (2, 480_000_000_000, "ssd"),
    },
    DediboxOffer {
        id: 3281,
        name: "Store-1-L",
        euros: 45,
        setup_euros: 0,
        range: "store",
        cpu: ("Intel Atom C2750", 8, 8, 2400),
        memory: (16_000_000_000, "ddr3"),
        disks: (4, 6_000_000_000_000, "sata"),
    },
    DediboxOffer {
        id: 3322,
        name: "Core-7-M-NVMe",
        euros: 110,
        setup_euros: 49,
        range: "core",
        cpu: ("AMD Ryzen 7 PRO 3700", 8, 16, 3600),
        memory: (64_000_000_000, "ddr4"),
        disks: (2, 1_000_000_000_000, "nvme"),
    },
    DediboxOffer {
        id: 3398,
        name: "Start-3-S-SSD",
        euros: 15,
        setup_euros: 0,
        range: "start",
        cpu: ("Intel Atom C3338", 2, 2, 1500),
        memory: (4_000_000_000, "ddr4"),
        disks: (1, 256_000_000_000, "ssd"),
    },
];

impl DediboxOffer {
    /// The monthly price: `euros.99`.
    pub(crate) const fn pricing(&self) -> Money {
        Money::eur(self.euros, 990_000_000)
    }
}

/// The Dedibox failover IP offer: (id, name, monthly price, setup fee).
pub(crate) const DEDIBOX_FAILOVER_IP: (u64, &str, Money, Money) = (
    1871,
    "Failover IP",
    Money::eur(1, 990_000_000),
    Money::eur(2, 990_000_000),
);

// ------------------------------------------------------------------------------------------
// Block Storage, snapshots, IPs, Apple silicon
// ------------------------------------------------------------------------------------------

/// Block Storage volume types: (type, IOPS, price per GB per hour).
pub(crate) const BLOCK_TYPES: &[(&str, u32, Money)] = &[
    ("sbs_5k", 5000, Money::eur(0, 118_000)),
    ("sbs_15k", 15000, Money::eur(0, 148_000)),
];

/// A Block or Instance snapshot, per GB per hour.
pub(crate) const SNAPSHOT_PER_GB_HOUR: Money = Money::eur(0, 44_000);

/// The price per GB per hour of a Block volume type (the dearest for an unknown one).
pub(crate) fn block_price(volume_type: &str) -> Money {
    BLOCK_TYPES
        .iter()
        .find(|(t, ..)| *t == volume_type)
        .map_or(Money::eur(0, 148_000), |(.., price)| *price)
}

/// An Instance IPv4 (routed or NAT), per hour; IPv6 is free.
pub(crate) const INSTANCE_IPV4_PER_HOUR: Money = Money::eur(0, 4_000_000);

/// An Elastic Metal flexible IPv4, per hour; IPv6 is free.
pub(crate) const FLEXIBLE_IPV4_PER_HOUR: Money = Money::eur(0, 5_000_000);

/// Apple silicon, per hour, by server type: billed, but published by no API (the server
/// types carry no price).
pub(crate) fn apple_silicon_per_hour(server_type: &str) -> Money {
    match server_type {
        "M1-M" => Money::eur(0, 110_000_000),
        "M2-M" => Money::eur(0, 150_000_000),
        "M2-L" => Money::eur(0, 310_000_000),
        "M4-S" => Money::eur(0, 220_000_000),
        "M4-M" => Money::eur(0, 420_000_000),
        "M4-L" => Money::eur(0, 840_000_000),
        _ => Money::eur(1, 50_000_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_splits_with_one_sign() {
        assert_eq!(
            Money::from_nanos(-1_750_000_000),
            Money::eur(-1, -750_000_000)
        );
        assert_eq!(Money::from_nanos(1_750_000_000), Money::eur(1, 750_000_000));
        assert_eq!(Money::from_nanos(-250_000_000), Money::eur(0, -250_000_000));
        assert_eq!(Money::eur(319, 990_000_000).total_nanos(), 319_990_000_000);
    }

    #[test]
    fn every_metal_offer_is_sold_somehow_and_ids_are_unique() {
        let mut ids = std::collections::HashSet::new();
        for offer in METAL_OFFERS {
            assert!(
                offer.hourly.is_some() || offer.monthly.is_some(),
                "{}",
                offer.name
            );
            for (id, _) in offer.hourly.iter().chain(offer.monthly.iter()) {
                assert!(ids.insert(*id), "{id} twice");
            }
        }
    }
}
