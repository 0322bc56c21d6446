//! Lints the monitoring assets shipped beside the code: the Grafana dashboards in `dashboards/`,
//! the Prometheus rules and their unit tests in `alerts/`, and `docs/runbook.md`.
//!
//! `promtool check rules` and `promtool test rules` check what Prometheus understands (run here
//! when promtool is installed); this file checks the conventions Prometheus and Grafana do not
//! enforce: one datasource variable used everywhere, the job and zone selectors,
//! `$__rate_interval`, fixed dashboard uids, a unit test and a runbook section for every alert,
//! and that every metric the assets name is one the exporter emits on a real scrape.
//! `tests/behaviour/e2e.rs` then runs them all in a real Prometheus and Alertmanager.
//!
//! YAML: the project has no YAML crate and one is not worth a dependency for a lint. The rule
//! files are read line by line for the few keys needed (`- alert:`, `expr:`, `runbook_url:`,
//! `alertname:`), which is reliable because those files are ours and keep each key on its own
//! line: comment lines are skipped, an inline comment needs a space before `#` (so the `#` of an
//! URL anchor is kept), quotes are removed, and a block scalar (`expr: |`) runs until a line
//! indented no deeper than its key.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// The Grafana datasource reference every panel and target must carry.
use crate::common::markdown::{github_anchor, markdown_anchors};
use crate::common::monitoring::*;
use crate::common::{exporter_config_builder, simulator_config, start_exporter, start_simulator};

const DATASOURCE_UID: &str = "${datasource}";
/// The job matcher every dashboard selector must carry.
const DASHBOARD_JOB_MATCHER: &str = r#"job=~"$job""#;
/// The zone matcher every dashboard selector of a per-zone metric must carry.
const DASHBOARD_ZONE_MATCHER: &str = r#"zone=~"$zone""#;
/// The one job selector of the rule files (see the header of alerts/scaleway.rules.yml).
const ALERT_JOB_MATCHER: &str = r#"job="scaleway""#;
/// The product matcher every dashboard selector of a metric with a `product` label must carry,
/// in a dashboard that has the `product` variable.
const DASHBOARD_PRODUCT_MATCHER: &str = r#"product=~"$product""#;
/// The query of the `product` variable: every product the exporter was set to poll, polled or
/// left out, which is what `scaleway_exporter_product_enabled` has a series for.
const PRODUCT_VARIABLE_QUERY: &str =
    r#"label_values(scaleway_exporter_product_enabled{job=~"$job"}, product)"#;
/// The exporter's metrics with a `product` label.
const METRICS_WITH_PRODUCT: [&str; 5] = [
    "scaleway_exporter_poll_success",
    "scaleway_exporter_last_success_timestamp_seconds",
    "scaleway_exporter_poll_duration_seconds",
    "scaleway_exporter_api_requests_total",
    "scaleway_exporter_product_enabled",
];
/// The `scaleway_` metrics without a `zone` label: of the exporter as a whole, of a product, of
/// the account. Every other one has it.
const METRICS_WITHOUT_ZONE: [&str; 4] = [
    "scaleway_exporter_build_info",
    "scaleway_exporter_product_enabled",
    "scaleway_project_info",
    "scaleway_billing_consumption_euros",
];
/// Functions whose range must be `$__rate_interval` in a dashboard.
const RANGE_FUNCTIONS: [&str; 3] = ["rate", "irate", "increase"];

