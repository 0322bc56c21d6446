// The alerts about the exporter itself: not scraped, polls failing, data stale, rate limited,
// a product left out.
local text = import '../lib/text.libsonnet';
local yaml = import '../lib/yaml.libsonnet';

{
  prometheusAlerts+:: {
    local config = $._config,
    local runbook(name) = config.runbookUrlPattern % std.asciiLower(name),
    local selector = { selector: config.exporterSelector },
    local staleText = text.seconds(config.dataStaleAfterSeconds),

    groups+: [
      {
        name: 'scaleway-exporter',
        rules: [
          // The exporter is not scraped: the target is down (`up == 0`), or there is no target
          // at all (`absent`: a removed scrape config, service discovery returning nothing, a
          // job renamed without changing the selector of these rules), which `up == 0` cannot
          // see. One rule, so the two cases are one alert with one runbook; the absent() case
          // has `job` but no `instance`, and the description says which case it is. When a
          // scrape fails Prometheus marks all of the exporter's series stale: every server
          // alert resolves and none can fire. This alert pages instead, hence critical. The
          // wait (5m by default): a restart, a few failed scrapes or a target being replaced by
          // service discovery are not an outage; five minutes blind is as long as the wait of
          // ScalewayServerNotRunning, the alert this one stands in for.
          {
            alert: 'ScalewayExporterDown',
            expr: |||
              up{%(selector)s} == 0
              or
              absent(up{%(selector)s})
            ||| % selector,
            'for': config.exporterDownFor,
            labels: { severity: 'critical' },
            annotations: {
              summary: 'Prometheus cannot scrape the Scaleway exporter.',
              description: yaml.fold(std.strReplace(|||
                {{ if $labels.instance }}Prometheus has failed to scrape {{ $labels.instance }}
                (job {{ $labels.job }}) for FOR.{{ else }}Prometheus has had no target for
                job {{ $labels.job }} for FOR.{{ end }} No Scaleway server alert can fire
                while the exporter is not scraped.
              |||, 'FOR', text.duration(config.exporterDownFor))),
              runbook_url: runbook('ScalewayExporterDown'),
            },
          },

          // The polls of one product in one zone keep failing (token, IAM policy, network, API
          // outage). Every exporter series of a poll carries `product` and `zone`, so the alert
          // is per (product, zone): Instances failing in fr-par-1 while Elastic Metal succeeds
          // there are told apart. The exporter keeps serving the last good data, so this is a
          // warning; ScalewayExporterDataStale escalates when that data gets too old (or, for a
          // product and zone that never succeeded, once the exporter has run that long; the
          // description then says there is no data rather than "last good data"). Polls that
          // fail only now and then (the gauge goes back to 1) never fire: the data stays fresh.
          // The wait (10m by default): ten polls in a row at the default 60s interval. A 429
          // burst or a timeout fails one or two polls and is retried by the next; ten in a row
          // is not going away.
          {
            alert: 'ScalewayExporterPollFailing',
            expr: |||
              scaleway_exporter_poll_success{%(selector)s} == 0
            ||| % selector,
            'for': config.pollFailingFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'The Scaleway exporter cannot poll a product in a zone.',
              description: yaml.fold(std.strReplace(|||
                Every poll of product {{ $labels.product }} in zone {{ $labels.zone }} by
                {{ $labels.instance }} has failed for FOR. {{ with printf "scaleway_exporter_last_success_timestamp_seconds{job=%q,instance=%q,product=%q,zone=%q} == 0" $labels.job $labels.instance $labels.product $labels.zone | query }}No
                poll of it has succeeded since the exporter started: it has no data to
                serve.{{ else }}The exporter still serves its last good data.{{ end }}
              |||, 'FOR', text.duration(config.pollFailingFor))),
              runbook_url: runbook('ScalewayExporterPollFailing'),
            },
          },

          // The data of a product in a zone is older than 15 minutes (by default), whatever the
          // cause: polls failing (then ScalewayExporterPollFailing fires too, from 10 minutes)
          // or polls no longer happening at all (a stuck poller keeps `poll_success` at 1). The
          // server alerts of that product and zone run on that old data: a server that stopped
          // since cannot alert, hence critical. A product and zone that never succeeded export
          // a last success of 0, so they are stale too: an exporter misconfigured from its first
          // minute (a key without the permission of a product named with --scaleway.product, a
          // zone that does not exist) alerts like one that broke later. `product` passes
          // through the `and`, which matches on the process only. The second half waits until
          // the exporter has run as long, so a restarted exporter does not look 56 years stale
          // before its first poll ends; the description then says "no successful poll" rather
          // than an age of 56 years. Both timestamps come from the exporter's clock; time() is
          // Prometheus's. No `for`: the age only grows until the next success, so the threshold
          // already is the wait. 15 minutes is 15 missed polls at the default interval and
          // leaves ScalewayExporterPollFailing to speak first.
          {
            alert: 'ScalewayExporterDataStale',
            expr: |||
              (
                time() - scaleway_exporter_last_success_timestamp_seconds{%(selector)s} > %(stale)d
              )
              and on (job, instance)
              (
                time() - process_start_time_seconds{%(selector)s} > %(stale)d
              )
            ||| % (selector { stale: config.dataStaleAfterSeconds }),
            'for': '0m',
            labels: { severity: 'critical' },
            annotations: {
              summary: "The Scaleway exporter's data for a product in a zone is stale.",
              description: yaml.fold(std.strReplace(|||
                {{ with printf "scaleway_exporter_last_success_timestamp_seconds{job=%q,instance=%q,product=%q,zone=%q} == 0" $labels.job $labels.instance $labels.product $labels.zone | query }}Product
                {{ $labels.product }} in zone {{ $labels.zone }} has had no successful poll by
                {{ $labels.instance }} since it started, more than STALE ago. No server
                alert of {{ $labels.product }} can fire for this zone.{{ else }}The last successful
                poll of product {{ $labels.product }} in zone {{ $labels.zone }} by
                {{ $labels.instance }} was {{ $value | humanizeDuration }} ago. The server alerts of
                {{ $labels.product }} in this zone run on data that old.{{ end }}
              |||, 'STALE', staleText)),
              runbook_url: runbook('ScalewayExporterDataStale'),
            },
          },

          // The share of the API requests of a product in a zone answered 429. A ratio, not a
          // raw rate, so it means the same for a zone of 5 servers (one request a poll) and one
          // of 5,000 (50 pages). The exporter retries within a poll (--poll.timeout includes
          // retries), so a few 429s are harmless. Per product as well as zone: each product is
          // its own API, and the fix (poll less, or fewer zones of that product) is per product.
          // The project requests count under product="account" with no zone: summed by zone,
          // they make one series whose `zone` is empty, so that alert has no `zone` label. The
          // wait (15m on a 10m window by default): rate limiting that lasts about 25 minutes.
          // Bursts from another client of the same account or IP (a Terraform apply, a CI run)
          // end sooner; what lasts is a poll interval too short for the account or a client
          // that never stops.
          {
            alert: 'ScalewayApiRateLimited',
            expr: |||
              (
                  sum by (job, instance, product, zone) (
                    rate(scaleway_exporter_api_requests_total{%(selector)s, code="429"}[%(window)s])
                  )
                /
                  sum by (job, instance, product, zone) (
                    rate(scaleway_exporter_api_requests_total{%(selector)s}[%(window)s])
                  )
              )
              > %(share)s
            ||| % (selector { window: config.rateLimitedWindow, share: config.rateLimitedShare }),
            'for': config.rateLimitedFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'The Scaleway API is rate limiting the exporter.',
              description: yaml.fold(std.strReplace(std.strReplace(|||
                {{ $value | humanizePercentage }} of the API requests of {{ $labels.instance }}
                for product {{ $labels.product }}{{ with $labels.zone }} in zone {{ . }}{{ end }}
                were answered 429 Too Many Requests over the last WINDOW, for FOR now.
              |||, 'WINDOW', text.duration(config.rateLimitedWindow)), 'FOR', text.duration(config.rateLimitedFor))),
              runbook_url: runbook('ScalewayApiRateLimited'),
            },
          },

          // A product left out for the run: with --scaleway.product unset, the exporter polls
          // every product its key may read, and leaves out one whose list answered 403 in every
          // zone at the first poll. A product not selected with --scaleway.product has no
          // scaleway_exporter_product_enabled series, so it raises nothing. Info, not a
          // warning: the key's owner chose what it may read (a key made for Instances leaves the
          // three other products out on its first day, and that is no fault). It is worth a
          // note for the one case where it matters: the account has servers of that product,
          // and none of the alerts above can speak for them. No `for`: decided once at the
          // first poll and kept for the run; waiting adds nothing.
          {
            alert: 'ScalewayExporterProductDisabled',
            expr: |||
              scaleway_exporter_product_enabled{%(selector)s} == 0
            ||| % selector,
            'for': '0m',
            labels: { severity: 'info' },
            annotations: {
              summary: 'The Scaleway exporter leaves out a product its key may not read.',
              description: yaml.fold(|||
                {{ $labels.instance }} leaves product {{ $labels.product }} out for the run: its
                API key was refused (403) in every zone at the first poll, so servers of that
                product are not monitored. If the account has some, grant the key the product's
                read permission; if not, list the products to poll with --scaleway.product.
              |||),
              runbook_url: runbook('ScalewayExporterProductDisabled'),
            },
          },
        ],
      },
    ],
  },
}
