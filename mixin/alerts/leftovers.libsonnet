// The alerts about what the fleet leaves behind and still pays for: a volume no server holds,
// an IP that points at no server, an old snapshot. One alert per leftover, with its identity
// (`zone` and its id) and what says whose it is (`project_id`, its name where it has one), so
// that Alertmanager can group them by project or zone into one message (alerts/README.md has
// a route that does). All of severity `info`: money, not an outage, and only whoever owns the
// project knows whether it is still wanted.
//
// The exporter has no leftover series until its first poll after a start, and a failed scrape
// makes them stale: each expression reads its series over the last `leftoverGap` (15m by
// default), so that an exporter restarting or a few lost scrapes neither resolve an alert nor
// start its wait again. A leftover deleted, or attached, leaves the alert that long after
// (attached: at once, when the exporter still lists it, as a Block volume or an IP).
local text = import '../lib/text.libsonnet';
local yaml = import '../lib/yaml.libsonnet';

{
  prometheusAlerts+:: {
    local config = $._config,
    local runbook(name) = config.runbookUrlPattern % std.asciiLower(name),
    local selector = config.exporterSelector,
    local gap = config.leftoverGap,
    // The project of the alert, with its name when the exporter knows it.
    local project = '{{ $labels.project_id }}{{ with printf "scaleway_project_info{job=%q,instance=%q,project_id=%q}" $labels.job $labels.instance $labels.project_id | query }} ({{ . | first | label "project_name" }}){{ end }}',

    groups+: [
      {
        name: 'scaleway-leftovers',
        rules: [
          // A volume no server holds: every Block Storage volume with attached="false", and
          // the Instance volumes (b_ssd, l_ssd) the exporter lists only when no server holds
          // them. Its age is counted from its last detach; a volume never attached, and every
          // Instance volume (its API gives no detach date), from its creation. The value is
          // that age, in seconds. The `for` (1h by default) is for Instance volumes and volumes
          // never attached, whose date says nothing of how long they have been free: a volume
          // created a year ago and detached a minute ago for a resize is not left behind.
          // `unless ... attached="true"` ends the alert at the poll that sees it attached,
          // rather than `leftoverGap` later.
          {
            alert: 'ScalewayVolumeUnattached',
            expr: |||
              (
                time()
                - (
                    max_over_time(scaleway_volume_detached_timestamp_seconds{%(selector)s}[%(gap)s])
                  or
                    max_over_time(scaleway_volume_created_timestamp_seconds{%(selector)s}[%(gap)s])
                )
                > %(after)d
              )
              * on (job, instance, zone, volume_id) group_left (name, type, project_id)
              topk by (job, instance, zone, volume_id) (
                1,
                max_over_time(scaleway_volume_info{%(selector)s, attached="false"}[%(gap)s])
                unless on (job, instance, zone, volume_id)
                  scaleway_volume_info{%(selector)s, attached="true"}
              )
            ||| % { selector: selector, gap: gap, after: config.volumeUnattachedAfterSeconds },
            'for': config.volumeUnattachedFor,
            labels: { severity: 'info' },
            annotations: {
              summary: 'A Scaleway volume has been attached to no server for more than %s.' % text.seconds(config.volumeUnattachedAfterSeconds),
              description: std.strReplace(yaml.fold(|||
                Volume {{ $labels.name }} ({{ $labels.volume_id }}, {{ $labels.type }}) in zone {{ $labels.zone }}, project PROJECT, is attached to no server{{ with printf "scaleway_volume_detached_timestamp_seconds{job=%q,instance=%q,zone=%q,volume_id=%q}" $labels.job $labels.instance $labels.zone $labels.volume_id | query }}: it was detached {{ $value | humanizeDuration }} ago{{ else }} and has no detach date: it was created {{ $value | humanizeDuration }} ago{{ end }}.
                It is billed all the same: delete it (after a snapshot, if in doubt) or attach it
                where it serves.
              |||), 'PROJECT', project),
              runbook_url: runbook('ScalewayVolumeUnattached'),
            },
          },

          // An IP that points at no server: Instance flexible IPs and Elastic Metal flexible
          // IPs, IPv4 and IPv6 alike (attached="false"; a `nat` IP that says attached but names
          // no server is one too). IPs carry no date, so the wait is Prometheus's own `for`
          // (7d by default): it starts when Prometheus first sees the IP free, and starts again
          // when Prometheus loses the alert's state (a restart longer than its
          // --rules.alert.for-outage-tolerance, 1h by default, or a new TSDB). The value is 1.
          {
            alert: 'ScalewayFlexibleIpUnattached',
            expr: |||
              max by (job, instance, zone, ip_id, address, family, type, product, project_id) (
                max_over_time(scaleway_ip_info{%(selector)s, attached="false"}[%(gap)s])
              )
              unless on (job, instance, zone, ip_id)
                scaleway_ip_info{%(selector)s, attached="true"}
            ||| % { selector: selector, gap: gap },
            'for': config.ipUnattachedFor,
            labels: { severity: 'info' },
            annotations: {
              summary: 'A Scaleway IP has pointed at no server for %s.' % text.duration(config.ipUnattachedFor),
              description: std.strReplace(yaml.fold(std.strReplace(|||
                IP {{ $labels.address }} ({{ $labels.ip_id }}, {{ $labels.product }} {{ $labels.type }}) in zone {{ $labels.zone }}, project PROJECT,
                has pointed at no server for FOR as Prometheus saw it (the API gives IPs no date).
                A reserved IPv4 is billed attached or not: release it, or attach it where it serves.
              |||, 'FOR', text.duration(config.ipUnattachedFor))), 'PROJECT', project),
              runbook_url: runbook('ScalewayFlexibleIpUnattached'),
            },
          },

          // A snapshot, of Block Storage or of Instances, older than 90 days (by default), from
          // its creation date; the value is its age, in seconds. A Block snapshot an Instance
          // image is made of (status in_use) is left out: it cannot go before the image, and an
          // image is kept on purpose. No `for`: the age only grows, the threshold is the wait.
          {
            alert: 'ScalewaySnapshotOld',
            expr: |||
              (
                time() - max_over_time(scaleway_snapshot_created_timestamp_seconds{%(selector)s}[%(gap)s])
                > %(after)d
              )
              * on (job, instance, zone, snapshot_id) group_left (name, type, project_id, volume_id)
              topk by (job, instance, zone, snapshot_id) (
                1,
                max_over_time(scaleway_snapshot_info{%(selector)s, status!="in_use"}[%(gap)s])
                unless on (job, instance, zone, snapshot_id)
                  scaleway_snapshot_info{%(selector)s, status="in_use"}
              )
            ||| % { selector: selector, gap: gap, after: config.snapshotOldAfterSeconds },
            'for': '0m',
            labels: { severity: 'info' },
            annotations: {
              summary: 'A Scaleway snapshot is older than %s.' % text.seconds(config.snapshotOldAfterSeconds),
              description: std.strReplace(yaml.fold(|||
                Snapshot {{ $labels.name }} ({{ $labels.snapshot_id }}, {{ $labels.type }}) in zone {{ $labels.zone }}, project PROJECT, was taken {{ $value | humanizeDuration }} ago{{ with $labels.volume_id }} of volume {{ . }}{{ else }} of a volume since deleted{{ end }}.
                It is billed by the gigabyte for every hour it is kept: delete it if nothing needs
                it any more.
              |||), 'PROJECT', project),
              runbook_url: runbook('ScalewaySnapshotOld'),
            },
          },
        ],
      },
    ],
  },
}