/// Metric names that are a contract (docs/metrics.md, docs/design.md#the-metric-names-are-a-contract), plus the process metrics and Prometheus's `up`.
const CONTRACT_METRICS: [&str; 60] = [
    "scaleway_server_info",
    "scaleway_server_state",
    "scaleway_server_created_timestamp_seconds",
    "scaleway_server_modified_timestamp_seconds",
    "scaleway_server_volume_size_bytes",
    "scaleway_server_tag_info",
    "scaleway_server_ip_info",
    "scaleway_server_maintenance_info",
    "scaleway_server_maintenance_start_timestamp_seconds",
    "scaleway_server_end_of_service",
    "scaleway_instance_type_cpus",
    "scaleway_instance_type_memory_bytes",
    "scaleway_instance_type_gpus",
    "scaleway_instance_type_hourly_price_euros",
    "scaleway_project_info",
    "scaleway_elastic_metal_server_info",
    "scaleway_elastic_metal_server_state",
    "scaleway_elastic_metal_server_ping_up",
    "scaleway_elastic_metal_server_created_timestamp_seconds",
    "scaleway_elastic_metal_server_tag_info",
    "scaleway_elastic_metal_server_ip_info",
    "scaleway_apple_silicon_server_info",
    "scaleway_apple_silicon_server_state",
    "scaleway_apple_silicon_server_created_timestamp_seconds",
    "scaleway_apple_silicon_server_deletable_timestamp_seconds",
    "scaleway_apple_silicon_server_tag_info",
    "scaleway_apple_silicon_server_ip_info",
    "scaleway_dedibox_server_info",
    "scaleway_dedibox_server_state",
    "scaleway_dedibox_server_expiration_timestamp_seconds",
    "scaleway_dedibox_server_ip_info",
    "scaleway_volume_info",
    "scaleway_volume_size_bytes",
    "scaleway_volume_detached_timestamp_seconds",
    "scaleway_volume_created_timestamp_seconds",
    "scaleway_ip_info",
    "scaleway_snapshot_info",
    "scaleway_snapshot_size_bytes",
    "scaleway_snapshot_created_timestamp_seconds",
    "scaleway_elastic_metal_offer_hourly_price",
    "scaleway_elastic_metal_offer_monthly_price",
    "scaleway_elastic_metal_server_subscription_info",
    "scaleway_dedibox_offer_price",
    "scaleway_block_volume_type_price_per_gigabyte_hour",
    "scaleway_block_snapshot_price_per_gigabyte_hour",
    "scaleway_billing_consumption_euros",
    "scaleway_exporter_poll_success",
    "scaleway_exporter_last_success_timestamp_seconds",
    "scaleway_exporter_poll_duration_seconds",
    "scaleway_exporter_volume_sizes_success",
    "scaleway_exporter_resource_success",
    "scaleway_exporter_reference_success",
    "scaleway_exporter_product_enabled",
    "scaleway_exporter_api_requests_total",
    "scaleway_exporter_build_info",
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
    "process_start_time_seconds",
    "process_open_fds",
    "up",
];

/// Panics with every problem at once, so one run shows them all.
fn assert_no_problems(what: &str, problems: &[String]) {
    assert!(problems.is_empty(), "{what}:\n  {}", problems.join("\n  "));
}

fn uses_datasource_variable(datasource: &Value) -> bool {
    datasource["uid"] == DATASOURCE_UID && datasource["type"] == "prometheus"
}

// ---------------------------------------------------------------------------------------------
// PromQL, just enough to find metric names, selectors and range-function arguments
// ---------------------------------------------------------------------------------------------

/// PromQL keywords followed by a list of label names in parentheses.
const LABEL_LIST_KEYWORDS: [&str; 6] = [
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
];

#[derive(Debug, PartialEq)]
enum Token {
    /// A name: metric, function, keyword or label.
    Ident(String),
    /// The inside of `{...}`.
    Braces(String),
    /// The inside of `[...]`.
    Brackets(String),
    Open,
    Close,
    /// Strings, numbers, operators: nothing the lints look into.
    Other,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == ':'
}

/// The index after the string whose opening quote is just before `chars[start]`.
fn string_end(chars: &[char], start: usize, quote: char) -> usize {
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '\\' if quote != '`' => i += 1,
            c if c == quote => return i + 1,
            _ => {}
        }
        i += 1;
    }
    chars.len()
}

/// The inside of a block opened just before `chars[start]`, up to its `close`, and the index
/// after the close. Strings inside (label values) are skipped whole.
fn until_close(chars: &[char], start: usize, close: char) -> (String, usize) {
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            c @ ('"' | '\'' | '`') => i = string_end(chars, i + 1, c),
            c if c == close => return (chars[start..i].iter().collect(), i + 1),
            _ => i += 1,
        }
    }
    (chars[start..].iter().collect(), chars.len())
}

