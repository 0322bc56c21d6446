//! The runbook links (alerts/README.md, "The runbook links"): every alert's `runbook_url` is
//! the mixin's one pattern with the alert's name in lower case, the anchor of its section of
//! docs/runbook.md. By default the pattern leads to the runbook the exporter serves itself at
//! `/runbook`, on the alert's `instance`, so the link resolves out of the box and shows the
//! runbook of the running version. Every copy of the rules agrees, the unit tests expect the
//! link filled in for their alert's instance, and the exporter serves the page with every
//! alert's anchor. (A site's own pattern: tests/repository/mixin.rs.)

use std::collections::BTreeSet;
use std::io::Read as _;

use serde_norway::Value;

use crate::common::files::{read, root, yaml};
/// The default `runbookUrlPattern` of mixin/config.libsonnet.
use crate::common::markdown::markdown_anchors;
use crate::common::{exporter_config, simulator_config, start_exporter, start_simulator, TEST_KEY};

const DEFAULT_PATTERN: &str = "http://{{ $labels.instance }}/runbook#%s";

/// Every file that holds the rules with their links, generated from the mixin.
const COPIES: [&str; 3] = [
    "alerts/scaleway.rules.yml",
    "deploy/kubernetes/prometheusrule.yaml",
    "charts/scaleway-exporter/files/prometheus-rules.yaml",
];

/// The documents that tell operators which link to pick.
const DOCUMENTS: [&str; 2] = ["alerts/README.md", "docs/runbook.md"];

/// The groups of a copy: the rule file's, or the PrometheusRule's `spec`.
fn groups(copy: &Value) -> &Vec<Value> {
    copy["groups"]
        .as_sequence()
        .or_else(|| copy["spec"]["groups"].as_sequence())
        .expect("rule groups")
}

/// (alert, runbook_url) of every alert of a copy.
fn links(relative: &str) -> Vec<(String, String)> {
    let copy = yaml(relative);
    groups(&copy)
        .iter()
        .flat_map(|g| g["rules"].as_sequence().unwrap())
        .filter_map(|r| r["alert"].as_str().map(|a| (a, r)))
        .map(|(alert, rule)| {
            let url = rule["annotations"]["runbook_url"]
                .as_str()
                .unwrap_or_else(|| panic!("{relative}: {alert} has no runbook_url"));
            (alert.to_owned(), url.to_owned())
        })
        .collect()
}

fn runbook_sections() -> BTreeSet<String> {
    markdown_anchors(&read("docs/runbook.md"))
}

#[test]
fn every_alert_of_every_copy_links_to_its_own_section_on_the_exporters_runbook() {
    let sections = runbook_sections();
    for copy in COPIES {
        let links = links(copy);
        assert!(links.len() >= 14, "{copy}: {} alerts", links.len());
        for (alert, url) in links {
            let anchor = alert.to_lowercase();
            assert_eq!(
                url,
                DEFAULT_PATTERN.replace("%s", &anchor),
                "{copy}: {alert}"
            );
            assert!(
                sections.contains(&anchor),
                "{copy}: {alert} links to #{anchor}, which is no section of docs/runbook.md"
            );
        }
    }
}

#[test]
fn the_unit_tests_expect_each_link_filled_in_for_its_alerts_instance() {
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("alerts/tests")).unwrap() {
        let path = entry.unwrap().path();
        let relative = format!(
            "alerts/tests/{}",
            path.file_name().unwrap().to_str().unwrap()
        );
        let tests = yaml(&relative);
        for case in tests["tests"].as_sequence().unwrap() {
            for check in case["alert_rule_test"].as_sequence().into_iter().flatten() {
                let alertname = check["alertname"].as_str().unwrap();
                for alert in check["exp_alerts"].as_sequence().into_iter().flatten() {
                    let instance = alert["exp_labels"]["instance"].as_str().unwrap_or("");
                    let want = DEFAULT_PATTERN
                        .replace("{{ $labels.instance }}", instance)
                        .replace("%s", &alertname.to_lowercase());
                    assert_eq!(
                        alert["exp_annotations"]["runbook_url"].as_str(),
                        Some(want.as_str()),
                        "{relative}: {alertname}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 30, "{checked} expected alerts");
}

#[test]
fn both_documents_name_the_default_link_and_the_setting_that_moves_it() {
    let base = DEFAULT_PATTERN.trim_end_matches("#%s");
    for document in DOCUMENTS {
        let text = read(document);
        assert!(
            text.contains(&format!("`{base}`")),
            "{document} does not name `{base}`"
        );
        assert!(text.contains("runbookUrlPattern"), "{document}");
    }
    let config = read("mixin/config.libsonnet");
    assert!(
        config.contains(
            "runbookUrlPattern: self.runbookScheme + '://{{ $labels.instance }}/runbook#%s'"
        ),
        "the default pattern of mixin/config.libsonnet is not {DEFAULT_PATTERN}"
    );
}

/// The `id`s of a page's elements.
fn ids(html: &str) -> BTreeSet<String> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_exporter_serves_the_runbook_with_an_anchor_for_every_alert() {
    let api = start_simulator(simulator_config(&["fr-par-1"], 3)).await;
    let exporter = start_exporter(&exporter_config(&api.url, &["fr-par-1"], TEST_KEY)).await;
    let response = reqwest::get(format!("{}/runbook", exporter.url))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let page = response.text().await.unwrap();
    let anchors = ids(&page);
    for (alert, _) in links(COPIES[0]) {
        assert!(
            anchors.contains(&alert.to_lowercase()),
            "{alert}: no #{} on /runbook",
            alert.to_lowercase()
        );
    }
    // Every section has the anchor GitHub gives it, so the runbook's own links work there too.
    let missing: Vec<String> = runbook_sections().difference(&anchors).cloned().collect();
    assert!(
        missing.is_empty(),
        "sections without their anchor: {missing:?}"
    );
    assert!(
        page.contains(env!("CARGO_PKG_VERSION")),
        "the page names its version"
    );
    // A link to another file of the repository is text: the exporter does not serve it.
    assert!(
        !page.contains("href=\"../"),
        "a link the exporter cannot serve"
    );
}

#[tokio::test]
async fn the_runbook_is_gzipped_when_asked() {
    let api = start_simulator(simulator_config(&["fr-par-1"], 1)).await;
    let exporter = start_exporter(&exporter_config(&api.url, &["fr-par-1"], TEST_KEY)).await;
    let url = format!("{}/runbook", exporter.url);
    let plain = reqwest::get(&url).await.unwrap().text().await.unwrap();
    let response = reqwest::Client::new()
        .get(&url)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let compressed = response.bytes().await.unwrap();
    assert!(compressed.len() < plain.len() / 2);
    let mut inflated = String::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_string(&mut inflated)
        .unwrap();
    assert_eq!(inflated, plain);
}
