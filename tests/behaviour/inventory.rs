//! The fleet on the landing page and at `/inventory.json`, over real TCP against the
//! simulator: a server powered off through the simulator's action endpoint shows as not
//! running, first; the filters narrow both views. Unfiltered, both are encoded once per poll
//! and gzipped when asked; filtered views, built per request, are bounded. The same page is
//! then loaded in a real headless Chromium (ignored unless Debian's `chromium` is installed).

use std::io::Read as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

use scaleway_exporter::config::TelemetryPath;
use scaleway_exporter::exporter::{serve_router, Exporter};
use scaleway_exporter::web::{self, AppState, FilteredViews, Liveness};
use scaleway_exporter::Shutdown;
use serde_json::Value;
use tokio::net::TcpListener;

use crate::common::*;

const ZONES: [&str; 2] = ["fr-par-1", "nl-ams-1"];

struct Fleet {
    api: TestApi,
    exporter: TestExporter,
}

async fn polled_fleet(servers_per_zone: usize) -> Fleet {
    polled_fleet_in(&ZONES, servers_per_zone).await
}

async fn polled_fleet_in(zones: &[&str], servers_per_zone: usize) -> Fleet {
    let api = start_simulator(simulator_config(zones, servers_per_zone)).await;
    let exporter = start_exporter(&exporter_config(&api.url, zones, api.simulator.token())).await;
    exporter.poller.poll_once().await;
    Fleet { api, exporter }
}

impl Fleet {
    fn running_server(&self, zone: &str) -> String {
        self.api
            .simulator
            .server_ids(zone)
            .into_iter()
            .find(|id| self.api.simulator.server_state(zone, id).as_deref() == Some("running"))
            .expect("the generated fleet has a running server")
    }