fn tokenize(expr: &str) -> Vec<Token> {
    let chars: Vec<char> = expr.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '#' {
            // A PromQL comment runs to the end of the line.
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '"' || c == '\'' || c == '`' {
            tokens.push(Token::Other);
            i = string_end(&chars, i + 1, c);
        } else if c == '{' {
            let (inside, next) = until_close(&chars, i + 1, '}');
            tokens.push(Token::Braces(inside));
            i = next;
        } else if c == '[' {
            let (inside, next) = until_close(&chars, i + 1, ']');
            tokens.push(Token::Brackets(inside));
            i = next;
        } else if c == '(' {
            tokens.push(Token::Open);
            i += 1;
        } else if c == ')' {
            tokens.push(Token::Close);
            i += 1;
        } else if is_ident_start(c) {
            let start = i;
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            tokens.push(Token::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() || c == '.' || c == '$' {
            // Numbers, durations (5m), and Grafana variables ($job) outside braces.
            i += 1;
            while i < chars.len() && (is_ident_char(chars[i]) || chars[i] == '.') {
                i += 1;
            }
            tokens.push(Token::Other);
        } else {
            tokens.push(Token::Other);
            i += 1;
        }
    }
    tokens
}

/// Every vector selector of `expr` that names a metric: the metric and the inside of its braces
/// (empty without braces). Function names, keywords, label names (in braces and in
/// `by`/`on`/`group_left`... lists) and strings are not selectors.
fn selectors(expr: &str) -> Vec<(String, String)> {
    // Keywords, and aggregations (a name before `by (...)` in `sum by (zone) (x)`).
    const NOT_METRICS: &str = "and or unless bool offset inf nan \
        sum min max avg group stddev stdvar count count_values bottomk topk quantile";
    let is_keyword = |name: &str| {
        let name = name.to_ascii_lowercase();
        NOT_METRICS.split_whitespace().any(|k| k == name)
    };
    let tokens = tokenize(expr);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Token::Ident(name) = &tokens[i] {
            let next = tokens.get(i + 1);
            if LABEL_LIST_KEYWORDS.contains(&name.as_str()) {
                // Skip the label list, if any (`group_left` may have none).
                if next == Some(&Token::Open) {
                    while i < tokens.len() && tokens[i] != Token::Close {
                        i += 1;
                    }
                }
            } else if next == Some(&Token::Open) || is_keyword(name) {
                // A function or aggregation name, or a keyword.
            } else if let Some(Token::Braces(matchers)) = next {
                out.push((name.clone(), matchers.clone()));
                i += 1;
            } else {
                out.push((name.clone(), String::new()));
            }
        }
        i += 1;
    }
    out
}

/// The metric names in `expr` that the exporter or Prometheus provide: identifiers that start with
/// `scaleway_` or `process_`, or are `up`; never a label name or a function.
fn metric_names_in_expr(expr: &str) -> BTreeSet<String> {
    selectors(expr)
        .into_iter()
        .map(|(metric, _)| metric)
        .filter(|m| m.starts_with("scaleway_") || m.starts_with("process_") || m == "up")
        .collect()
}

/// Every `rate(`, `irate(` and `increase(` call in `expr`: the function and the ranges (the
/// insides of `[...]`) in its argument.
fn range_function_ranges(expr: &str) -> Vec<(String, Vec<String>)> {
    let tokens = tokenize(expr);
    let mut out = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        let Token::Ident(name) = token else { continue };
        if !RANGE_FUNCTIONS.contains(&name.as_str()) || tokens.get(at + 1) != Some(&Token::Open) {
            continue;
        }
        let mut depth = 0;
        let mut ranges = Vec::new();
        for inner in &tokens[at + 1..] {
            match inner {
                Token::Open => depth += 1,
                Token::Close => depth -= 1,
                Token::Brackets(range) => ranges.push(range.trim().to_string()),
                _ => {}
            }
            if depth == 0 {
                break;
            }
        }
        out.push((name.clone(), ranges));
    }
    out
}

fn matchers_of(selector: &str) -> BTreeSet<String> {
    selector
        .split(',')
        .map(|m| m.split_whitespace().collect::<String>())
        .filter(|m| !m.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Rule files, read textually (see the file header)
// ---------------------------------------------------------------------------------------------

/// One alerting rule, with the fields the lints need.
struct AlertRule {
    file: String,
    name: String,
    expr: String,
    runbook_url: Option<String>,
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// A scalar value as written after `key:`: inline comment and quotes removed.
fn scalar(raw: &str) -> String {
    let mut value = raw.trim();
    if let Some(at) = value.find(" #") {
        if !value.starts_with('"') && !value.starts_with('\'') {
            value = value[..at].trim_end();
        }
    }
    if value.len() >= 2 && value.starts_with('\'') && value.ends_with('\'') {
        return value[1..value.len() - 1].replace("''", "'");
    }
    if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        return value[1..value.len() - 1].replace("\\\"", "\"");
    }
    value.to_string()
}

/// `key: value` on `line` (after an optional `- `), as (indentation of the key, value).
fn key_value<'a>(line: &'a str, key: &str) -> Option<(usize, &'a str)> {
    let trimmed = line.trim_start();
    let (indent, rest) = match trimmed.strip_prefix("- ") {
        Some(rest) => (indentation(line) + 2 + indentation(rest), rest.trim_start()),
        None => (indentation(line), trimmed),
    };
    let value = rest.strip_prefix(key)?.strip_prefix(':')?;
    (value.is_empty() || value.starts_with(' ')).then_some((indent, value))
}

/// The value of `key` at `lines[at]`: inline, or the block scalar (`|`, `>`, with `-`/`+`) on the
/// lines below, indented deeper than the key. Folded and literal blocks are both kept with their
/// line breaks: the values read here are PromQL, where a line break is a space.
fn value_at(lines: &[&str], at: usize, key: &str) -> Option<String> {
    let (indent, raw) = key_value(lines[at], key)?;
    let raw = raw.trim();
    if !(raw.starts_with('|') || raw.starts_with('>')) {
        return Some(scalar(raw));
    }
    let block: Vec<&str> = lines[at + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indentation(l) > indent)
        .copied()
        .collect();
    let dedent = block
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indentation(l))
        .min()
        .unwrap_or(0);
    let text: Vec<&str> = block
        .iter()
        .map(|l| if l.len() >= dedent { &l[dedent..] } else { "" })
        .collect();
    Some(text.join("\n").trim_end().to_string())
}

