// The alerts about servers: one not in its product's up state, one locked, one with a
// maintenance scheduled.
local text = import '../lib/text.libsonnet';
local yaml = import '../lib/yaml.libsonnet';

// Each product's alerts about servers out of their up state. Instances are `running` when up,
// the other products `ready`. Dedibox servers have no tags, so nothing exempts them but a
// silence.
local products = [
  {
    alert: 'ScalewayServer',
    metric: 'scaleway_server',
    // How the texts name a server of the product.
    server: 'server',
    up: 'running',
    notUp: 'NotRunning',
    tags: true,
    // What an operator does to a server out of its up state on purpose.
    onPurpose: 'Tag it alerting=off if it is stopped on purpose.',
  },
  {
    alert: 'ScalewayElasticMetalServer',
    metric: 'scaleway_elastic_metal_server',
    server: 'Elastic Metal server',
    up: 'ready',
    notUp: 'NotReady',
    tags: true,
    onPurpose: 'Tag it alerting=off if it is not ready on purpose.',
  },
  {
    alert: 'ScalewayAppleSiliconServer',
    metric: 'scaleway_apple_silicon_server',
    server: 'Apple silicon server',
    up: 'ready',
    notUp: 'NotReady',
    tags: true,
    onPurpose: 'Tag it alerting=off if it is not ready on purpose.',
  },
  {
    alert: 'ScalewayDediboxServer',
    metric: 'scaleway_dedibox_server',
    server: 'Dedibox server',
    up: 'ready',
    notUp: 'NotReady',
    tags: false,
    onPurpose: 'Dedibox servers have no tags: silence the alert if the server is not ready on purpose.',
  },
];

local capitalized(s) = std.asciiUpper(s[0]) + std.substr(s, 1, std.length(s) - 1);

{
  prometheusAlerts+:: {
    local config = $._config,
    local runbook(name) = config.runbookUrlPattern % std.asciiLower(name),
    local forText = text.duration(config.serverNotUpFor),
    // `alerting=off` exempts a server of a product that has tags.
    local unlessExempt(p, expr) =
      if p.tags then expr + |||
        unless on (zone, server_id)
          %(metric)s_tag_info{%(selector)s, tag="alerting=off"}
      ||| % { metric: p.metric, selector: config.exporterSelector }
      else expr,

    // The current state comes from the one state series that is 1, so the description can
    // name it. `state` is then emptied in `labels`: a label with an empty value does not exist
    // in Prometheus, so the alert keeps the identity job/instance/zone/server_id/name while
    // `$labels.state` stays readable in annotations. Without that, a server going stopping ->
    // stopped would resolve one alert and start a new one, restarting the wait. The exporter
    // exports exactly one state at 1 per server, so emptying `state` cannot merge two series.
    //
    // `locked` is left to the Locked alert: one alert per cause, and a locked server needs
    // Scaleway support, not a start. No other state is split off: every other state that
    // lasts is one cause, "not up", and the runbook says per state what to do.
    //
    // The wait (5m by default) is the alert's contract (docs/design.md): a boot (starting), a
    // reboot or a deletion (stopping while terminating, then gone) passes through other states
    // for a minute or two, and 5 minutes of polls (one a minute by default) outlasts them. The
    // Locked alert waits as long, so a server that goes locked alerts exactly when a stopped
    // one would, and both share one delay to reason about.
    local notUp(p) = {
      alert: p.alert + p.notUp,
      expr: unlessExempt(
        p,
        if p.tags then |||
          (
              %(metric)s_state{%(selector)s, state!="locked"} == 1
            and on (zone, server_id)
              %(metric)s_state{%(selector)s, state="%(up)s"} == 0
          )
        ||| % { metric: p.metric, selector: config.exporterSelector, up: p.up }
        else |||
          %(metric)s_state{%(selector)s, state!="locked"} == 1
          and on (zone, server_id)
            %(metric)s_state{%(selector)s, state="%(up)s"} == 0
        ||| % { metric: p.metric, selector: config.exporterSelector, up: p.up },
      ),
      'for': config.serverNotUpFor,
      labels: { severity: 'critical', state: '' },
      annotations: {
        summary: 'A Scaleway %s has not been %s for %s.' % [p.server, p.up, forText],
        description: capitalized(p.server) + ' {{ $labels.name }} ({{ $labels.server_id }}) in zone {{ $labels.zone }} has not been ' + p.up + ' for ' + forText + '; its current state is "{{ $labels.state }}". ' + p.onPurpose,
        runbook_url: runbook(p.alert + p.notUp),
      },
    },
    local locked(p) = {
      alert: p.alert + 'Locked',
      expr: unlessExempt(
        p,
        '%(metric)s_state{%(selector)s, state="locked"} == 1\n' % { metric: p.metric, selector: config.exporterSelector },
      ),
      'for': config.serverNotUpFor,
      // The same label set as the NotRunning/NotReady alert (the state is in the name).
      labels: { severity: 'critical', state: '' },
      annotations: {
        summary: 'A Scaleway %s has been locked by Scaleway.' % p.server,
        description: capitalized(p.server) + ' {{ $labels.name }} ({{ $labels.server_id }}) in zone {{ $labels.zone }} has been in state "locked" for ' + forText + '. Only Scaleway can unlock it: open a support ticket.',
        runbook_url: runbook(p.alert + 'Locked'),
      },
    },

    groups+: [
      {
        name: 'scaleway-servers',
        rules: std.flattenArrays([[notUp(p), locked(p)] for p in products]) + [
          // A maintenance Scaleway has scheduled on an Instance: one alert per server and
          // reason, for as long as the API lists it. A warning: it is announced ahead, and the
          // work is to plan around it (move the load, or reboot the server early in a window of
          // your own). The start is read from its own series, which exists only when the API
          // gives a date; `%q` quotes each value as a PromQL string, so a reason with quotes in
          // it still matches. The wait (10m by default): a maintenance listed for a poll or two
          // and then withdrawn is not worth a message, and one announced ahead loses nothing by
          // 10 minutes.
          {
            alert: 'ScalewayServerMaintenanceScheduled',
            expr: |||
              scaleway_server_maintenance_info{%(selector)s} == 1
              unless on (zone, server_id)
                scaleway_server_tag_info{%(selector)s, tag="alerting=off"}
            ||| % { selector: config.exporterSelector },
            'for': config.maintenanceScheduledFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Scaleway has scheduled a maintenance on a server.',
              description: yaml.fold(|||
                Scaleway has scheduled a maintenance on server {{ $labels.name }}
                ({{ $labels.server_id }}) in zone {{ $labels.zone }}, for "{{ $labels.reason }}".
                {{ with printf "scaleway_server_maintenance_start_timestamp_seconds{job=%q,instance=%q,zone=%q,server_id=%q,reason=%q}" $labels.job $labels.instance $labels.zone $labels.server_id $labels.reason | query }}It
                starts at {{ . | first | value | humanizeTimestamp }}.{{ else }}Scaleway gives no start
                date.{{ end }}
              |||),
              runbook_url: runbook('ScalewayServerMaintenanceScheduled'),
            },
          },
        ],
      },
    ],
  },
}
