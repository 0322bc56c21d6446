// The fleet dashboard: servers of every product by zone and state, those not up, then the
// Instances in detail (states over time, capacity, inventory).
local common = import 'common.libsonnet';
local ds = common.datasource;

{
  grafanaDashboards+:: {
    'scaleway-fleet.json': common.dashboard($._config, {
      name: 'fleet',
      title: 'Fleet',
      tag: 'inventory',
      description: 'Scaleway servers of every product as seen by scaleway_exporter: counts by product, zone and state, servers not up, then the Instances in detail (states over time, capacity, inventory).',
      variables: [common.variables.datasource, common.variables.job, common.variables.product, common.variables.zone],
      panels: [
        {
          collapsed: false,
          datasource: ds,
          description: 'The fleet at a glance: how many servers, in which state, and how fresh the data is.',
          gridPos: {
            h: 1,
            w: 24,
            x: 0,
            y: 0,
          },
          id: 1,
          panels: [],
          title: 'Overview',
          type: 'row',
        },
        {
          datasource: ds,
          description: 'Instance servers listed by the Scaleway API in the selected zones, at the last successful poll of each zone. The other products are counted in the row below.',
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
            },
            overrides: [],
          },
          gridPos: {
            h: 5,
            w: 4,
            x: 0,
            y: 1,
          },
          id: 2,
          options: {
            colorMode: 'none',
            graphMode: 'none',
            justifyMode: 'auto',
            orientation: 'auto',
            reduceOptions: {
              calcs: ['lastNotNull'],
              fields: '',
              values: false,
            },
            showPercentChange: false,
            textMode: 'auto',
            wideLayout: true,
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'count(scaleway_server_info{job=~"$job", zone=~"$zone"})',
              format: 'time_series',
              instant: true,
              legendFormat: 'servers',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Instance servers',
          type: 'stat',
        },
        {
          datasource: ds,
          description: 'Servers in each state now. scaleway_server_state is 1 for the current state and 0 for the others, so the sum by state counts servers and keeps the states that have none (at 0), which a `== 1` filter would hide.',
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
            },
            overrides: [
              {
                matcher: {
                  id: 'byName',
                  options: 'running',
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
                  options: 'starting',
                },
                properties: [
                  {
                    id: 'color',
                    value: {
                      fixedColor: 'blue',
                      mode: 'fixed',
                    },
                  },
                ],
              },
              {
                matcher: {
                  id: 'byName',
                  options: 'stopping',
                },
                properties: [
                  {
                    id: 'color',
                    value: {
                      fixedColor: 'light-blue',
                      mode: 'fixed',
                    },
                  },
                ],
              },
              {
                matcher: {
                  id: 'byName',
                  options: 'stopped',
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
                  options: 'stopped in place',
                },
                properties: [
                  {
                    id: 'color',
                    value: {
                      fixedColor: 'yellow',
                      mode: 'fixed',
                    },
                  },
                ],
              },
              {
                matcher: {
                  id: 'byName',
                  options: 'locked',
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
                  options: 'unknown',
                },
                properties: [
                  {
                    id: 'color',
                    value: {
                      fixedColor: 'purple',
                      mode: 'fixed',
                    },
                  },
                ],
              },
            ],
          },
          gridPos: {
            h: 5,
            w: 14,
            x: 4,
            y: 1,
          },
          id: 3,
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
              expr: 'sum by (state) (scaleway_server_state{job=~"$job", zone=~"$zone"})',
              format: 'time_series',
              instant: true,
              legendFormat: '{{state}}',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Instance servers by state',
          type: 'stat',
        },
        {
          datasource: ds,
          description: 'Age of the oldest data on the dashboards: the longest time since the last successful poll, over the selected products and zones. Each series is cached from its product and zone\'s last good poll, so this is how stale the worst of them may be. A zone that has never been polled successfully reads "no successful poll" (its last success is 0).',
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
                    color: 'orange',
                    value: 600,
                  },
                  {
                    color: 'red',
                    value: 900,
                  },
                ],
              },
              mappings: [
                {
                  type: 'range',
                  options: {
                    from: 1000000000,
                    to: 10000000000000,
                    result: {
                      text: 'no successful poll',
                      color: 'red',
                      index: 0,
                    },
                  },
                },
              ],
            },
            overrides: [],
          },
          gridPos: {
            h: 5,
            w: 6,
            x: 18,
            y: 1,
          },
          id: 4,
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
            textMode: 'auto',
            wideLayout: true,
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'max(time() - scaleway_exporter_last_success_timestamp_seconds{job=~"$job", zone=~"$zone", product=~"$product"})',
              format: 'time_series',
              instant: true,
              legendFormat: 'age',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Oldest data',
          type: 'stat',
        },
        {
          collapsed: false,
          datasource: ds,
          description: 'Servers of every product (Instances, Elastic Metal, Apple silicon, Dedibox) by product, zone and state, and the ones not up.',
          gridPos: {
            h: 1,
            w: 24,
            x: 0,
            y: 6,
          },
          id: 20,
          panels: [],
          title: 'Every product',
          type: 'row',
        },
        {
          datasource: ds,
          description: "Servers of each product (Instances, Elastic Metal, Apple silicon, Dedibox) in the selected zones, from each product's _info family, limited to the products of the product variable. A product the exporter leaves out (no permission) has no servers here: see its scaleway_exporter_product_enabled on the exporter dashboard.",
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
            },
            overrides: [],
          },
          gridPos: {
            h: 9,
            w: 6,
            x: 0,
            y: 7,
          },
          id: 21,
          options: {
            colorMode: 'none',
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
              expr: |||
                count by (product) (
                    label_replace(scaleway_server_info{job=~"$job", zone=~"$zone"}, "product", "instance", "", "")
                  or label_replace(scaleway_elastic_metal_server_info{job=~"$job", zone=~"$zone"}, "product", "elastic-metal", "", "")
                  or label_replace(scaleway_apple_silicon_server_info{job=~"$job", zone=~"$zone"}, "product", "apple-silicon", "", "")
                  or label_replace(scaleway_dedibox_server_info{job=~"$job", zone=~"$zone"}, "product", "dedibox", "", "")
                )
                and on (product) scaleway_exporter_product_enabled{job=~"$job", product=~"$product"}
              |||,
              format: 'time_series',
              instant: true,
              legendFormat: '{{product}}',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Servers by product',
          type: 'stat',
        },
        {
          datasource: ds,
          description: 'Servers of every product counted by product, zone and current state. The state families differ per product (Instances: running, stopped...; the others: ready, stopped, delivering...), so each is relabelled with its product and the four are joined with `or`; each family is 1 for the current state, so `== 1` keeps one series per server.',
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
                filterable: true,
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 9,
            w: 18,
            x: 6,
            y: 7,
          },
          id: 22,
          options: {
            cellHeight: 'sm',
            footer: {
              show: false,
              reducer: ['sum'],
              fields: '',
            },
            showHeader: true,
            sortBy: [
              {
                displayName: 'Servers',
                desc: true,
              },
            ],
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: |||
                count by (product, zone, state) (
                    label_replace(scaleway_server_state{job=~"$job", zone=~"$zone"} == 1, "product", "instance", "", "")
                  or label_replace(scaleway_elastic_metal_server_state{job=~"$job", zone=~"$zone"} == 1, "product", "elastic-metal", "", "")
                  or label_replace(scaleway_apple_silicon_server_state{job=~"$job", zone=~"$zone"} == 1, "product", "apple-silicon", "", "")
                  or label_replace(scaleway_dedibox_server_state{job=~"$job", zone=~"$zone"} == 1, "product", "dedibox", "", "")
                )
                and on (product) scaleway_exporter_product_enabled{job=~"$job", product=~"$product"}
              |||,
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Servers by product, zone and state',
          type: 'table',
          transformations: [
            {
              id: 'organize',
              options: {
                excludeByName: {
                  Time: true,
                  __name__: true,
                  job: true,
                  instance: true,
                },
                indexByName: {
                  product: 0,
                  zone: 1,
                  state: 2,
                  Value: 3,
                },
                renameByName: {
                  product: 'Product',
                  zone: 'Zone',
                  state: 'State',
                  Value: 'Servers',
                },
              },
            },
          ],
        },
        {
          datasource: ds,
          description: "Every server whose current state is not its product's up state: not `running` for an Instance, not `ready` for Elastic Metal, Apple silicon and Dedibox (the states the alerts ScalewayServerNotRunning, ScalewayElasticMetalServerNotReady, ScalewayAppleSiliconServerNotReady and ScalewayDediboxServerNotReady watch). Servers tagged alerting=off are listed too.",
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
                filterable: true,
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 9,
            w: 24,
            x: 0,
            y: 16,
          },
          id: 23,
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
              expr: |||
                (
                    label_replace(scaleway_server_state{job=~"$job", zone=~"$zone", state!="running"} == 1, "product", "instance", "", "")
                  or label_replace(scaleway_elastic_metal_server_state{job=~"$job", zone=~"$zone", state!="ready"} == 1, "product", "elastic-metal", "", "")
                  or label_replace(scaleway_apple_silicon_server_state{job=~"$job", zone=~"$zone", state!="ready"} == 1, "product", "apple-silicon", "", "")
                  or label_replace(scaleway_dedibox_server_state{job=~"$job", zone=~"$zone", state!="ready"} == 1, "product", "dedibox", "", "")
                )
                and on (product) scaleway_exporter_product_enabled{job=~"$job", product=~"$product"}
              |||,
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Servers not up, every product',
          type: 'table',
          transformations: [
            {
              id: 'organize',
              options: {
                excludeByName: {
                  Time: true,
                  __name__: true,
                  job: true,
                  instance: true,
                  Value: true,
                },
                indexByName: {
                  product: 0,
                  name: 1,
                  zone: 2,
                  state: 3,
                  server_id: 4,
                },
                renameByName: {
                  product: 'Product',
                  name: 'Name',
                  zone: 'Zone',
                  state: 'State',
                  server_id: 'Server ID',
                },
              },
            },
          ],
        },
        {
          collapsed: false,
          datasource: ds,
          description: "Servers whose state is anything but running, and the history of every server's state.",
          gridPos: {
            h: 1,
            w: 24,
            x: 0,
            y: 25,
          },
          id: 5,
          panels: [],
          title: 'Instance servers not running',
          type: 'row',
        },
        {
          datasource: ds,
          description: 'Every server whose current state is not running, with its last modification time from the API. A state change modifies the server, so this is when it left running unless it was renamed or retagged since. Servers tagged alerting=off are listed too: they are exempt from alerts, not from this table.',
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
                filterable: true,
              },
            },
            overrides: [
              {
                matcher: {
                  id: 'byName',
                  options: 'Value #A',
                },
                properties: [
                  {
                    id: 'displayName',
                    value: 'Last modified',
                  },
                  {
                    id: 'unit',
                    value: 'dateTimeAsIso',
                  },
                ],
              },
              {
                matcher: {
                  id: 'byName',
                  options: 'Value #B',
                },
                properties: [
                  {
                    id: 'displayName',
                    value: 'Since',
                  },
                  {
                    id: 'unit',
                    value: 'dateTimeFromNow',
                  },
                ],
              },
              {
                matcher: {
                  id: 'byName',
                  options: 'state',
                },
                properties: [
                  {
                    id: 'displayName',
                    value: 'State',
                  },
                  {
                    id: 'custom.cellOptions',
                    value: {
                      type: 'color-text',
                    },
                  },
                  {
                    id: 'mappings',
                    value: [
                      {
                        type: 'value',
                        options: {
                          running: {
                            color: 'green',
                            index: 0,
                          },
                          starting: {
                            color: 'blue',
                            index: 1,
                          },
                          stopping: {
                            color: 'light-blue',
                            index: 2,
                          },
                          stopped: {
                            color: 'orange',
                            index: 3,
                          },
                          'stopped in place': {
                            color: 'yellow',
                            index: 4,
                          },
                          locked: {
                            color: 'red',
                            index: 5,
                          },
                          unknown: {
                            color: 'purple',
                            index: 6,
                          },
                        },
                      },
                    ],
                  },
                ],
              },
            ],
          },
          gridPos: {
            h: 8,
            w: 24,
            x: 0,
            y: 26,
          },
          id: 6,
          options: {
            cellHeight: 'sm',
            footer: {
              show: false,
              reducer: ['sum'],
              fields: '',
            },
            showHeader: true,
            sortBy: [
              {
                displayName: 'Last modified',
                desc: false,
              },
            ],
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: |||
                scaleway_server_modified_timestamp_seconds{job=~"$job", zone=~"$zone"}
                  * on (job, instance, zone, server_id) group_left (state)
                  (scaleway_server_state{job=~"$job", zone=~"$zone", state!="running"} == 1)
              |||,
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'A',
            },
            {
              datasource: ds,
              editorMode: 'code',
              expr: |||
                scaleway_server_modified_timestamp_seconds{job=~"$job", zone=~"$zone"}
                  * on (job, instance, zone, server_id) group_left (state)
                  (scaleway_server_state{job=~"$job", zone=~"$zone", state!="running"} == 1)
              |||,
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'B',
            },
          ],
          title: 'Instance servers not running',
          type: 'table',
          transformations: [
            {
              id: 'merge',
              options: {},
            },
            {
              id: 'organize',
              options: {
                excludeByName: {
                  Time: true,
                  __name__: true,
                  job: true,
                  instance: true,
                },
                indexByName: {
                  name: 0,
                  zone: 1,
                  state: 2,
                  'Value #A': 3,
                  'Value #B': 4,
                  server_id: 5,
                },
                renameByName: {
                  name: 'Name',
                  zone: 'Zone',
                  server_id: 'Server ID',
                },
              },
            },
          ],
        },
        {
          datasource: ds,
          description: "Each server's state over the time range, one row per server (zone/name). The query turns the state into a number (0 running ... 6 unknown) that the value mappings name and colour. For a large fleet, pick fewer zones.",
          fieldConfig: {
            defaults: {
              mappings: [
                {
                  type: 'value',
                  options: {
                    '0': {
                      color: 'green',
                      index: 0,
                      text: 'running',
                    },
                    '1': {
                      color: 'blue',
                      index: 1,
                      text: 'starting',
                    },
                    '2': {
                      color: 'light-blue',
                      index: 2,
                      text: 'stopping',
                    },
                    '3': {
                      color: 'orange',
                      index: 3,
                      text: 'stopped',
                    },
                    '4': {
                      color: 'yellow',
                      index: 4,
                      text: 'stopped in place',
                    },
                    '5': {
                      color: 'red',
                      index: 5,
                      text: 'locked',
                    },
                    '6': {
                      color: 'purple',
                      index: 6,
                      text: 'unknown',
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
            h: 10,
            w: 24,
            x: 0,
            y: 34,
          },
          id: 7,
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
              expr: |||
                max by (zone, server_id, name) (
                  (scaleway_server_state{job=~"$job", zone=~"$zone"} == 1)
                  * on (state) group_left ()
                  (
                       label_replace(vector(0), "state", "running", "", "")
                    or label_replace(vector(1), "state", "starting", "", "")
                    or label_replace(vector(2), "state", "stopping", "", "")
                    or label_replace(vector(3), "state", "stopped", "", "")
                    or label_replace(vector(4), "state", "stopped in place", "", "")
                    or label_replace(vector(5), "state", "locked", "", "")
                    or label_replace(vector(6), "state", "unknown", "", "")
                  )
                )
              |||,
              format: 'time_series',
              instant: false,
              legendFormat: '{{zone}}/{{name}}',
              range: true,
              refId: 'A',
            },
          ],
          title: 'Server state over time',
          type: 'state-timeline',
        },
        {
          datasource: ds,
          description: "Number of servers in each state over the time range (stacked): the fleet's size and how much of it runs.",
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
                  options: 'running',
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
                  options: 'starting',
                },
                properties: [
                  {
                    id: 'color',
                    value: {
                      fixedColor: 'blue',
                      mode: 'fixed',
                    },
                  },
                ],
              },
              {
                matcher: {
                  id: 'byName',
                  options: 'stopping',
                },
                properties: [
                  {
                    id: 'color',
                    value: {
                      fixedColor: 'light-blue',
                      mode: 'fixed',
                    },
                  },
                ],
              },
              {
                matcher: {
                  id: 'byName',
                  options: 'stopped',
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
                  options: 'stopped in place',
                },
                properties: [
                  {
                    id: 'color',
                    value: {
                      fixedColor: 'yellow',
                      mode: 'fixed',
                    },
                  },
                ],
              },
              {
                matcher: {
                  id: 'byName',
                  options: 'locked',
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
                  options: 'unknown',
                },
                properties: [
                  {
                    id: 'color',
                    value: {
                      fixedColor: 'purple',
                      mode: 'fixed',
                    },
                  },
                ],
              },
            ],
          },
          gridPos: {
            h: 8,
            w: 24,
            x: 0,
            y: 44,
          },
          id: 8,
          options: {
            legend: {
              calcs: ['lastNotNull'],
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
              expr: 'sum by (state) (scaleway_server_state{job=~"$job", zone=~"$zone"})',
              format: 'time_series',
              instant: false,
              legendFormat: '{{state}}',
              range: true,
              refId: 'A',
            },
          ],
          title: 'Servers by state over time',
          type: 'timeseries',
        },
        {
          collapsed: false,
          datasource: ds,
          description: 'Where the servers are, what they are, and the storage they hold.',
          gridPos: {
            h: 1,
            w: 24,
            x: 0,
            y: 52,
          },
          id: 9,
          panels: [],
          title: 'Capacity',
          type: 'row',
        },
        {
          datasource: ds,
          description: 'Servers in each zone, from scaleway_server_info.',
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
                mode: 'continuous-BlPu',
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 8,
            w: 8,
            x: 0,
            y: 53,
          },
          id: 10,
          options: {
            displayMode: 'basic',
            maxVizHeight: 300,
            minVizHeight: 16,
            minVizWidth: 8,
            namePlacement: 'left',
            orientation: 'horizontal',
            reduceOptions: {
              calcs: ['lastNotNull'],
              fields: '',
              values: false,
            },
            showUnfilled: true,
            sizing: 'auto',
            valueMode: 'color',
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'count by (zone) (scaleway_server_info{job=~"$job", zone=~"$zone"})',
              format: 'time_series',
              instant: true,
              legendFormat: '{{zone}}',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Servers by zone',
          type: 'bargauge',
        },
        {
          datasource: ds,
          description: 'Servers of each commercial type (DEV1-S, GP1-M, ...), from scaleway_server_info.',
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
                mode: 'continuous-BlPu',
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 8,
            w: 8,
            x: 8,
            y: 53,
          },
          id: 11,
          options: {
            displayMode: 'basic',
            maxVizHeight: 300,
            minVizHeight: 16,
            minVizWidth: 8,
            namePlacement: 'left',
            orientation: 'horizontal',
            reduceOptions: {
              calcs: ['lastNotNull'],
              fields: '',
              values: false,
            },
            showUnfilled: true,
            sizing: 'auto',
            valueMode: 'color',
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'count by (commercial_type) (scaleway_server_info{job=~"$job", zone=~"$zone"})',
              format: 'time_series',
              instant: true,
              legendFormat: '{{commercial_type}}',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Servers by commercial type',
          type: 'bargauge',
        },
        {
          datasource: ds,
          description: 'Provisioned size of the volumes attached to servers, by volume type and zone. Scaleway sizes volumes in decimal units (20 GB = 20,000,000,000 bytes), hence SI units. Volumes whose size the API did not give (no series) are not counted.',
          fieldConfig: {
            defaults: {
              unit: 'decbytes',
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
                mode: 'continuous-BlPu',
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 8,
            w: 8,
            x: 16,
            y: 53,
          },
          id: 12,
          options: {
            displayMode: 'basic',
            maxVizHeight: 300,
            minVizHeight: 16,
            minVizWidth: 8,
            namePlacement: 'left',
            orientation: 'horizontal',
            reduceOptions: {
              calcs: ['lastNotNull'],
              fields: '',
              values: false,
            },
            showUnfilled: true,
            sizing: 'auto',
            valueMode: 'color',
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'sum by (volume_type, zone) (scaleway_server_volume_size_bytes{job=~"$job", zone=~"$zone"})',
              format: 'time_series',
              instant: true,
              legendFormat: '{{zone}} {{volume_type}}',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Volume capacity by type and zone',
          type: 'bargauge',
        },
        {
          datasource: ds,
          description: 'Number of servers carrying each tag. Tags are free strings (env=prod, team:web, alerting=off); alerting=off exempts a server from the server alerts.',
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
                filterable: true,
              },
            },
            overrides: [],
          },
          gridPos: {
            h: 8,
            w: 12,
            x: 0,
            y: 61,
          },
          id: 13,
          options: {
            cellHeight: 'sm',
            footer: {
              show: false,
              reducer: ['sum'],
              fields: '',
            },
            showHeader: true,
            sortBy: [
              {
                displayName: 'Servers',
                desc: true,
              },
            ],
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'count by (tag) (scaleway_server_tag_info{job=~"$job", zone=~"$zone"})',
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Servers per tag',
          type: 'table',
          transformations: [
            {
              id: 'organize',
              options: {
                excludeByName: {
                  Time: true,
                },
                indexByName: {
                  tag: 0,
                  Value: 1,
                },
                renameByName: {
                  tag: 'Tag',
                  Value: 'Servers',
                },
              },
            },
          ],
        },
        {
          datasource: ds,
          description: 'Total provisioned volume size by volume type over the time range.',
          fieldConfig: {
            defaults: {
              unit: 'decbytes',
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
            overrides: [],
          },
          gridPos: {
            h: 8,
            w: 12,
            x: 12,
            y: 61,
          },
          id: 14,
          options: {
            legend: {
              calcs: ['lastNotNull'],
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
              expr: 'sum by (volume_type) (scaleway_server_volume_size_bytes{job=~"$job", zone=~"$zone"})',
              format: 'time_series',
              instant: false,
              legendFormat: '{{volume_type}}',
              range: true,
              refId: 'A',
            },
          ],
          title: 'Volume capacity over time',
          type: 'timeseries',
        },
        {
          collapsed: true,
          datasource: ds,
          description: 'Every server and every address, as tables (collapsed: opened on demand).',
          gridPos: {
            h: 1,
            w: 24,
            x: 0,
            y: 69,
          },
          id: 15,
          panels: [
            {
              datasource: ds,
              description: 'Every server with its type, image, project and creation date: scaleway_server_info joined with scaleway_server_created_timestamp_seconds (two instant queries merged on their common labels).',
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
                    filterable: true,
                  },
                },
                overrides: [
                  {
                    matcher: {
                      id: 'byName',
                      options: 'Value #B',
                    },
                    properties: [
                      {
                        id: 'displayName',
                        value: 'Created',
                      },
                      {
                        id: 'unit',
                        value: 'dateTimeAsIso',
                      },
                    ],
                  },
                ],
              },
              gridPos: {
                h: 12,
                w: 24,
                x: 0,
                y: 70,
              },
              id: 16,
              options: {
                cellHeight: 'sm',
                footer: {
                  show: false,
                  reducer: ['sum'],
                  fields: '',
                },
                showHeader: true,
                sortBy: [
                  {
                    displayName: 'Name',
                    desc: false,
                  },
                ],
              },
              targets: [
                {
                  datasource: ds,
                  editorMode: 'code',
                  expr: 'scaleway_server_info{job=~"$job", zone=~"$zone"}',
                  format: 'table',
                  instant: true,
                  legendFormat: '__auto',
                  range: false,
                  refId: 'A',
                },
                {
                  datasource: ds,
                  editorMode: 'code',
                  expr: 'max by (job, instance, zone, server_id, name) (scaleway_server_created_timestamp_seconds{job=~"$job", zone=~"$zone"})',
                  format: 'table',
                  instant: true,
                  legendFormat: '__auto',
                  range: false,
                  refId: 'B',
                },
              ],
              title: 'Inventory',
              type: 'table',
              transformations: [
                {
                  id: 'merge',
                  options: {},
                },
                {
                  id: 'organize',
                  options: {
                    excludeByName: {
                      Time: true,
                      Value: true,
                      'Value #A': true,
                      __name__: true,
                      job: true,
                      instance: true,
                    },
                    indexByName: {
                      name: 0,
                      zone: 1,
                      commercial_type: 2,
                      arch: 3,
                      image_name: 4,
                      'Value #B': 5,
                      server_id: 6,
                      project_id: 7,
                      organization_id: 8,
                    },
                    renameByName: {
                      name: 'Name',
                      zone: 'Zone',
                      commercial_type: 'Type',
                      arch: 'Arch',
                      image_name: 'Image',
                      server_id: 'Server ID',
                      project_id: 'Project ID',
                      organization_id: 'Organization ID',
                    },
                  },
                },
              ],
            },
            {
              datasource: ds,
              description: 'Every IP address of every server, public and private, IPv4 (inet) and IPv6 (inet6).',
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
                    filterable: true,
                  },
                },
                overrides: [],
              },
              gridPos: {
                h: 10,
                w: 24,
                x: 0,
                y: 82,
              },
              id: 17,
              options: {
                cellHeight: 'sm',
                footer: {
                  show: false,
                  reducer: ['sum'],
                  fields: '',
                },
                showHeader: true,
                sortBy: [
                  {
                    displayName: 'Name',
                    desc: false,
                  },
                ],
              },
              targets: [
                {
                  datasource: ds,
                  editorMode: 'code',
                  expr: 'scaleway_server_ip_info{job=~"$job", zone=~"$zone"}',
                  format: 'table',
                  instant: true,
                  legendFormat: '__auto',
                  range: false,
                  refId: 'A',
                },
              ],
              title: 'IP addresses',
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
                      instance: true,
                    },
                    indexByName: {
                      name: 0,
                      zone: 1,
                      address: 2,
                      family: 3,
                      scope: 4,
                      server_id: 5,
                    },
                    renameByName: {
                      name: 'Name',
                      zone: 'Zone',
                      address: 'Address',
                      family: 'Family',
                      scope: 'Scope',
                      server_id: 'Server ID',
                    },
                  },
                },
              ],
            },
          ],
          title: 'Inventory',
          type: 'row',
        },
      ],
    }),
  },
}