/// The lines of a YAML file without its comment lines.
fn yaml_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect()
}

fn alert_rules() -> Vec<AlertRule> {
    let mut rules = Vec::new();
    for path in rule_files() {
        let text = read(&path);
        let lines = yaml_lines(&text);
        let mut current: Option<AlertRule> = None;
        for (at, line) in lines.iter().enumerate() {
            let starts_rule = line.trim_start().starts_with("- ")
                && (key_value(line, "alert").is_some() || key_value(line, "record").is_some());
            if starts_rule {
                rules.extend(current.take());
                current = value_at(&lines, at, "alert").map(|name| AlertRule {
                    file: relative(&path),
                    name,
                    expr: String::new(),
                    runbook_url: None,
                });
            } else if let Some(rule) = current.as_mut() {
                if let Some(expr) = value_at(&lines, at, "expr") {
                    rule.expr = expr;
                } else if let Some(url) = value_at(&lines, at, "runbook_url") {
                    rule.runbook_url = Some(url);
                }
            }
        }
        rules.extend(current);
    }
    assert!(!rules.is_empty(), "no `- alert:` in alerts/*.yml");
    rules
}

/// Every `runbook_url:` value in the rule files and their tests, with its file.
fn runbook_urls() -> Vec<(String, String)> {
    let mut urls = Vec::new();
    for path in rule_files().into_iter().chain(test_files()) {
        let text = read(&path);
        let lines = yaml_lines(&text);
        for at in 0..lines.len() {
            if let Some(url) = value_at(&lines, at, "runbook_url") {
                urls.push((relative(&path), url));
            }
        }
    }
    urls
}

/// Every expression of the dashboards (targets, and the `label_values(...)` of query variables)
/// and of the alerting rules, with its file relative to the crate root. Variable queries are
/// Grafana syntax around a selector, not PromQL: they name metrics all the same.
fn all_exprs() -> Vec<(String, String)> {
    let mut exprs = Vec::new();
    for dashboard in dashboards() {
        for variable in variables(&dashboard.json) {
            if variable["type"] == "query" {
                if let Some(query) = variable_query(variable) {
                    exprs.push((dashboard.file.clone(), query.to_string()));
                }
            }
        }
        for panel in all_panels(&dashboard.json) {
            for target in targets(panel) {
                if let Some(expr) = target["expr"].as_str() {
                    exprs.push((dashboard.file.clone(), expr.to_string()));
                }
            }
        }
    }
    for rule in alert_rules() {
        exprs.push((rule.file, rule.expr));
    }
    exprs
}

// ---------------------------------------------------------------------------------------------
// Runbook
// ---------------------------------------------------------------------------------------------

fn runbook_anchors() -> BTreeSet<String> {
    markdown_anchors(&read(root().join("docs/runbook.md")))
}

// =============================================================================================
// Dashboard lints
// =============================================================================================

