//! The API model and the inventory read every quirk of the real API (docs/api-notes.md) from
//! the project's own fixtures (tests/fixtures), written after the real responses.

use scaleway_exporter::api::model::{BlockVolumesPage, ServersPage};
use scaleway_exporter::inventory::{
    servers_from_api, Family, InstanceDetail, Maintenance, Scope, Server,
};
use scaleway_exporter::product::InstanceState;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn quirky_fleet() -> Vec<Server> {
    let page: ServersPage =
        serde_json::from_str(&fixture("servers-quirks.json")).expect("the page parses");
    let block: BlockVolumesPage =
        serde_json::from_str(&fixture("block-volumes.json")).expect("the block list parses");
    servers_from_api(page.servers, &block.items)
}

/// What only an Instance says of itself.
fn instance(server: &Server) -> &InstanceDetail {
    server.detail().expect("an Instance")
}

/// The server's state, as an Instance state.
fn state(server: &Server) -> &'static str {
    server.state.label()
}

fn server<'a>(fleet: &'a [Server], id_suffix: &str) -> &'a Server {
    fleet
        .iter()
        .find(|s| s.id.ends_with(id_suffix))
        .expect("server present")
}

#[test]
fn a_server_listed_twice_while_paging_is_read_once_as_first_listed() {
    let fleet = quirky_fleet();
    assert_eq!(fleet.len(), 4);
    assert_eq!(
        state(server(&fleet, "0001")),
        InstanceState::Running.label()
    );
}

#[test]
fn null_image_and_null_addresses_read_as_empty() {
    let fleet = quirky_fleet();
    let s = server(&fleet, "0001");
    assert_eq!(instance(s).image_name, "");
    assert!(s.addresses.is_empty());
}

#[test]
fn volumes_keyed_out_of_order_come_out_in_numeric_order() {
    let fleet = quirky_fleet();
    let indexes: Vec<&str> = server(&fleet, "0001")
        .volumes()
        .iter()
        .map(|v| v.index.as_str())
        .collect();
    assert_eq!(indexes, ["0", "1", "2", "3", "10"]);
}

#[test]
fn sbs_volumes_without_size_take_it_from_the_block_list_or_stay_unknown() {
    let fleet = quirky_fleet();
    let volumes = &server(&fleet, "0001").volumes();
    let sbs = volumes.iter().find(|v| v.id == "vol-c").unwrap();
    assert_eq!(sbs.size, Some(25_000_000_000));
    assert_eq!(sbs.name, "sbs data");
    let unlisted = volumes.iter().find(|v| v.id == "vol-d").unwrap();
    assert_eq!(
        unlisted.size, None,
        "an sbs volume the Block list does not know has no size"
    );
}

#[test]
fn sizes_past_32_bits_are_read_exactly() {
    let fleet = quirky_fleet();
    assert_eq!(
        server(&fleet, "0002").volumes()[0].size,
        Some(3_200_000_000_000)
    );
    assert_eq!(
        server(&fleet, "0001").volumes()[1].size,
        Some(300_000_000_000)
    );
    assert_eq!(server(&fleet, "0004").volumes()[2].size, Some(u64::MAX));
}

#[test]
fn sizes_that_are_not_whole_non_negative_numbers_read_as_unknown() {
    let fleet = quirky_fleet();
    let volumes = &server(&fleet, "0004").volumes();
    assert_eq!(volumes[0].size, None, "a float");
    assert_eq!(volumes[1].size, None, "a negative number");
}

#[test]
fn an_empty_volumes_map_and_null_tags_read_as_empty() {
    let fleet = quirky_fleet();
    let s = server(&fleet, "0003");
    assert!(s.volumes().is_empty());
    assert!(s.tags.is_empty());
}

