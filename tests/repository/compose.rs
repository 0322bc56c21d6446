//! examples/compose, checked without a Docker engine: every file the compose files mount
//! exists, the services find each other where the configurations say, and Prometheus and
//! Alertmanager accept their configurations laid out as the containers see them
//! (`promtool check config`, `amtool check-config`; ignored unless installed). When Debian's
//! `docker-compose` is installed, it validates the compose files themselves.

use std::path::PathBuf;
use std::process::Command;

use files::copy_tree;

use serde_norway::Value;

use crate::common::files;
use crate::common::files::{root, yaml};

fn compose_dir() -> PathBuf {
    root().join("examples/compose")
}

fn compose() -> Value {
    yaml(compose_dir().join("compose.yaml"))
}

fn service<'a>(compose: &'a Value, name: &str) -> &'a Value {
    let service = &compose["services"][name];
    assert!(service.is_mapping(), "no service {name}");
    service
}

/// A bind mount of a service: the file on the host and where the container sees it.
#[derive(Debug)]
struct Mount {
    source: PathBuf,
    target: String,
}

/// The bind mounts (short syntax, `./src:/target[:ro]`) of a service; named volumes are not
/// files of the repository.
fn bind_mounts(service: &Value) -> Vec<Mount> {
    service["volumes"]
        .as_sequence()
        .map(|volumes| volumes.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|v| v.as_str().expect("short volume syntax"))
        .filter(|v| v.starts_with('.') || v.starts_with('/'))
        .map(|v| {
            let mut parts = v.split(':');
            let source = parts.next().unwrap();
            let target = parts.next().expect("a mount names its target");
            Mount {
                source: compose_dir().join(source),
                target: target.to_owned(),
            }
        })
        .collect()
}

/// The host file mounted at `target` in a service.
fn mounted_at(service: &Value, target: &str) -> PathBuf {
    bind_mounts(service)
        .into_iter()
        .find(|m| m.target == target)
        .unwrap_or_else(|| panic!("nothing is mounted at {target}"))
        .source
}

/// Copies a service's bind mounts into a temporary root, at their container paths, so a
/// tool checks the files as the container will see them.
fn lay_out(service: &Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for mount in bind_mounts(service) {
        let destination = dir.path().join(mount.target.trim_start_matches('/'));
        copy_tree(&mount.source, &destination);
    }
    dir
}

fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().expect("the tool is installed");
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

#[test]
fn every_file_the_compose_files_mount_or_build_exists() {
    let compose = compose();
    let services = compose["services"].as_mapping().unwrap();
    assert_eq!(
        services
            .keys()
            .map(|k| k.as_str().unwrap())
            .collect::<Vec<_>>(),
        ["exporter", "prometheus", "alertmanager", "grafana"]
    );
    let mut mounts = 0;
    for (name, service) in services {
        for mount in bind_mounts(service) {
            assert!(
                mount.source.exists(),
                "{}: {} does not exist",
                name.as_str().unwrap(),
                mount.source.display()
            );
            mounts += 1;
        }
    }
    assert!(mounts >= 6, "{mounts} mounts");
    let context = compose_dir().join(
        service(&compose, "exporter")["build"]["context"]
            .as_str()
            .unwrap(),
    );
    assert!(
        context.join("Dockerfile").is_file(),
        "{}",
        context.display()
    );
}

#[test]
fn the_exporter_runs_the_demo_unless_the_account_override_is_used() {
    let compose = compose();
    let exporter = service(&compose, "exporter");
    assert_eq!(exporter["command"][0], "demo");
    assert!(exporter["environment"]["SCW_SECRET_KEY"].is_null());
    let account = yaml(compose_dir().join("compose.account.yaml"));
    let overridden = &account["services"]["exporter"];
    let command = overridden["command"].as_sequence().unwrap();
    assert!(
        command
            .iter()
            .all(|arg| arg.as_str().unwrap().starts_with("--")),
        "{command:?}"
    );
    // Compose refuses to start without the key rather than running with an empty one.
    assert!(overridden["environment"]["SCW_SECRET_KEY"]
        .as_str()
        .unwrap()
        .starts_with("${SCW_SECRET_KEY:?"));
    // The subcommand-less command is a real flag of the exporter.
    let flag = command[0].as_str().unwrap();
    let parsed =
        scaleway_exporter::cmd::help::command().try_get_matches_from(["scaleway_exporter", flag]);
    assert!(parsed.is_ok(), "{flag}: {parsed:?}");
}

#[test]
fn prometheus_scrapes_the_exporter_as_job_scaleway_and_loads_the_mounted_rules() {
    let compose = compose();
    let prometheus = service(&compose, "prometheus");
    let config_path = mounted_at(prometheus, "/etc/prometheus/prometheus.yml");
    let config = yaml(&config_path);
    let job = config["scrape_configs"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|job| job["job_name"] == "scaleway")
        .expect("a scrape job named scaleway, the job the rules select");
    assert_eq!(job["static_configs"][0]["targets"][0], "exporter:10059");
    assert_eq!(service(&compose, "exporter")["ports"][0], "10059:10059");
    // The alerts' runbook links (http://<instance>/runbook#...) lead to the port compose
    // publishes on the host, where the browser that reads them is.
    let instance = job["relabel_configs"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|r| r["target_label"] == "instance")
        .expect("a relabeling that names the instance");
    assert_eq!(instance["replacement"], "localhost:10059");
    // The rules file of the repository lands where rule_files looks.
    let rules = mounted_at(prometheus, "/etc/prometheus/rules/scaleway.rules.yml");
    assert_eq!(rules, compose_dir().join("../../alerts/scaleway.rules.yml"));
    assert_eq!(config["rule_files"][0], "rules/*.yml");
    assert_eq!(
        config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"][0],
        "alertmanager:9093"
    );
}