#[test]
fn every_dashboard_is_valid_json_with_panels() {
    for dashboard in dashboards() {
        assert!(
            dashboard.json["panels"].is_array(),
            "{} has no `panels` array",
            dashboard.file
        );
        assert!(
            dashboard.json["title"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "{} has no title",
            dashboard.file
        );
    }
}

#[test]
fn every_dashboard_has_exactly_one_datasource_variable() {
    let mut problems = Vec::new();
    for dashboard in dashboards() {
        let datasource_variables: Vec<&Value> = variables(&dashboard.json)
            .filter(|v| v["type"] == "datasource")
            .collect();
        match datasource_variables.as_slice() {
            [variable] => {
                if variable["name"] != "datasource" || variable["query"] != "prometheus" {
                    problems.push(format!(
                        "{}: the datasource variable must be named `datasource` with query `prometheus`",
                        dashboard.file
                    ));
                }
            }
            found => problems.push(format!(
                "{}: {} datasource variables, want 1",
                dashboard.file,
                found.len()
            )),
        }
    }
    assert_no_problems("datasource variables", &problems);
}

#[test]
fn every_dashboard_has_the_job_and_zone_variables() {
    let mut problems = Vec::new();
    for dashboard in dashboards() {
        let query_of = |name: &str| {
            variables(&dashboard.json)
                .find(|v| v["name"] == name && v["type"] == "query")
                .map(|v| {
                    let uses_datasource = uses_datasource_variable(&v["datasource"]);
                    (variable_query(v).unwrap_or("").to_string(), uses_datasource)
                })
        };
        let expected = [
            ("job", "label_values(scaleway_exporter_build_info, job)"),
            (
                "zone",
                r#"label_values(scaleway_exporter_poll_success{job=~"$job"}, zone)"#,
            ),
        ];
        for (name, want) in expected {
            match query_of(name) {
                Some((query, true)) if query == want => {}
                Some((query, uses_datasource)) => problems.push(format!(
                    "{}: variable `{name}` has query {query:?} (want {want:?}), datasource variable used: {uses_datasource}",
                    dashboard.file
                )),
                None => problems.push(format!("{}: no query variable `{name}`", dashboard.file)),
            }
        }
    }
    assert_no_problems("job and zone variables", &problems);
}

#[test]
fn every_panel_uses_the_datasource_variable() {
    let mut problems = Vec::new();
    for dashboard in dashboards() {
        for panel in all_panels(&dashboard.json) {
            if !uses_datasource_variable(&panel["datasource"]) {
                problems.push(format!(
                    "{} {}: datasource is {}",
                    dashboard.file,
                    panel_name(panel),
                    panel["datasource"]
                ));
            }
            for target in targets(panel) {
                if !uses_datasource_variable(&target["datasource"]) {
                    problems.push(format!(
                        "{} {} target {}: datasource is {}",
                        dashboard.file,
                        panel_name(panel),
                        target["refId"],
                        target["datasource"]
                    ));
                }
            }
        }
    }
    assert_no_problems("panels not on the datasource variable", &problems);
}

#[test]
fn every_panel_has_a_title_and_a_description() {
    let mut problems = Vec::new();
    for dashboard in dashboards() {
        for panel in all_panels(&dashboard.json) {
            for field in ["title", "description"] {
                if panel[field].as_str().is_none_or(|s| s.trim().is_empty()) {
                    problems.push(format!(
                        "{} {}: no {field}",
                        dashboard.file,
                        panel_name(panel)
                    ));
                }
            }
        }
    }
    assert_no_problems("panels without title or description", &problems);
}

/// Readers tell panels apart by their titles, and the end-to-end tests find a panel by it. A
/// row may carry the title of the one panel it holds: it has no query.
#[test]
fn no_two_panels_of_a_dashboard_share_a_title() {
    let mut problems = Vec::new();
    for dashboard in dashboards() {
        let mut seen = std::collections::BTreeSet::new();
        for panel in all_panels(&dashboard.json) {
            let title = panel["title"].as_str().unwrap_or("");
            if panel["type"] != "row" && !title.is_empty() && !seen.insert(title.to_owned()) {
                problems.push(format!("{}: two panels titled {title:?}", dashboard.file));
            }
        }
    }
    assert_no_problems("panels sharing a title", &problems);
}

#[test]
fn every_query_selects_the_job_variable() {
    let mut problems = Vec::new();
    for dashboard in dashboards() {
        for panel in all_panels(&dashboard.json) {
            for target in targets(panel) {
                let expr = target["expr"].as_str().unwrap_or("");
                if !expr.contains(DASHBOARD_JOB_MATCHER) {
                    problems.push(format!(
                        "{} {}: {expr:?} does not contain {DASHBOARD_JOB_MATCHER}",
                        dashboard.file,
                        panel_name(panel)
                    ));
                }
                // Each selector, not only the expression: the right side of a join needs it too.
                for (metric, matchers) in selectors(expr) {
                    if !matchers_of(&matchers).contains(DASHBOARD_JOB_MATCHER) {
                        problems.push(format!(
                            "{} {}: {metric} is selected without {DASHBOARD_JOB_MATCHER}",
                            dashboard.file,
                            panel_name(panel)
                        ));
                    }
                }
            }
        }
    }
    assert_no_problems("queries not on the job variable", &problems);
}

#[test]
fn every_per_zone_metric_selects_the_zone_variable() {
    let has_zone =
        |metric: &str| metric.starts_with("scaleway_") && !METRICS_WITHOUT_ZONE.contains(&metric);
    let mut problems = Vec::new();
    for dashboard in dashboards() {
        for panel in all_panels(&dashboard.json) {
            for target in targets(panel) {
                for (metric, matchers) in selectors(target["expr"].as_str().unwrap_or("")) {
                    if has_zone(&metric) && !matchers_of(&matchers).contains(DASHBOARD_ZONE_MATCHER)
                    {
                        problems.push(format!(
                            "{} {}: {metric} is selected without {DASHBOARD_ZONE_MATCHER}",
                            dashboard.file,
                            panel_name(panel)
                        ));
                    }
                }
            }
        }
    }
    assert_no_problems("queries not on the zone variable", &problems);
}

#[test]
fn the_fleet_and_exporter_dashboards_have_the_product_variable() {
    let mut problems = Vec::new();
    for dashboard in dashboards() {
        let product = variables(&dashboard.json).find(|v| v["name"] == "product");
        let wanted = [
            "dashboards/scaleway-fleet.json",
            "dashboards/scaleway-exporter.json",
        ]
        .contains(&dashboard.file.as_str());
        match product {
            Some(v)
                if v["type"] == "query"
                    && variable_query(v) == Some(PRODUCT_VARIABLE_QUERY)
                    && uses_datasource_variable(&v["datasource"]) => {}
            Some(v) => problems.push(format!(
                "{}: variable `product` has query {:?} (want {PRODUCT_VARIABLE_QUERY:?}), datasource variable used: {}",
                dashboard.file,
                variable_query(v),
                uses_datasource_variable(&v["datasource"])
            )),
            None if wanted => problems.push(format!("{}: no variable `product`", dashboard.file)),
            None => {}
        }
    }
    assert_no_problems("product variables", &problems);
}

#[test]
fn every_metric_with_a_product_label_selects_the_product_variable() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for dashboard in dashboards() {
        if !variables(&dashboard.json).any(|v| v["name"] == "product") {
            continue;
        }
        for panel in all_panels(&dashboard.json) {
            for target in targets(panel) {
                for (metric, matchers) in selectors(target["expr"].as_str().unwrap_or("")) {
                    if !METRICS_WITH_PRODUCT.contains(&metric.as_str()) {
                        continue;
                    }
                    checked += 1;
                    if !matchers_of(&matchers).contains(DASHBOARD_PRODUCT_MATCHER) {
                        problems.push(format!(
                            "{} {}: {metric} is selected without {DASHBOARD_PRODUCT_MATCHER}",
                            dashboard.file,
                            panel_name(panel)
                        ));
                    }
                }
            }
        }
    }
    assert_no_problems("queries not on the product variable", &problems);
    assert!(
        checked > 0,
        "no dashboard selects a metric with a product label"
    );
}