#[test]
fn unknown_states_are_unknown_and_locked_is_locked() {
    let fleet = quirky_fleet();
    assert_eq!(
        state(server(&fleet, "0003")),
        InstanceState::Unknown.label()
    );
    assert_eq!(state(server(&fleet, "0004")), InstanceState::Locked.label());
    assert_eq!(
        state(server(&fleet, "0002")),
        InstanceState::StoppedInPlace.label()
    );
}

#[test]
fn missing_or_unparseable_dates_have_no_value_instead_of_failing_the_page() {
    let fleet = quirky_fleet();
    let s = server(&fleet, "0003");
    assert_eq!(s.created, None);
    assert_eq!(instance(s).modified, None);
    assert_eq!(server(&fleet, "0001").created, Some(1_786_439_821.059214));
}

#[test]
fn tags_keep_equals_colons_and_unicode_and_repeat_once() {
    let fleet = quirky_fleet();
    assert_eq!(
        server(&fleet, "0001").tags,
        ["env=prod", "team:web", "AUTHORIZED_KEY=ssh-rsa AAAA…"]
    );
}

#[test]
fn names_keep_quotes_backslashes_newlines_and_non_ascii_text() {
    let fleet = quirky_fleet();
    assert_eq!(
        server(&fleet, "0001").name,
        "web \"front\" \\ 1\nsecond line – café 東京"
    );
}

#[test]
fn public_ips_give_both_families_and_the_private_address_its_scope() {
    let fleet = quirky_fleet();
    let got: Vec<(&str, Family, Scope)> = server(&fleet, "0002")
        .addresses
        .iter()
        .map(|a| (a.address.as_str(), a.family, a.scope))
        .collect();
    assert_eq!(
        got,
        [
            ("51.15.0.10", Family::Inet, Scope::Public),
            ("2001:bc8:1640::1", Family::Inet6, Scope::Public),
            ("10.68.4.2", Family::Inet, Scope::Private),
        ]
    );
}

#[test]
fn a_missing_project_reads_as_empty() {
    let fleet = quirky_fleet();
    assert_eq!(server(&fleet, "0003").project_id, "");
    assert_eq!(server(&fleet, "0003").organization_id, "0rg-0001");
}

// No recorded Instance body has a non-empty `maintenances` or `boot_type: "rescue"`: the
// fixture's are built from the Go SDK's types (`ServerMaintenance {reason, start_date}`, a
// nullable `*time.Time`, in a list of pointers; `BootType` local, bootscript, rescue).

#[test]
fn maintenances_are_read_one_per_reason_with_the_earliest_start_and_null_entries_skipped() {
    let fleet = quirky_fleet();
    assert_eq!(
        instance(server(&fleet, "0001")).maintenances,
        [
            Maintenance {
                reason: "kernel \"CVE\" fix \\ part 1\nthen reboot".into(),
                start: Some(1_788_228_000.0),
            },
            Maintenance {
                reason: "hypervisor – migration 東京".into(),
                start: None,
            },
        ]
    );
}

#[test]
fn empty_null_and_absent_maintenances_are_none() {
    let fleet = quirky_fleet();
    for id in ["0002", "0003", "0004"] {
        assert!(instance(server(&fleet, id)).maintenances.is_empty(), "{id}");
    }
}

#[test]
fn end_of_service_is_read_as_given_and_false_when_absent_or_null() {
    let fleet = quirky_fleet();
    assert!(instance(server(&fleet, "0002")).end_of_service);
    assert!(!instance(server(&fleet, "0001")).end_of_service, "false");
    assert!(!instance(server(&fleet, "0003")).end_of_service, "absent");
    assert!(!instance(server(&fleet, "0004")).end_of_service, "null");
}

#[test]
fn boot_type_is_read_as_given_and_empty_when_absent_or_null() {
    let fleet = quirky_fleet();
    assert_eq!(instance(server(&fleet, "0001")).boot_type, "local");
    assert_eq!(instance(server(&fleet, "0002")).boot_type, "rescue");
    assert_eq!(instance(server(&fleet, "0003")).boot_type, "", "absent");
    assert_eq!(instance(server(&fleet, "0004")).boot_type, "", "null");
}