#[test]
fn grafana_is_provisioned_with_prometheus_and_the_mounted_dashboards() {
    let compose = compose();
    let grafana = service(&compose, "grafana");
    let provider =
        yaml(mounted_at(grafana, "/etc/grafana/provisioning/dashboards").join("scaleway.yaml"));
    let dashboards_path = provider["providers"][0]["options"]["path"]
        .as_str()
        .unwrap();
    let dashboards = mounted_at(grafana, dashboards_path);
    assert_eq!(dashboards, compose_dir().join("../../dashboards"));
    let home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
        .as_str()
        .unwrap();
    let home_file = home.strip_prefix(&format!("{dashboards_path}/")).unwrap();
    assert!(dashboards.join(home_file).is_file(), "{home}");

    let datasources =
        yaml(mounted_at(grafana, "/etc/grafana/provisioning/datasources").join("prometheus.yaml"));
    let source = &datasources["datasources"][0];
    assert_eq!(source["type"], "prometheus");
    assert_eq!(source["url"], "http://prometheus:9090");
    assert_eq!(source["isDefault"], true);
    assert_eq!(service(&compose, "prometheus")["ports"][0], "9090:9090");
}

/// The Alertmanager configuration that alerts/README.md shows: its YAML block with
/// `inhibit_rules:`.
fn alertmanager_config_of_the_alerts_readme() -> Value {
    let readme = std::fs::read_to_string(root().join("alerts/README.md")).unwrap();
    let block = readme
        .split("```yaml\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .find(|block| block.contains("inhibit_rules:"))
        .expect("alerts/README.md shows an Alertmanager configuration");
    serde_norway::from_str(block).unwrap()
}

#[test]
fn alertmanager_routes_and_inhibits_as_the_alerts_readme_does() {
    let compose = compose();
    let example = yaml(mounted_at(
        service(&compose, "alertmanager"),
        "/etc/alertmanager/alertmanager.yml",
    ));
    let readme = alertmanager_config_of_the_alerts_readme();
    assert!(
        example["inhibit_rules"] == readme["inhibit_rules"],
        "the compose example's inhibit rules differ from alerts/README.md's"
    );
    // The stale-data and poll alerts are per product and zone: an inhibition on the zone
    // alone would let Instances going stale mute Elastic Metal's failing polls.
    let equal = &readme["inhibit_rules"][0]["equal"];
    for label in ["job", "instance", "product", "zone"] {
        assert!(
            equal
                .as_sequence()
                .unwrap()
                .iter()
                .any(|l| l.as_str() == Some(label)),
            "the inhibit rule does not match on {label}: {equal:?}"
        );
    }
    let matchers = |config: &Value| -> Vec<Value> {
        config["route"]["routes"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|r| r["matchers"].clone())
            .collect()
    };
    assert_eq!(
        matchers(&example),
        matchers(&readme),
        "the routes' matchers"
    );
}

#[test]
#[ignore = "needs promtool (Debian package prometheus)"]
fn promtool_accepts_the_prometheus_configuration_and_the_rules_it_loads() {
    let compose = compose();
    let container = lay_out(service(&compose, "prometheus"));
    let (ok, said) = run(Command::new("promtool")
        .arg("check")
        .arg("config")
        .arg(container.path().join("etc/prometheus/prometheus.yml")));
    assert!(ok, "{said}");
    assert!(said.contains("SUCCESS: 1 rule files found"), "{said}");
    assert!(!said.contains("FAILED"), "{said}");
}

#[test]
#[ignore = "needs amtool (Debian package prometheus-alertmanager)"]
fn amtool_accepts_the_alertmanager_configuration() {
    let compose = compose();
    let alertmanager = service(&compose, "alertmanager");
    let (ok, said) = run(Command::new("amtool").arg("check-config").arg(mounted_at(
        alertmanager,
        "/etc/alertmanager/alertmanager.yml",
    )));
    assert!(ok, "{said}");
    assert!(said.contains("SUCCESS"), "{said}");
}

#[test]
#[ignore = "needs docker-compose (Debian package docker-compose)"]
fn docker_compose_accepts_the_compose_files_and_needs_the_key_for_an_account() {
    let (ok, said) = run(Command::new("docker-compose")
        .current_dir(compose_dir())
        .env_remove("SCW_SECRET_KEY")
        .args(["-f", "compose.yaml", "config", "--quiet"]));
    assert!(ok, "{said}");
    let with_account = ["-f", "compose.yaml", "-f", "compose.account.yaml", "config"];
    let (ok, said) = run(Command::new("docker-compose")
        .current_dir(compose_dir())
        .env_remove("SCW_SECRET_KEY")
        .args(with_account));
    assert!(!ok, "starts without a key: {said}");
    assert!(
        said.contains("set SCW_SECRET_KEY to the API secret key"),
        "{said}"
    );
    let (ok, said) = run(Command::new("docker-compose")
        .current_dir(compose_dir())
        .env("SCW_SECRET_KEY", "key-from-the-environment")
        .args(with_account));
    assert!(ok, "{said}");
    let merged: Value = serde_norway::from_str(&said).unwrap();
    let exporter = &merged["services"]["exporter"];
    assert_eq!(exporter["command"][0], "--log.level=info");
    assert_eq!(
        exporter["environment"]["SCW_SECRET_KEY"],
        "key-from-the-environment"
    );
}