#[test]
fn every_rate_and_increase_uses_the_rate_interval() {
    let mut problems = Vec::new();
    for dashboard in dashboards() {
        for panel in all_panels(&dashboard.json) {
            for target in targets(panel) {
                let expr = target["expr"].as_str().unwrap_or("");
                for (function, ranges) in range_function_ranges(expr) {
                    if ranges.is_empty() || ranges.iter().any(|r| r != "$__rate_interval") {
                        problems.push(format!(
                            "{} {}: {function}() has ranges {ranges:?}, want [$__rate_interval]",
                            dashboard.file,
                            panel_name(panel)
                        ));
                    }
                }
            }
        }
    }
    assert_no_problems("rates without $__rate_interval", &problems);
}

#[test]
fn dashboard_uids_are_fixed_and_unique() {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for dashboard in dashboards() {
        let uid = dashboard.json["uid"].as_str().unwrap_or("");
        // Grafana caps uids at 40 characters; a `$` would make it a template, not fixed.
        assert!(
            !uid.is_empty() && uid.len() <= 40 && !uid.contains('$'),
            "{}: uid {uid:?} is not a fixed uid of 1 to 40 characters",
            dashboard.file
        );
        if let Some(other) = seen.insert(uid.to_string(), dashboard.file.clone()) {
            panic!("{} and {other} share the uid {uid:?}", dashboard.file);
        }
    }
}

// =============================================================================================
// Alert lints
// =============================================================================================

#[test]
fn every_alert_is_named_in_camel_case_beginning_with_scaleway() {
    for rule in alert_rules() {
        let camel_case = rule.name.chars().all(|c| c.is_ascii_alphanumeric())
            && rule
                .name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase());
        assert!(
            camel_case && rule.name.starts_with("Scaleway"),
            "{}: alert {:?} is not CamelCase beginning with Scaleway",
            rule.file,
            rule.name
        );
    }
}

#[test]
fn every_alert_selector_uses_the_one_job_selector() {
    let mut problems = Vec::new();
    for rule in alert_rules() {
        assert!(
            !rule.expr.is_empty(),
            "{}: {} has no expr",
            rule.file,
            rule.name
        );
        for (metric, matchers) in selectors(&rule.expr) {
            let job_matchers: Vec<String> = matchers_of(&matchers)
                .into_iter()
                .filter(|m| m.starts_with("job"))
                .collect();
            if job_matchers != [ALERT_JOB_MATCHER] {
                problems.push(format!(
                    "{} {}: {metric} has job matchers {job_matchers:?}, want [{ALERT_JOB_MATCHER}]",
                    rule.file, rule.name
                ));
            }
        }
    }
    assert_no_problems("alert selectors off the job selector", &problems);
}

