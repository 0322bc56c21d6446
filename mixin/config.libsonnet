// The settings of the mixin. Override them in your own jsonnet:
//
//   (import 'scaleway-exporter-mixin/mixin.libsonnet') + {
//     _config+:: { exporterSelector: 'job="scaleway-prod"' },
//   }
//
// The defaults are what alerts/scaleway.rules.yml, deploy/kubernetes/prometheusrule.yaml, the
// Helm chart and dashboards/ ship with.
{
  _config+:: {
    // Selects the exporter's series in every alert. Keep it one equality matcher on `job`:
    // ScalewayExporterDown's absent() takes the `job` label of its alert from it, and a
    // selector that matches no target is how a renamed job shows up (that alert fires).
    exporterSelector: 'job="scaleway"',

    // The link of every alert: `%s` becomes the alert's name in lower case, the anchor of its
    // section of docs/runbook.md. By default the runbook the exporter serves itself at
    // /runbook, on the alert's `instance`: the runbook of the running version, one click from
    // the alert. A site that hosts the runbook elsewhere sets its own pattern, e.g.
    // 'https://wiki.example.com/scaleway-runbook#%s'. alerts/README.md says which to pick when.
    runbookUrlPattern: self.runbookScheme + '://{{ $labels.instance }}/runbook#%s',
    // The scheme of the default pattern: 'https' when the exporter serves TLS
    // (--web.config.file).
    runbookScheme: 'http',

    // How long a server stays out of its up state (or locked) before its alert fires: a
    // boot, a reboot or a deletion passes through other states for a minute or two.
    serverNotUpFor: '5m',
    // How long a maintenance stays listed before it is worth a message.
    maintenanceScheduledFor: '10m',
    // How long the exporter may go unscraped.
    exporterDownFor: '5m',
    // How long every poll of a product in a zone may fail.
    pollFailingFor: '10m',
    // Data older than this is stale, in seconds; a restarted exporter gets as long for its
    // first poll.
    dataStaleAfterSeconds: 900,
    // The share of API requests answered 429 over the window, kept for `rateLimitedFor`,
    // that raises ScalewayApiRateLimited.
    rateLimitedShare: '0.1',
    rateLimitedWindow: '10m',
    rateLimitedFor: '15m',

    // Every dashboard carries these tags, plus one of its own; the dashboards' link menu lists
    // the dashboards that carry them.
    dashboardTags: ['scaleway', 'scaleway_exporter'],
    // Each dashboard's uid and title are these followed by its own (`fleet`, `Fleet`...).
    // Links that operators keep point at the uid: change the prefix only for a second copy.
    dashboardUidPrefix: 'scaleway-',
    dashboardTitlePrefix: 'Scaleway / ',
  },
}
