// The exporter dashboard: polls by product and zone, data age, the Scaleway API's answers,
// version and process.
local common = import 'common.libsonnet';
local ds = common.datasource;

{
  grafanaDashboards+:: {
    'scaleway-exporter.json': common.dashboard($._config, {
      name: 'exporter',
      title: 'Exporter',
      tag: 'exporter',
      description: 'Health of scaleway_exporter itself: polls by zone, data age, Scaleway API answers, version and process.',
      variables: [common.variables.datasource, common.variables.job, common.variables.product, common.variables.zone],
      panels: [
        {
          collapsed: false,
          datasource: ds,
          description: "Whether each zone's polls succeed, how old each zone's data is and how long a poll takes.",
          gridPos: {
            h: 1,
            w: 24,
            x: 0,
            y: 0,
          },
          id: 1,
          panels: [],
          title: 'Polls',
          type: 'row',
        },
        {
          datasource: ds,
          description: 'scaleway_exporter_product_enabled: 1 for a product the exporter polls, 0 for one it left out for the run because the key was refused (403) in every zone at the first poll (see the ScalewayExporterProductDisabled alert and the log line naming the IAM permission set to add). A product named with --scaleway.product is never left out, and a product not selected has no series here.',
          fieldConfig: {
            defaults: {
              unit: 'short',
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                ],
              },
              mappings: [
                {
                  type: 'value',
                  options: {
                    '0': {
                      text: 'left out',
                      color: 'red',
                      index: 0,
                    },
                    '1': {
                      text: 'polled',
                      color: 'green',
                      index: 1,
                    },
                  },
                },
              ],
            },
            overrides: [],
          },
          gridPos: {
            h: 6,
            w: 24,
            x: 0,
            y: 1,
          },
          id: 24,
          options: {
            colorMode: 'background',
            graphMode: 'none',
            justifyMode: 'auto',
            orientation: 'auto',
            reduceOptions: {
              calcs: ['lastNotNull'],
              fields: '',
              values: false,
            },
            showPercentChange: false,
            textMode: 'value_and_name',
            wideLayout: true,
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'scaleway_exporter_product_enabled{job=~"$job", product=~"$product"}',
              format: 'time_series',
              instant: true,
              legendFormat: '{{product}} ({{instance}})',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Products polled',
          type: 'stat',
        },
        {
          datasource: ds,
          description: "1 when the last poll of the product's zone succeeded, 0 when it failed (its series then keep the last good values). A product the exporter does not poll in a zone (it does not serve it) has no series.",
          fieldConfig: {
            defaults: {
              mappings: [
                {
                  type: 'value',
                  options: {
                    '0': {
                      color: 'red',
                      index: 0,
                      text: 'failed',
                    },
                    '1': {
                      color: 'green',
                      index: 1,
                      text: 'OK',
                    },
                  },
                },
              ],
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                ],
              },
              color: {
                mode: 'thresholds',
              },
              custom: {
                fillOpacity: 80,
                lineWidth: 0,
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 7,
            w: 24,
            x: 0,
            y: 7,
          },
          id: 2,
          options: {
            alignValue: 'left',
            legend: {
              displayMode: 'list',
              placement: 'bottom',
              showLegend: true,
            },
            mergeValues: true,
            rowHeight: 0.9,
            showValue: 'never',
            tooltip: {
              mode: 'single',
              sort: 'none',
            },
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'scaleway_exporter_poll_success{job=~"$job", zone=~"$zone", product=~"$product"}',
              format: 'time_series',
              instant: false,
              legendFormat: '{{product}} {{zone}} ({{instance}})',
              range: true,
              refId: 'A',
            },
          ],
          title: 'Poll success by product and zone',
          type: 'state-timeline',
        },
        {
          datasource: ds,
          description: "Seconds since the last successful poll of each product's zone: how old that product's series in that zone are. A zone with no successful poll yet (last success 0) has no line here, rather than one of 56 years: the poll success panel shows it.",
          fieldConfig: {
            defaults: {
              unit: 's',
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                  {
                    color: 'red',
                    value: 900,
                  },
                ],
              },
              min: 0,
              color: {
                mode: 'palette-classic',
              },
              custom: {
                axisPlacement: 'auto',
                drawStyle: 'line',
                fillOpacity: 10,
                lineWidth: 1,
                pointSize: 4,
                showPoints: 'never',
                spanNulls: false,
                stacking: {
                  group: 'A',
                  mode: 'none',
                },
                thresholdsStyle: {
                  mode: 'line',
                },
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 8,
            w: 12,
            x: 0,
            y: 14,
          },
          id: 3,
          options: {
            legend: {
              calcs: ['lastNotNull', 'max'],
              displayMode: 'table',
              placement: 'right',
              showLegend: true,
            },
            tooltip: {
              mode: 'multi',
              sort: 'desc',
            },
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'time() - (scaleway_exporter_last_success_timestamp_seconds{job=~"$job", zone=~"$zone", product=~"$product"} > 0)',
              format: 'time_series',
              instant: false,
              legendFormat: '{{product}} {{zone}} ({{instance}})',
              range: true,
              refId: 'A',
            },
          ],
          title: 'Data age by product and zone',
          type: 'timeseries',
        },
        {
          datasource: ds,
          description: "Duration of the last poll of each product's zone, every page and retry included.",
          fieldConfig: {
            defaults: {
              unit: 's',
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                  {
                    color: 'red',
                    value: 30,
                  },
                ],
              },
              min: 0,
              color: {
                mode: 'palette-classic',
              },
              custom: {
                axisPlacement: 'auto',
                drawStyle: 'line',
                fillOpacity: 10,
                lineWidth: 1,
                pointSize: 4,
                showPoints: 'never',
                spanNulls: false,
                stacking: {
                  group: 'A',
                  mode: 'none',
                },
                thresholdsStyle: {
                  mode: 'line',
                },
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 8,
            w: 12,
            x: 12,
            y: 14,
          },
          id: 4,
          options: {
            legend: {
              calcs: ['lastNotNull', 'max'],
              displayMode: 'table',
              placement: 'right',
              showLegend: true,
            },
            tooltip: {
              mode: 'multi',
              sort: 'desc',
            },
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'scaleway_exporter_poll_duration_seconds{job=~"$job", zone=~"$zone", product=~"$product"}',
              format: 'time_series',
              instant: false,
              legendFormat: '{{product}} {{zone}} ({{instance}})',
              range: true,
              refId: 'A',
            },
          ],
          title: 'Poll duration by product and zone',
          type: 'timeseries',
        },
        {
          collapsed: false,
          datasource: ds,
          description: 'The requests the exporter makes to the Scaleway API and their answers.',
          gridPos: {
            h: 1,
            w: 24,
            x: 0,
            y: 22,
          },
          id: 5,
          panels: [],
          title: 'Scaleway API',
          type: 'row',
        },
        {
          datasource: ds,
          description: 'Requests per second to the Scaleway API by HTTP status code; `error` is a transport error, `timeout` a request that ran out of time. 429 is rate limiting.',
          fieldConfig: {
            defaults: {
              unit: 'reqps',
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                ],
              },
              min: 0,
              color: {
                mode: 'palette-classic',
              },
              custom: {
                axisPlacement: 'auto',
                drawStyle: 'line',
                fillOpacity: 30,
                lineWidth: 1,
                pointSize: 4,
                showPoints: 'never',
                spanNulls: false,
                stacking: {
                  group: 'A',
                  mode: 'normal',
                },
                thresholdsStyle: {
                  mode: 'off',
                },
              },
            },
            overrides: [
              {
                matcher: {
                  id: 'byName',
                  options: '200',
                },
                properties: [
                  {
                    id: 'color',
                    value: {
                      fixedColor: 'green',
                      mode: 'fixed',
                    },
                  },
                ],
              },
              {
                matcher: {
                  id: 'byName',
                  options: '429',
                },
                properties: [
                  {
                    id: 'color',
                    value: {
                      fixedColor: 'orange',
                      mode: 'fixed',
                    },
                  },
                ],
              },
              {
                matcher: {
                  id: 'byName',
                  options: 'error',
                },
                properties: [
                  {
                    id: 'color',
                    value: {
                      fixedColor: 'red',
                      mode: 'fixed',
                    },
                  },
                ],
              },
              {
                matcher: {
                  id: 'byName',
                  options: 'timeout',
                },
                properties: [
                  {
                    id: 'color',
                    value: {
                      fixedColor: 'dark-red',
                      mode: 'fixed',
                    },
                  },
                ],
              },
            ],
          },
          gridPos: {
            h: 8,
            w: 12,
            x: 0,
            y: 23,
          },
          id: 6,
          options: {
            legend: {
              calcs: ['mean', 'max'],
              displayMode: 'table',
              placement: 'right',
              showLegend: true,
            },
            tooltip: {
              mode: 'multi',
              sort: 'desc',
            },
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'sum by (code) (rate(scaleway_exporter_api_requests_total{job=~"$job", zone=~"$zone", product=~"$product"}[$__rate_interval]))',
              format: 'time_series',
              instant: false,
              legendFormat: '{{code}}',
              range: true,
              refId: 'A',
            },
          ],
          title: 'API requests by status code',
          type: 'timeseries',
        },
        {
          datasource: ds,
          description: 'Requests per second to the Scaleway API by product, zone and endpoint (servers; volumes and types count under instance). The projects endpoint has no zone and is not shown.',
          fieldConfig: {
            defaults: {
              unit: 'reqps',
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                ],
              },
              min: 0,
              color: {
                mode: 'palette-classic',
              },
              custom: {
                axisPlacement: 'auto',
                drawStyle: 'line',
                fillOpacity: 10,
                lineWidth: 1,
                pointSize: 4,
                showPoints: 'never',
                spanNulls: false,
                stacking: {
                  group: 'A',
                  mode: 'none',
                },
                thresholdsStyle: {
                  mode: 'off',
                },
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 8,
            w: 12,
            x: 12,
            y: 23,
          },
          id: 7,
          options: {
            legend: {
              calcs: ['mean', 'max'],
              displayMode: 'table',
              placement: 'right',
              showLegend: true,
            },
            tooltip: {
              mode: 'multi',
              sort: 'desc',
            },
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'sum by (product, zone, endpoint) (rate(scaleway_exporter_api_requests_total{job=~"$job", zone=~"$zone", product=~"$product"}[$__rate_interval]))',
              format: 'time_series',
              instant: false,
              legendFormat: '{{product}} {{zone}} {{endpoint}}',
              range: true,
              refId: 'A',
            },
          ],
          title: 'API requests by product, zone and endpoint',
          type: 'timeseries',
        },
        {
          datasource: ds,
          description: "Share of each zone's API requests answered 429 Too Many Requests: 0 while none is (the exporter has no 429 series until the first one, hence the `or 0 *` half). The red line is ScalewayApiRateLimited's 10%, which fires when a zone stays above it for 15 minutes.",
          fieldConfig: {
            defaults: {
              unit: 'percentunit',
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                  {
                    color: 'red',
                    value: 0.1,
                  },
                ],
              },
              min: 0,
              max: 1,
              color: {
                mode: 'palette-classic',
              },
              custom: {
                axisPlacement: 'auto',
                drawStyle: 'line',
                fillOpacity: 10,
                lineWidth: 1,
                pointSize: 4,
                showPoints: 'never',
                spanNulls: false,
                stacking: {
                  group: 'A',
                  mode: 'none',
                },
                thresholdsStyle: {
                  mode: 'line',
                },
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 7,
            w: 24,
            x: 0,
            y: 31,
          },
          id: 8,
          options: {
            legend: {
              calcs: ['mean', 'max'],
              displayMode: 'table',
              placement: 'right',
              showLegend: true,
            },
            tooltip: {
              mode: 'multi',
              sort: 'desc',
            },
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: |||
                (
                  sum by (product, zone) (rate(scaleway_exporter_api_requests_total{job=~"$job", zone=~"$zone", product=~"$product", code="429"}[$__rate_interval]))
                  or
                  0 * sum by (product, zone) (rate(scaleway_exporter_api_requests_total{job=~"$job", zone=~"$zone", product=~"$product"}[$__rate_interval]))
                )
                /
                sum by (product, zone) (rate(scaleway_exporter_api_requests_total{job=~"$job", zone=~"$zone", product=~"$product"}[$__rate_interval]))
              |||,
              format: 'time_series',
              instant: false,
              legendFormat: '{{product}} {{zone}}',
              range: true,
              refId: 'A',
            },
          ],
          title: 'Share of requests rate limited (429) by product and zone',
          type: 'timeseries',
        },
        {
          collapsed: false,
          datasource: ds,
          description: 'The exporter process: whether Prometheus reaches it, its version and its resources.',
          gridPos: {
            h: 1,
            w: 24,
            x: 0,
            y: 38,
          },
          id: 9,
          panels: [],
          title: 'Process',
          type: 'row',
        },
        {
          datasource: ds,
          description: "Whether Prometheus's last scrape of each exporter instance succeeded (the `up` series). ScalewayExporterDown fires after 5 minutes down.",
          fieldConfig: {
            defaults: {
              mappings: [
                {
                  type: 'value',
                  options: {
                    '0': {
                      color: 'red',
                      index: 0,
                      text: 'DOWN',
                    },
                    '1': {
                      color: 'green',
                      index: 1,
                      text: 'UP',
                    },
                  },
                },
              ],
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                ],
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 6,
            w: 6,
            x: 0,
            y: 39,
          },
          id: 10,
          options: {
            colorMode: 'background',
            graphMode: 'none',
            justifyMode: 'auto',
            orientation: 'auto',
            reduceOptions: {
              calcs: ['lastNotNull'],
              fields: '',
              values: false,
            },
            showPercentChange: false,
            textMode: 'value_and_name',
            wideLayout: true,
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'up{job=~"$job"}',
              format: 'time_series',
              instant: true,
              legendFormat: '{{instance}}',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Scrape status',
          type: 'stat',
        },
        {
          datasource: ds,
          description: 'Version, git revision and compiler of each running exporter instance (scaleway_exporter_build_info).',
          fieldConfig: {
            defaults: {
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                ],
              },
              custom: {
                align: 'auto',
                cellOptions: {
                  type: 'auto',
                },
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 6,
            w: 12,
            x: 6,
            y: 39,
          },
          id: 11,
          options: {
            cellHeight: 'sm',
            footer: {
              show: false,
              reducer: ['sum'],
              fields: '',
            },
            showHeader: true,
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'scaleway_exporter_build_info{job=~"$job"}',
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Build info',
          type: 'table',
          transformations: [
            {
              id: 'organize',
              options: {
                excludeByName: {
                  Time: true,
                  Value: true,
                  __name__: true,
                  job: true,
                },
                indexByName: {
                  instance: 0,
                  version: 1,
                  revision: 2,
                  rustc_version: 3,
                },
                renameByName: {
                  instance: 'Instance',
                  version: 'Version',
                  revision: 'Revision',
                  rustc_version: 'rustc',
                },
              },
            },
          ],
        },
        {
          datasource: ds,
          description: 'Time since each exporter process started. A low value that keeps coming back means restarts.',
          fieldConfig: {
            defaults: {
              unit: 's',
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                ],
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 6,
            w: 6,
            x: 18,
            y: 39,
          },
          id: 12,
          options: {
            colorMode: 'value',
            graphMode: 'none',
            justifyMode: 'auto',
            orientation: 'auto',
            reduceOptions: {
              calcs: ['lastNotNull'],
              fields: '',
              values: false,
            },
            showPercentChange: false,
            textMode: 'value_and_name',
            wideLayout: true,
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'time() - process_start_time_seconds{job=~"$job"}',
              format: 'time_series',
              instant: true,
              legendFormat: '{{instance}}',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Uptime',
          type: 'stat',
        },
        {
          datasource: ds,
          description: 'Resident memory of each exporter process. It follows the fleet size (one encoded body per poll) and should be flat otherwise; steady growth is a leak.',
          fieldConfig: {
            defaults: {
              unit: 'bytes',
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                ],
              },
              min: 0,
              color: {
                mode: 'palette-classic',
              },
              custom: {
                axisPlacement: 'auto',
                drawStyle: 'line',
                fillOpacity: 10,
                lineWidth: 1,
                pointSize: 4,
                showPoints: 'never',
                spanNulls: false,
                stacking: {
                  group: 'A',
                  mode: 'none',
                },
                thresholdsStyle: {
                  mode: 'off',
                },
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 8,
            w: 8,
            x: 0,
            y: 45,
          },
          id: 13,
          options: {
            legend: {
              calcs: ['lastNotNull', 'max'],
              displayMode: 'table',
              placement: 'right',
              showLegend: true,
            },
            tooltip: {
              mode: 'multi',
              sort: 'desc',
            },
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'process_resident_memory_bytes{job=~"$job"}',
              format: 'time_series',
              instant: false,
              legendFormat: '{{instance}}',
              range: true,
              refId: 'A',
            },
          ],
          title: 'Memory (resident)',
          type: 'timeseries',
        },
        {
          datasource: ds,
          description: 'CPU time used by each exporter process per second of wall time (100% is one core).',
          fieldConfig: {
            defaults: {
              unit: 'percentunit',
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                ],
              },
              min: 0,
              color: {
                mode: 'palette-classic',
              },
              custom: {
                axisPlacement: 'auto',
                drawStyle: 'line',
                fillOpacity: 10,
                lineWidth: 1,
                pointSize: 4,
                showPoints: 'never',
                spanNulls: false,
                stacking: {
                  group: 'A',
                  mode: 'none',
                },
                thresholdsStyle: {
                  mode: 'off',
                },
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 8,
            w: 8,
            x: 8,
            y: 45,
          },
          id: 14,
          options: {
            legend: {
              calcs: ['mean', 'max'],
              displayMode: 'table',
              placement: 'right',
              showLegend: true,
            },
            tooltip: {
              mode: 'multi',
              sort: 'desc',
            },
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'rate(process_cpu_seconds_total{job=~"$job"}[$__rate_interval])',
              format: 'time_series',
              instant: false,
              legendFormat: '{{instance}}',
              range: true,
              refId: 'A',
            },
          ],
          title: 'CPU',
          type: 'timeseries',
        },
        {
          datasource: ds,
          description: 'File descriptors held by each exporter process: sockets to the API and to scrapers. Steady growth means connections are leaking.',
          fieldConfig: {
            defaults: {
              unit: 'short',
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                ],
              },
              min: 0,
              color: {
                mode: 'palette-classic',
              },
              custom: {
                axisPlacement: 'auto',
                drawStyle: 'line',
                fillOpacity: 10,
                lineWidth: 1,
                pointSize: 4,
                showPoints: 'never',
                spanNulls: false,
                stacking: {
                  group: 'A',
                  mode: 'none',
                },
                thresholdsStyle: {
                  mode: 'off',
                },
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 8,
            w: 8,
            x: 16,
            y: 45,
          },
          id: 15,
          options: {
            legend: {
              calcs: ['lastNotNull', 'max'],
              displayMode: 'table',
              placement: 'right',
              showLegend: true,
            },
            tooltip: {
              mode: 'multi',
              sort: 'desc',
            },
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'process_open_fds{job=~"$job"}',
              format: 'time_series',
              instant: false,
              legendFormat: '{{instance}}',
              range: true,
              refId: 'A',
            },
          ],
          title: 'Open file descriptors',
          type: 'timeseries',
        },
      ],
    }),
  },
}