#[test]
fn every_alert_has_a_unit_test() {
    let mut tested = BTreeSet::new();
    for path in test_files() {
        let text = read(&path);
        let lines = yaml_lines(&text);
        for at in 0..lines.len() {
            if let Some(name) = value_at(&lines, at, "alertname") {
                tested.insert(name);
            }
        }
    }
    let untested: Vec<String> = alert_rules()
        .into_iter()
        .filter(|rule| !tested.contains(&rule.name))
        .map(|rule| format!("{}: {}", rule.file, rule.name))
        .collect();
    assert_no_problems(
        "alerts without an alert_rule_test in alerts/tests/",
        &untested,
    );
}

#[test]
fn every_runbook_url_points_at_a_section_of_the_runbook() {
    // Which address the links lead to is tests/repository/runbook_urls.rs's business; the anchor after
    // `#` is a section of docs/runbook.md, however the page is served.
    let anchors = runbook_anchors();
    let urls = runbook_urls();
    assert!(!urls.is_empty(), "no runbook_url in alerts/");
    let mut problems = Vec::new();
    for (file, url) in &urls {
        match url.split_once('#') {
            Some((_, anchor)) if anchors.contains(anchor) => {}
            Some((_, anchor)) => problems.push(format!(
                "{file}: {url}: no heading #{anchor} in docs/runbook.md"
            )),
            None => problems.push(format!("{file}: {url} has no #anchor")),
        }
    }
    assert_no_problems("runbook URLs", &problems);
}

#[test]
fn every_alert_links_to_the_runbook_section_named_after_it() {
    for rule in alert_rules() {
        let url = rule
            .runbook_url
            .unwrap_or_else(|| panic!("{}: {} has no runbook_url", rule.file, rule.name));
        let want = format!("#{}", rule.name.to_lowercase());
        assert!(
            url.ends_with(&want),
            "{}: {} links to {url}, want the anchor {want}",
            rule.file,
            rule.name
        );
    }
}

#[test]
fn every_link_to_the_runbook_in_the_docs_resolves() {
    let anchors = runbook_anchors();
    let mut problems = Vec::new();
    for (file, prefix) in [
        ("docs/runbook.md", "](#"),
        ("alerts/README.md", "](../docs/runbook.md#"),
    ] {
        let text = read(root().join(file));
        for piece in text.split(prefix).skip(1) {
            let anchor = piece.split(')').next().unwrap_or("");
            if !anchors.contains(anchor) {
                problems.push(format!(
                    "{file}: link to #{anchor}, no such heading in docs/runbook.md"
                ));
            }
        }
    }
    assert_no_problems("broken runbook links", &problems);
}

#[test]
fn every_expression_names_only_metrics_of_the_contract() {
    // Checked against the contract's list here; against a real scrape of the exporter elsewhere.
    let known: BTreeSet<&str> = CONTRACT_METRICS.into_iter().collect();
    let mut problems = Vec::new();
    let exprs = all_exprs();
    for (file, expr) in &exprs {
        let names = metric_names_in_expr(expr);
        if names.is_empty() {
            problems.push(format!("{file}: {expr:?} names no exporter metric"));
        }
        for name in names {
            if !known.contains(name.as_str()) {
                problems.push(format!("{file}: {name} is not a metric of docs/metrics.md"));
            }
        }
    }
    assert_no_problems("unknown metrics", &problems);
    // Both kinds of files were read.
    assert!(exprs.iter().any(|(f, _)| f.starts_with("dashboards/")));
    assert!(exprs.iter().any(|(f, _)| f.starts_with("alerts/")));
}

/// What Prometheus adds to every target itself; no exporter emits it.
const PROMETHEUS_OWN_METRICS: [&str; 1] = ["up"];

#[tokio::test]
async fn every_metric_named_in_alerts_and_dashboards_is_one_a_scrape_of_the_exporter_shows() {
    // A fleet large enough to hold every kind of series: volumes with sizes, addresses, tags,
    // and servers of every product.
    let zones = ["fr-par-1", "nl-ams-1"];
    let mut simulated = simulator_config(&zones, 40);
    simulated.products = scaleway_simulator::ProductCounts::all(6);
    let api = start_simulator(simulated).await;
    let config = exporter_config_builder(&api.url, &zones, api.simulator.token())
        .products([])
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    exporter.poller.poll_once().await;
    let scrape = exporter.scrape().await;
    let emitted: BTreeSet<&str> = scrape.samples.iter().map(|s| s.name.as_str()).collect();

    let mut problems = Vec::new();
    let mut checked = BTreeSet::new();
    for (file, expr) in all_exprs() {
        for name in metric_names_in_expr(&expr) {
            if !emitted.contains(name.as_str()) && !PROMETHEUS_OWN_METRICS.contains(&name.as_str())
            {
                problems.push(format!("{file}: {name} is not in a scrape of the exporter"));
            }
            checked.insert(name);
        }
    }
    assert_no_problems("metrics the exporter does not emit", &problems);
    // The check saw the assets' metrics of every kind: per server, per zone, of the process.
    for name in [
        "scaleway_server_state",
        "scaleway_server_volume_size_bytes",
        "scaleway_exporter_api_requests_total",
        "process_cpu_seconds_total",
    ] {
        assert!(checked.contains(name), "no expression names {name}");
    }
}

