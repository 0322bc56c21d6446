//! [`Listing`]: where a list of the Scaleway API is and how it pages
//! (docs/api-notes.md#paging-with-x-total-count-instances).

/// Where a list says how many items it has in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// The `X-Total-Count` header: the Instance API, the first generation.
    Header,
    /// `total_count` in the body: every API generated after it.
    Body,
}

/// One list endpoint of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    /// The path after the API base URL, with `{zone}` where the zone goes.
    pub path: &'static str,
    /// The name of the page-size parameter: `per_page` (Instance) or `page_size`.
    pub page_size: &'static str,
    pub total: Total,
    /// The IAM permission set that lets a key read the list.
    pub permission_set: &'static str,
}

impl Listing {
    /// The path of the list in `zone`, after the API base URL.
    pub fn path_in(&self, zone: &str) -> String {
        self.path.replace("{zone}", zone)
    }
}

/// The Block Storage volumes of a zone, where `sbs_volume` sizes live.
pub const BLOCK_VOLUMES: Listing = Listing {
    path: "/block/v1/zones/{zone}/volumes",
    page_size: "page_size",
    total: Total::Body,
    permission_set: "BlockStorageReadOnly",
};

/// The Instance server-type catalog of a zone: a map keyed by commercial type, 50 a page
/// unless asked for more (docs/api-notes.md#the-server-type-catalog).
pub const SERVER_TYPES: Listing = Listing {
    path: "/instance/v1/zones/{zone}/products/servers",
    page_size: "per_page",
    total: Total::Header,
    permission_set: "InstancesReadOnly",
};

/// The projects of an organization (no zone; the organization is a query parameter).
pub const PROJECTS: Listing = Listing {
    path: "/account/v3/projects",
    page_size: "page_size",
    total: Total::Body,
    permission_set: "ProjectReadOnly",
};

/// The Block Storage snapshots of a zone.
pub const BLOCK_SNAPSHOTS: Listing = Listing {
    path: "/block/v1/zones/{zone}/snapshots",
    page_size: "page_size",
    total: Total::Body,
    permission_set: "BlockStorageReadOnly",
};

/// The Instance volumes of a zone (`l_ssd`, the legacy `b_ssd`, ...), each with the server
/// that holds it or none.
pub const INSTANCE_VOLUMES: Listing = Listing {
    path: "/instance/v1/zones/{zone}/volumes",
    page_size: "per_page",
    total: Total::Header,
    permission_set: "InstancesReadOnly",
};

/// The Instance flexible IPs of a zone.
pub const INSTANCE_IPS: Listing = Listing {
    path: "/instance/v1/zones/{zone}/ips",
    page_size: "per_page",
    total: Total::Header,
    permission_set: "InstancesReadOnly",
};

/// The Instance snapshots of a zone.
pub const INSTANCE_SNAPSHOTS: Listing = Listing {
    path: "/instance/v1/zones/{zone}/snapshots",
    page_size: "per_page",
    total: Total::Header,
    permission_set: "InstancesReadOnly",
};

/// The flexible IPs of Elastic Metal in a zone. Scaleway's permission sets name none for
/// them alone: they are part of Elastic Metal (docs/api-notes.md#leftovers).
pub const FLEXIBLE_IPS: Listing = Listing {
    path: "/flexible-ip/v1alpha1/zones/{zone}/fips",
    page_size: "page_size",
    total: Total::Body,
    permission_set: "ElasticMetalReadOnly",
};

/// Elastic Metal's offers of a zone: hourly ones by default, the monthly twins with
/// `subscription_period=monthly` (docs/api-notes.md#prices).
pub const ELASTIC_METAL_OFFERS: Listing = Listing {
    path: "/baremetal/v1/zones/{zone}/offers",
    page_size: "page_size",
    total: Total::Body,
    permission_set: "ElasticMetalReadOnly",
};

/// Dedibox's offers of a zone.
pub const DEDIBOX_OFFERS: Listing = Listing {
    path: "/dedibox/v1/zones/{zone}/offers",
    page_size: "page_size",
    total: Total::Body,
    permission_set: "DediboxReadOnly",
};

/// Block Storage's volume types of a zone, with their price per GB and hour.
pub const BLOCK_VOLUME_TYPES: Listing = Listing {
    path: "/block/v1/zones/{zone}/volume-types",
    page_size: "page_size",
    total: Total::Body,
    permission_set: "BlockStorageReadOnly",
};

/// This month's consumption of an organization (no zone; the organization and the month are
/// query parameters).
pub const CONSUMPTIONS: Listing = Listing {
    path: "/billing/v2beta1/consumptions",
    page_size: "page_size",
    total: Total::Body,
    permission_set: "BillingReadOnly",
};