    /// Powers a server off the way a user would, through the API's action endpoint, moves
    /// the simulator's clock past the transition, and polls.
    async fn power_off(&self, zone: &str, id: &str) {
        let response = reqwest::Client::new()
            .post(format!(
                "{}/instance/v1/zones/{zone}/servers/{id}/action",
                self.api.url
            ))
            .header("X-Auth-Token", self.api.simulator.token())
            .header("Content-Type", "application/json")
            .body(r#"{"action": "poweroff"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());
        assert_eq!(
            self.api.simulator.server_state(zone, id).as_deref(),
            Some("stopping")
        );
        self.api.finish_transitions();
        assert_eq!(
            self.api.simulator.server_state(zone, id).as_deref(),
            Some("stopped")
        );
        self.exporter.poller.poll_once().await;
    }

    async fn json(&self, query: &str) -> Value {
        let text = get_text(&format!("{}/inventory.json{query}", self.exporter.url)).await;
        serde_json::from_str(&text).unwrap()
    }
}

/// The rows of the fleet table as (server id, zone, state, class), in page order.
fn table_rows(html: &str) -> Vec<(String, String, String, String)> {
    let attribute = |tag: &str, name: &str| -> String {
        let start = tag
            .find(&format!("{name}=\""))
            .unwrap_or_else(|| panic!("{name} in {tag}"))
            + name.len()
            + 2;
        let end = tag[start..].find('"').unwrap() + start;
        tag[start..end].to_owned()
    };
    html.match_indices("<tr ")
        .map(|(at, _)| &html[at..at + html[at..].find('>').unwrap()])
        .filter(|tag| tag.contains("data-server-id="))
        .map(|tag| {
            (
                attribute(tag, "data-server-id"),
                attribute(tag, "data-zone"),
                attribute(tag, "data-state"),
                attribute(tag, "class"),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_landing_page_lists_every_server_of_the_simulator() {
    let fleet = polled_fleet(6).await;
    let page = get_text(&format!("{}/", fleet.exporter.url)).await;
    let rows = table_rows(&page);
    assert_eq!(rows.len(), 12);
    for zone in ZONES {
        for id in fleet.api.simulator.server_ids(zone) {
            assert!(
                rows.iter()
                    .any(|(row_id, row_zone, _, _)| *row_id == id && row_zone == zone),
                "{zone}/{id} is not on the page"
            );
        }
    }
    assert!(page.contains("All 12 servers shown"), "{page}");
    // The zone status table is still there, above the fleet.
    assert!(page.find("<td>fr-par-1</td><td>6</td>").unwrap() < page.find("id=\"fleet\"").unwrap());
}

#[tokio::test]
async fn a_server_powered_off_through_the_api_shows_first_as_not_running() {
    let fleet = polled_fleet(5).await;
    let id = fleet.running_server("nl-ams-1");
    fleet.power_off("nl-ams-1", &id).await;

    let page = get_text(&format!("{}/", fleet.exporter.url)).await;
    let rows = table_rows(&page);
    let (position, row) = rows
        .iter()
        .enumerate()
        .find(|(_, (row_id, _, _, _))| *row_id == id)
        .expect("the powered-off server is listed");
    assert_eq!(row.2, "stopped");
    assert_eq!(row.3, "not-running");
    let first_running = rows.iter().position(|r| r.2 == "running").unwrap();
    assert!(position < first_running, "not-running rows come first");
    assert!(rows[..first_running].iter().all(|r| r.3 == "not-running"));
    assert!(rows[first_running..].iter().all(|r| r.3 == "up"));

    let json = fleet.json("").await;
    let server = json["servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id.as_str())
        .unwrap();
    assert_eq!(server["state"], "stopped");
    assert_eq!(server["running"], false);
    // The exporter saw it running, then stopped: the time is that of the change.
    assert_eq!(server["state_change_observed"], true);
}

#[tokio::test]
async fn the_zone_and_state_filters_narrow_the_page_and_the_json() {
    let fleet = polled_fleet(5).await;
    let id = fleet.running_server("fr-par-1");
    fleet.power_off("fr-par-1", &id).await;

    let stopped_in_paris = format!("{}/?zone=fr-par-1&state=stopped", fleet.exporter.url);
    let rows = table_rows(&get_text(&stopped_in_paris).await);
    assert!(rows.iter().any(|r| r.0 == id));
    assert!(rows.iter().all(|r| r.1 == "fr-par-1" && r.2 == "stopped"));

    let amsterdam = fleet.json("?zone=nl-ams-1").await;
    let servers = amsterdam["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 5);
    assert!(servers.iter().all(|s| s["zone"] == "nl-ams-1"));

    // A state with a space, as the form sends it.
    let in_place = fleet.json("?state=stopped+in+place").await;
    assert!(in_place["servers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["state"] == "stopped in place"));
}

/// Every refused filter, on both views: (query, the parameter, the value refused, a value
/// the sentence must name as accepted).
const REFUSED: [(&str, &str, &str, &str); 8] = [
    ("state=asleep", "state", "asleep", "stopped in place"),
    // Bytes that are no UTF-8 are read as U+FFFD, and refused like any other value.
    ("state=%FF", "state", "\u{fffd}", "stopped in place"),
    ("zone=xx-yyy-9", "zone", "xx-yyy-9", "nl-ams-1"),
    ("zone=fr-par-1,pl-waw-1", "zone", "pl-waw-1", "fr-par-1"),
    ("state=stopped&state=dozing", "state", "dozing", "locked"),
    ("up=maybe", "up", "maybe", "false"),
    ("product=lambda", "product", "lambda", "instance"),
    ("status=stopped", "status", "stopped", "state"),
];

#[tokio::test]
async fn every_refused_filter_is_a_400_naming_the_parameter_the_value_and_what_is_accepted() {
    let fleet = polled_fleet(1).await;
    for (query, parameter, value, accepted) in REFUSED {
        let sentence = format!("filter {parameter}=\"{value}\" refused: ");
        let url = format!("{}/?{query}", fleet.exporter.url);
        let response = reqwest::get(&url).await.unwrap();
        assert_eq!(response.status(), 400, "{url}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8"
        );
        let page = response.text().await.unwrap();
        let shown = page.replace("&quot;", "\"");
        assert!(shown.contains(&sentence), "{url}: {page}");
        assert!(shown.contains(accepted), "{url}: {page}");
        assert!(page.contains("id=\"filter-error\""), "{url}");

        let url = format!("{}/inventory.json?{query}", fleet.exporter.url);
        let response = reqwest::get(&url).await.unwrap();
        assert_eq!(response.status(), 400, "{url}");
        assert_eq!(response.headers()["content-type"], "application/json");
        let json: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        let error = json["error"].as_str().unwrap();
        assert!(error.starts_with(&sentence), "{url}: {error}");
        assert!(error.contains(accepted), "{url}: {error}");
    }
}

#[tokio::test]
async fn states_are_matched_in_any_case_with_underscores_for_spaces_and_several_at_once() {
    let fleet = polled_fleet(30).await;
    let count = |json: &Value| json["servers"].as_array().unwrap().len();
    let stopped = fleet.json("?state=stopped").await;
    assert!(
        count(&stopped) > 0,
        "the generated fleet has a stopped server"
    );
    assert_eq!(
        fleet.json("?state=Stopped").await["servers"],
        stopped["servers"]
    );
    assert_eq!(
        fleet.json("?state=STOPPED").await["servers"],
        stopped["servers"]
    );
    let in_place = fleet.json("?state=stopped+in+place").await;
    assert_eq!(
        fleet.json("?state=stopped_in_place").await["servers"],
        in_place["servers"]
    );

    let both = fleet.json("?state=stopped&state=stopped_in_place").await;
    assert_eq!(count(&both), count(&stopped) + count(&in_place));
    assert_eq!(
        fleet.json("?state=stopped,stopped%20in%20place").await["servers"],
        both["servers"]
    );

    let not_running = fleet.json("?up=false").await;
    let servers = not_running["servers"].as_array().unwrap();
    assert!(servers
        .iter()
        .all(|s| s["up"] == false && s["state"] != "running"));
    assert_eq!(
        servers.len(),
        not_running["summary"]["total"]["not_running"]
            .as_u64()
            .unwrap() as usize
    );
    let two_zones = fleet.json("?zone=FR-PAR-1,nl-ams-1&up=false").await;
    assert_eq!(two_zones["servers"], not_running["servers"]);
}

#[tokio::test]
async fn the_json_lists_volumes_with_sizes_tags_and_addresses() {
    let fleet = polled_fleet(3).await;
    let json = fleet.json("").await;
    let servers = json["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 6);
    assert!(servers
        .iter()
        .flat_map(|s| s["volumes"].as_array().unwrap())
        .any(|v| v["size_bytes"].as_u64().is_some_and(|size| size > 0)));
    assert!(servers
        .iter()
        .any(|s| !s["addresses"].as_array().unwrap().is_empty()));
    assert_eq!(json["zones"].as_array().unwrap().len(), 2);
    assert_eq!(json["zones"][0]["last_poll_ok"], true);
}

/// GETs `url`, asking for gzip or not, and returns the response's headers and its body as
/// sent (still compressed when it says so).
async fn fetch(url: &str, gzip: bool) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = reqwest::Client::new().get(url);
    if gzip {
        request = request.header("Accept-Encoding", "gzip");
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap().to_vec())
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut plain)
        .expect("a whole gzip member, its CRC and length right");
    plain
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Until the wall clock's second has moved past `second`.
async fn wait_past(second: u64) {
    while unix_seconds() <= second {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn between_two_polls_inventory_json_is_the_same_bytes_whenever_asked_and_gzipped_when_asked()
{
    let fleet = polled_fleet(3).await;
    let url = format!("{}/inventory.json", fleet.exporter.url);
    let (headers, first) = fetch(&url, false).await;
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["vary"], "Accept-Encoding");
    assert!(headers.get("content-encoding").is_none());

    // A body built per request would now say another time in `generated_at`.
    wait_past(unix_seconds()).await;
    let (_, again) = fetch(&url, false).await;
    assert_eq!(
        String::from_utf8_lossy(&again),
        String::from_utf8_lossy(&first)
    );
    let (headers, gzipped) = fetch(&url, true).await;
    assert_eq!(headers["content-encoding"], "gzip");
    assert!(gzipped.len() < first.len());
    assert_eq!(gunzip(&gzipped), first);

    // The next poll makes the next body.
    let id = fleet.running_server("fr-par-1");
    fleet.power_off("fr-par-1", &id).await;
    let (_, after) = fetch(&url, false).await;
    let json: Value = serde_json::from_slice(&after).unwrap();
    let server = json["servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id.as_str())
        .unwrap();
    assert_eq!(server["state"], "stopped");
}

#[tokio::test]
async fn the_landing_page_is_gzipped_when_asked_around_a_fleet_section_made_once_per_poll() {
    let fleet = polled_fleet(3).await;
    let url = format!("{}/", fleet.exporter.url);
    let (headers, plain) = fetch(&url, false).await;
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let plain = String::from_utf8(plain).unwrap();
    wait_past(unix_seconds()).await;
    let (headers, gzipped) = fetch(&url, true).await;
    assert_eq!(headers["content-encoding"], "gzip");
    assert_eq!(headers["vary"], "Accept-Encoding");
    let unzipped = String::from_utf8(gunzip(&gzipped)).unwrap();

    // The head, with each zone's poll and its age, is of each request; the fleet section
    // is the same bytes until the next poll, and says when its ages are as of.
    let fleet_section = |page: &str| page[page.find("<h2 id=\"fleet\">").unwrap()..].to_owned();
    assert_eq!(fleet_section(&unzipped), fleet_section(&plain));
    for page in [&plain, &unzipped] {
        assert!(
            page.starts_with("<!DOCTYPE html>\n<html lang=\"en\"><head>"),
            "{page}"
        );
        assert!(page.contains("<td>fr-par-1</td><td>3</td><td class=\"ok\">ok</td>"));
        assert!(page.contains(" ago</td>"), "{page}");
        assert!(page.contains("All 6 servers shown"), "{page}");
        assert!(
            page.contains("Ages as of <time id=\"fleet-as-of\""),
            "{page}"
        );
        assert!(page.ends_with("</body></html>\n"), "{page}");
    }
}

#[tokio::test]
async fn past_its_permits_a_filtered_view_waits_briefly_then_answers_503_with_retry_after() {
    let api = start_simulator(simulator_config(&ZONES, 2)).await;
    let exporter =
        Exporter::new(&exporter_config(&api.url, &ZONES, api.simulator.token())).unwrap();
    exporter.poller.poll_once().await;
    let views = FilteredViews::new(2, Duration::from_millis(100));
    let router = web::router(AppState {
        published: exporter.poller.subscribe(),
        telemetry_path: TelemetryPath::new("/metrics").unwrap(),
        liveness: Liveness::default(),
        filtered_views: views.clone(),
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (_stop, shutdown) = Shutdown::new();
    tokio::spawn(serve_router(listener, router, shutdown.wait()));

    // Two filtered views are being built or sent, as long as the test holds their permits.
    let held = views.permits().clone().acquire_many_owned(2).await.unwrap();
    for path in [
        "/inventory.json?zone=fr-par-1",
        "/?state=stopped",
        "/?zone=nl-ams-1",
    ] {
        let response = reqwest::get(format!("{url}{path}")).await.unwrap();
        assert_eq!(response.status(), 503, "{path}");
        assert_eq!(response.headers()["retry-after"], "1", "{path}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains("retry in a second, or ask for the unfiltered view"),
            "{body}"
        );
    }
    // The unfiltered views never wait: they are made already.
    for path in ["/inventory.json", "/", "/?zone=&state="] {
        let response = reqwest::get(format!("{url}{path}")).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }

    drop(held);
    let json: Value =
        serde_json::from_str(&get_text(&format!("{url}/inventory.json?zone=fr-par-1")).await)
            .unwrap();
    assert_eq!(json["servers"].as_array().unwrap().len(), 2);
    let (headers, gzipped) = fetch(&format!("{url}/inventory.json?zone=nl-ams-1"), true).await;
    assert_eq!(headers["content-encoding"], "gzip");
    let json: Value = serde_json::from_slice(&gunzip(&gzipped)).unwrap();
    assert!(json["servers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["zone"] == "nl-ams-1"));
}

/// A name a user could give a server: markup, an ampersand, quotes and a newline.
const HOSTILE_NAME: &str = "<script>document.title='owned'</script> & \"db\"\n<b>two</b>";

fn insert_hostile_server(fleet: &Fleet) {
    fleet.api.simulator.insert_server(
        "fr-par-1",
        serde_json::json!({
            "id": "11111111-2222-4333-8444-555555555555",
            "name": HOSTILE_NAME,
            "state": "stopped",
            "commercial_type": "DEV1-S",
            "tags": ["<img src=x onerror=alert(1)>"],
            "volumes": {},
        }),
    );
}

#[tokio::test]
async fn a_name_with_markup_quotes_and_a_newline_is_shown_as_text() {
    let fleet = polled_fleet(2).await;
    insert_hostile_server(&fleet);
    fleet.exporter.poller.poll_once().await;
    let page = get_text(&format!("{}/", fleet.exporter.url)).await;
    assert!(!page.contains("<script>document"), "{page}");
    assert!(!page.contains("<b>two"), "{page}");
    assert!(!page.contains("<img src=x"), "{page}");
    // `'` stays as it is: it closes nothing, since every attribute is in double quotes.
    assert!(
        page.contains("&lt;script&gt;document.title='owned'&lt;/script&gt; &amp; &quot;db&quot;\n&lt;b&gt;two&lt;/b&gt;"),
        "{page}"
    );
    let json = fleet.json("?state=stopped").await;
    assert!(json["servers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == HOSTILE_NAME));
}

// ---------------------------------------------------------------------------------------------
// In a real browser
// ---------------------------------------------------------------------------------------------

/// Chromium as root on this kind of machine: no sandbox, no GPU, and none of the background
/// connections that a closed network refuses.
fn chromium(args: &[&str], profile: &Path) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium is installed")
}

async fn dump_dom(url: String) -> String {
    tokio::task::spawn_blocking(move || {
        let profile = tempfile::tempdir().unwrap();
        let output = chromium(&["--dump-dom", &url], profile.path());
        assert!(
            output.status.success(),
            "chromium: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium (Debian package chromium)"]
async fn in_chromium_the_page_lists_the_fleet_and_a_powered_off_server_as_not_running() {
    let fleet = polled_fleet(4).await;
    let id = fleet.running_server("fr-par-1");
    fleet.power_off("fr-par-1", &id).await;

    let dom = dump_dom(format!("{}/", fleet.exporter.url)).await;
    let rows = table_rows(&dom);
    assert_eq!(rows.len(), 8, "{dom}");
    for zone in ZONES {
        for server in fleet.api.simulator.server_ids(zone) {
            assert!(rows.iter().any(|r| r.0 == server), "{zone}/{server}");
        }
    }
    let row = rows.iter().find(|r| r.0 == id).unwrap();
    assert_eq!((row.2.as_str(), row.3.as_str()), ("stopped", "not-running"));
    assert_eq!(rows[0].3, "not-running", "not-running rows come first");

    // The form, as the browser submits it: only the stopped servers of the zone.
    let filtered = dump_dom(format!(
        "{}/?zone=fr-par-1&state=stopped",
        fleet.exporter.url
    ))
    .await;
    let rows = table_rows(&filtered);
    assert!(rows.iter().any(|r| r.0 == id));
    assert!(rows.iter().all(|r| r.1 == "fr-par-1" && r.2 == "stopped"));
    assert!(
        filtered
            .contains("<input type=\"checkbox\" name=\"state\" value=\"stopped\" checked=\"\">"),
        "the form keeps the filter"
    );

    // A hostile name stays text in the browser: no script ran, no element was made of it.
    insert_hostile_server(&fleet);
    fleet.exporter.poller.poll_once().await;
    let dom = dump_dom(format!("{}/", fleet.exporter.url)).await;
    assert!(
        dom.contains("<title>Scaleway exporter</title>"),
        "the script did not run"
    );
    assert!(
        !dom.contains("<b>two</b>") && !dom.contains("<img src=\"x\""),
        "{dom}"
    );
    assert!(
        dom.contains("&lt;script&gt;document.title='owned'&lt;/script&gt; &amp; \"db\""),
        "{dom}"
    );

    // At fleet scale, 600 servers in three zones: the summary and 500 rows render, the page
    // is no wider than the window (the tables scroll in their own box), on a desktop and
    // on a phone's width, and a screenshot is kept for a person to look at.
    let fleet = polled_fleet_in(&["fr-par-1", "nl-ams-1", "pl-waw-1"], 200).await;
    let url = format!("{}/", fleet.exporter.url);
    let dom = dump_dom(url.clone()).await;
    assert_eq!(table_rows(&dom).len(), 500);
    assert!(dom.contains("<strong>500 of 600 shown</strong>"), "{dom}");
    assert!(
        dom.contains("data-zone=\"all\" data-servers=\"600\""),
        "{dom}"
    );
    let page = get_text(&url).await;
    for width in [1400, 390] {
        let overflow = overflow_at(&page, width).await;
        assert_eq!(
            overflow, 0,
            "the page is {overflow} px wider than a {width} px window"
        );
    }
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("test-output");
    std::fs::create_dir_all(&shots).unwrap();
    for (name, size) in [
        ("landing.png", "1400,2400"),
        ("landing-narrow.png", "390,1600"),
    ] {
        let path = shots.join(name);
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            let profile = tempfile::tempdir().unwrap();
            let shot = format!("--screenshot={}", path.display());
            let window = format!("--window-size={size}");
            let output = chromium(&[&shot, &window, &url], profile.path());
            assert!(
                output.status.success(),
                "chromium: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(std::fs::metadata(&path).unwrap().len() > 0);
            eprintln!("screenshot: {}", path.display());
        })
        .await
        .unwrap();
    }
}

/// How many CSS pixels wider than a `width` px window `page` lays out, as Chromium measures
/// it: the page, served as it is, with a script at its end that writes the measure into the
/// DOM (the page itself has no script).
async fn overflow_at(page: &str, width: u32) -> i64 {
    let measured = page.replace(
        "</body>",
        "<script>document.body.setAttribute('data-overflow', String(\
         document.documentElement.scrollWidth - document.documentElement.clientWidth));\
         </script></body>",
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.html");
    std::fs::write(&file, measured).unwrap();
    let url = format!("file://{}", file.display());
    let dom = tokio::task::spawn_blocking(move || {
        let profile = tempfile::tempdir().unwrap();
        let window = format!("--window-size={width},1000");
        let output = chromium(&["--dump-dom", &window, &url], profile.path());
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    })
    .await
    .unwrap();
    let at = dom.find("data-overflow=\"").expect("the script ran") + "data-overflow=\"".len();
    dom[at..at + dom[at..].find('"').unwrap()].parse().unwrap()
}