/// Runs `promtool` from the crate root with `args` and the given files; panics with its output
/// unless it succeeds.
fn assert_promtool_succeeds(args: &[&str], files: &[std::path::PathBuf]) {
    let output = Command::new("promtool")
        .args(args)
        .args(files)
        .current_dir(root())
        .output()
        .expect("promtool is installed");
    assert!(
        output.status.success(),
        "promtool {}: {}\n{}{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
#[ignore = "needs promtool (Debian package prometheus)"]
fn promtool_accepts_the_rules_and_every_unit_test_passes() {
    assert_promtool_succeeds(&["check", "rules"], &rule_files());
    assert_promtool_succeeds(&["test", "rules"], &test_files());
}

// =============================================================================================
// The helpers themselves
// =============================================================================================

#[test]
fn metric_names_in_expr_finds_metrics_and_skips_labels_functions_and_strings() {
    let expr = r#"
        sum by (zone, up) (
          rate(scaleway_exporter_api_requests_total{job=~"$job", code="429", up="x"}[$__rate_interval])
        )
        / on (zone) group_left (process_name)
        max without (scaleway_label) (up{job="scaleway"} == 0)
        and label_replace(vector(1), "state", "scaleway_not_a_metric", "", "")
        unless process_open_fds offset 5m
        or absent(scaleway_server_state{state="stopped in place"})
        or time() - scaleway_exporter_last_success_timestamp_seconds > 900
        or node_load1
    "#;
    let want: BTreeSet<String> = [
        "scaleway_exporter_api_requests_total",
        "up",
        "process_open_fds",
        "scaleway_server_state",
        "scaleway_exporter_last_success_timestamp_seconds",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(metric_names_in_expr(expr), want);
    assert_eq!(
        metric_names_in_expr("label_values(scaleway_exporter_build_info, job)"),
        BTreeSet::from(["scaleway_exporter_build_info".to_string()])
    );
    assert!(metric_names_in_expr("vector(1) + upstream_requests").is_empty());
}

#[test]
fn selectors_pair_each_metric_with_its_matchers() {
    let found = selectors(
        r#"a{job=~"$job", zone="x}y"} * on (job) group_left (state) (b == 1) or rate(c{k="v"}[5m])"#,
    );
    let want = [
        ("a", r#"job=~"$job", zone="x}y""#),
        ("b", ""),
        ("c", r#"k="v""#),
    ]
    .map(|(m, s)| (m.to_string(), s.to_string()));
    assert_eq!(found, want);
}

#[test]
fn range_function_ranges_are_found_per_call() {
    let found = range_function_ranges(
        r#"sum(irate(a{b=")"}[1m])) / increase(c[$__rate_interval]) + my_rate(d[5m]) + rate(e)"#,
    );
    let want = [
        ("irate", vec!["1m"]),
        ("increase", vec!["$__rate_interval"]),
        ("rate", vec![]),
    ]
    .map(|(f, r)| {
        (
            f.to_string(),
            r.into_iter().map(String::from).collect::<Vec<_>>(),
        )
    });
    assert_eq!(found, want);
}

#[test]
fn github_anchors_follow_github_rules() {
    assert_eq!(
        github_anchor("ScalewayServerNotRunning"),
        "scalewayservernotrunning"
    );
    assert_eq!(
        github_anchor("Exempting a server: the `alerting=off` tag"),
        "exempting-a-server-the-alertingoff-tag"
    );
    let anchors =
        markdown_anchors("# A\n## Same\n```sh\n# not a heading\n```\n## Same\n#nospace\n");
    let want: BTreeSet<String> = ["a", "same", "same-1"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(anchors, want);
}

#[test]
fn yaml_values_are_read_inline_quoted_and_as_blocks() {
    let text = "\
- alert: Foo # a comment
  expr: |
    up{job=\"scaleway\"}
      == 0

  for: 5m
  annotations:
    summary: 'It''s down.'
    runbook_url: https://example.com/docs/runbook.md#foo
";
    let lines = yaml_lines(text);
    assert_eq!(value_at(&lines, 0, "alert").as_deref(), Some("Foo"));
    assert_eq!(
        value_at(&lines, 1, "expr").as_deref(),
        Some("up{job=\"scaleway\"}\n  == 0")
    );
    assert_eq!(
        value_at(&lines, 7, "summary").as_deref(),
        Some("It's down.")
    );
    assert_eq!(
        value_at(&lines, 8, "runbook_url").as_deref(),
        Some("https://example.com/docs/runbook.md#foo")
    );
    assert_eq!(value_at(&lines, 5, "expr"), None);
}
