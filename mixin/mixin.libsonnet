// The monitoring mixin of scaleway_exporter: Prometheus alerts (`prometheusAlerts`), recording
// rules (`prometheusRules`) and Grafana dashboards (`grafanaDashboards`), set by `_config`
// (config.libsonnet). mixin/generate.sh writes the files the repository ships from it.
(import 'config.libsonnet')
+ (import 'alerts/servers.libsonnet')
+ (import 'alerts/exporter.libsonnet')
+ (import 'dashboards/fleet.libsonnet')
+ (import 'dashboards/exporter.libsonnet')
+ (import 'dashboards/cost.libsonnet')