#[test]
fn the_2014_running_boolean_l_hdd_and_deprecated_public_ip_are_read() {
    let page: ServersPage = serde_json::from_str(&fixture("legacy-2014.json")).unwrap();
    let fleet = servers_from_api(page.servers, &[]);
    assert_eq!(state(&fleet[0]), InstanceState::Stopped.label());
    assert_eq!(state(&fleet[1]), InstanceState::Running.label());
    assert_eq!(fleet[0].volumes()[0].volume_type, "l_hdd");
    assert_eq!(fleet[0].volumes()[0].index, "0");
    assert_eq!(fleet[1].addresses[0].address, "212.47.226.35");
    assert_eq!(fleet[1].addresses[0].family, Family::Inet);
    assert_eq!(fleet[1].addresses[1].scope, Scope::Private);
    assert_eq!(instance(&fleet[0]).image_name, "ubuntu working");
    assert!(fleet.iter().all(|s| instance(s).boot_type.is_empty()
        && instance(s).maintenances.is_empty()
        && !instance(s).end_of_service));
}

#[test]
fn an_empty_list_is_an_empty_fleet() {
    let page: ServersPage = serde_json::from_str(r#"{"servers": []}"#).unwrap();
    assert!(servers_from_api(page.servers, &[]).is_empty());
}

#[test]
fn a_page_without_a_servers_key_is_an_error_not_an_empty_fleet() {
    assert!(serde_json::from_str::<ServersPage>(r#"{"server": {"id": "x"}}"#).is_err());
    assert!(serde_json::from_str::<ServersPage>("<html>maintenance</html>").is_err());
}

#[test]
fn stopped_in_place_spelt_with_underscores_is_stopped_in_place() {
    let page: ServersPage =
        serde_json::from_str(&fixture("servers-stopped_in_place.json")).expect("the page parses");
    let fleet = servers_from_api(page.servers, &[]);
    assert_eq!(
        state(server(&fleet, "0001")),
        InstanceState::StoppedInPlace.label()
    );
    assert_eq!(
        state(server(&fleet, "0002")),
        InstanceState::StoppedInPlace.label()
    );
    assert_eq!(InstanceState::StoppedInPlace.label(), "stopped in place");
}

#[test]
fn a_null_servers_list_is_an_empty_fleet() {
    let page: ServersPage =
        serde_json::from_str(&fixture("servers-null.json")).expect("a null list parses");
    assert!(servers_from_api(page.servers, &[]).is_empty());
}

#[test]
fn a_null_block_volumes_list_is_no_volumes() {
    let page: BlockVolumesPage =
        serde_json::from_str(&fixture("block-volumes-null.json")).expect("a null list parses");
    assert!(page.items.is_empty());
    assert!(
        serde_json::from_str::<BlockVolumesPage>(r#"{"total_count":0}"#).is_err(),
        "a page without a volumes key stays an error"
    );
}

#[test]
fn a_size_sent_as_a_string_of_digits_is_read_and_other_text_is_unknown() {
    let page: ServersPage = serde_json::from_str(&fixture("servers-size-as-string.json"))
        .expect("a page with sizes as text parses");
    let block: BlockVolumesPage =
        serde_json::from_str(&fixture("block-volumes-size-as-string.json"))
            .expect("a block list with sizes as text parses");
    let fleet = servers_from_api(page.servers, &block.items);
    let sizes: Vec<(&str, Option<u64>)> = server(&fleet, "0001")
        .volumes()
        .iter()
        .map(|v| (v.name.as_str(), v.size))
        .collect();
    assert_eq!(
        sizes,
        [
            ("root", Some(20_000_000_000)),
            ("scratch", Some(3_200_000_000_000)),
            ("not a number", None),
            ("negative", None),
            ("past u64", None),
            ("empty", None),
            ("sbs as text", Some(25_000_000_000)),
        ]
    );
}
