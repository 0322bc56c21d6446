//! The runbook links (alerts/README.md, "The runbook links"): every alert's `runbook_url` is
//! the mixin's one pattern with the alert's name in lower case, the anchor of its section of
//! docs/runbook.md. By default the pattern leads to the runbook the exporter serves itself at
//! `/runbook`, on the alert's `instance`, so the link resolves out of the box and shows the
//! runbook of the running version. Every copy of the rules agrees, and the unit tests expect
//! the link filled in for their alert's instance. (A site's own pattern: tests/mixin.rs.)

#[path = "common/markdown.rs"]
mod markdown;

use std::collections::BTreeSet;
use std::path::Path;

use markdown::markdown_anchors;
use yaml_serde::Value;

/// The default `runbookUrlPattern` of mixin/config.libsonnet.
const DEFAULT_PATTERN: &str = "http://{{ $labels.instance }}/runbook#%s";

/// Every file that holds the rules with their links, generated from the mixin.
const COPIES: [&str; 3] = [
    "alerts/scaleway.rules.yml",
    "deploy/kubernetes/prometheusrule.yaml",
    "charts/scaleway-exporter/files/prometheus-rules.yaml",
];

/// The documents that tell operators which link to pick.
const DOCUMENTS: [&str; 2] = ["alerts/README.md", "docs/runbook.md"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("read {relative}: {e}"))
}

fn yaml(relative: &str) -> Value {
    yaml_serde::from_str(&read(relative)).unwrap_or_else(|e| panic!("parse {relative}: {e}"))
}

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
