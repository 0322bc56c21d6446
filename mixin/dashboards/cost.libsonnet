// The cost and lifecycle dashboard: what the running Instances cost at list price and hold in
// vCPUs and memory, by project and zone; servers with a maintenance, in rescue, at end of
// service.
local common = import 'common.libsonnet';
local ds = common.datasource;

{
  grafanaDashboards+:: {
    'scaleway-cost.json': common.dashboard($._config, {
      name: 'cost',
      title: 'Cost and lifecycle',
      tag: 'cost',
      description: 'What the Instance fleet costs at list price, the vCPUs and memory it holds, by project and by zone; and the servers that need a look: a maintenance scheduled, booted in rescue, a commercial type at end of service.',
      variables: [common.variables.datasource, common.variables.job, common.variables.zone],
      panels: [
        {
          collapsed: false,
          datasource: ds,
          description: 'What the running Instance servers cost an hour and a month at the catalog list price, in total, by project and by zone.',
          gridPos: {
            h: 1,
            w: 24,
            x: 0,
            y: 0,
          },
          id: 1,
          panels: [],
          title: 'Cost (list price of running Instance servers)',
          type: 'row',
        },
        {
          datasource: ds,
          description: 'Formula: each running Instance server (scaleway_server_state{state="running"} == 1, joined to scaleway_server_info on job, instance, zone, server_id) times the hourly list price of its type, scaleway_instance_type_hourly_price_euros, joined on (zone, commercial_type); summed. max by (...) on each side counts a server or a type once when several exporters export it. List prices without taxes, commitments or discounts; volumes, IPs and other products are not included; a type whose price the catalog does not give (null) counts 0.',
          fieldConfig: {
            defaults: {
              unit: 'currencyEUR',
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                ],
              },
              decimals: 2,
            },
            overrides: [],
          },
          gridPos: {
            h: 5,
            w: 6,
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
              expr: |||
                sum(
                  max by (zone, server_id, project_id, commercial_type) (
                    scaleway_server_info{job=~"$job", zone=~"$zone"}
                    and on (job, instance, zone, server_id)
                    (scaleway_server_state{job=~"$job", zone=~"$zone", state="running"} == 1)
                  )
                  * on (zone, commercial_type) group_left ()
                  max by (zone, commercial_type) (scaleway_instance_type_hourly_price_euros{job=~"$job", zone=~"$zone"})
                )
              |||,
              format: 'time_series',
              instant: true,
              legendFormat: '€/hour',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Fleet cost per hour',
          type: 'stat',
        },
        {
          datasource: ds,
          description: 'Formula: each running Instance server (scaleway_server_state{state="running"} == 1, joined to scaleway_server_info on job, instance, zone, server_id) times the hourly list price of its type, scaleway_instance_type_hourly_price_euros, joined on (zone, commercial_type); summed, times 730. max by (...) on each side counts a server or a type once when several exporters export it. List prices without taxes, commitments or discounts; volumes, IPs and other products are not included; a type whose price the catalog does not give (null) counts 0. Per month is 730 × the hourly figure (Scaleway bills 730 hours a month at most).',
          fieldConfig: {
            defaults: {
              unit: 'currencyEUR',
              thresholds: {
                mode: 'absolute',
                steps: [
                  {
                    color: 'green',
                    value: null,
                  },
                ],
              },
              decimals: 0,
            },
            overrides: [],
          },
          gridPos: {
            h: 5,
            w: 6,
            x: 6,
            y: 1,
          },
          id: 3,
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
              expr: |||
                730 * sum(
                  max by (zone, server_id, project_id, commercial_type) (
                    scaleway_server_info{job=~"$job", zone=~"$zone"}
                    and on (job, instance, zone, server_id)
                    (scaleway_server_state{job=~"$job", zone=~"$zone", state="running"} == 1)
                  )
                  * on (zone, commercial_type) group_left ()
                  max by (zone, commercial_type) (scaleway_instance_type_hourly_price_euros{job=~"$job", zone=~"$zone"})
                )
              |||,
              format: 'time_series',
              instant: true,
              legendFormat: '€/month',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Fleet cost per month',
          type: 'stat',
        },
        {
          datasource: ds,
          description: 'Formula: each running Instance server (scaleway_server_state{state="running"} == 1, joined to scaleway_server_info on job, instance, zone, server_id) times the hourly list price of its type, scaleway_instance_type_hourly_price_euros, joined on (zone, commercial_type); summed by project. max by (...) on each side counts a server or a type once when several exporters export it. List prices without taxes, commitments or discounts; volumes, IPs and other products are not included; a type whose price the catalog does not give (null) counts 0. Per month is 730 × the hourly figure (Scaleway bills 730 hours a month at most). Project names come from scaleway_project_info, joined on project_id; a project the key may not read (no Account permission, or another organization) is shown by its project_id instead.',
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
                    value: '€/hour',
                  },
                  {
                    id: 'unit',
                    value: 'currencyEUR',
                  },
                  {
                    id: 'decimals',
                    value: 3,
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
                    value: '€/month',
                  },
                  {
                    id: 'unit',
                    value: 'currencyEUR',
                  },
                  {
                    id: 'decimals',
                    value: 0,
                  },
                ],
              },
            ],
          },
          gridPos: {
            h: 10,
            w: 12,
            x: 12,
            y: 1,
          },
          id: 4,
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
                displayName: '€/hour',
                desc: true,
              },
            ],
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: |||
                sum by (project_id, project_name) (
                  (
                    max by (zone, server_id, project_id, commercial_type) (
                      scaleway_server_info{job=~"$job", zone=~"$zone"}
                      and on (job, instance, zone, server_id)
                      (scaleway_server_state{job=~"$job", zone=~"$zone", state="running"} == 1)
                    )
                    * on (zone, commercial_type) group_left ()
                    max by (zone, commercial_type) (scaleway_instance_type_hourly_price_euros{job=~"$job", zone=~"$zone"})
                  )
                  * on (project_id) group_left (project_name)
                  topk by (project_id) (1, group by (project_id, project_name) (scaleway_project_info{job=~"$job"}))
                or on (zone, server_id)
                  label_join(
                    max by (zone, server_id, project_id, commercial_type) (
                      scaleway_server_info{job=~"$job", zone=~"$zone"}
                      and on (job, instance, zone, server_id)
                      (scaleway_server_state{job=~"$job", zone=~"$zone", state="running"} == 1)
                    )
                    * on (zone, commercial_type) group_left ()
                    max by (zone, commercial_type) (scaleway_instance_type_hourly_price_euros{job=~"$job", zone=~"$zone"}),
                    "project_name", "", "project_id"
                  )
                )
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
                730 * sum by (project_id, project_name) (
                  (
                    max by (zone, server_id, project_id, commercial_type) (
                      scaleway_server_info{job=~"$job", zone=~"$zone"}
                      and on (job, instance, zone, server_id)
                      (scaleway_server_state{job=~"$job", zone=~"$zone", state="running"} == 1)
                    )
                    * on (zone, commercial_type) group_left ()
                    max by (zone, commercial_type) (scaleway_instance_type_hourly_price_euros{job=~"$job", zone=~"$zone"})
                  )
                  * on (project_id) group_left (project_name)
                  topk by (project_id) (1, group by (project_id, project_name) (scaleway_project_info{job=~"$job"}))
                or on (zone, server_id)
                  label_join(
                    max by (zone, server_id, project_id, commercial_type) (
                      scaleway_server_info{job=~"$job", zone=~"$zone"}
                      and on (job, instance, zone, server_id)
                      (scaleway_server_state{job=~"$job", zone=~"$zone", state="running"} == 1)
                    )
                    * on (zone, commercial_type) group_left ()
                    max by (zone, commercial_type) (scaleway_instance_type_hourly_price_euros{job=~"$job", zone=~"$zone"}),
                    "project_name", "", "project_id"
                  )
                )
              |||,
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'B',
            },
          ],
          title: 'Cost by project',
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
                  project_name: 0,
                  'Value #A': 1,
                  'Value #B': 2,
                  project_id: 3,
                },
                renameByName: {
                  project_name: 'Project',
                  project_id: 'Project ID',
                },
              },
            },
          ],
        },
        {
          datasource: ds,
          description: 'Formula: each running Instance server (scaleway_server_state{state="running"} == 1, joined to scaleway_server_info on job, instance, zone, server_id) times the hourly list price of its type, scaleway_instance_type_hourly_price_euros, joined on (zone, commercial_type); summed by zone. max by (...) on each side counts a server or a type once when several exporters export it. List prices without taxes, commitments or discounts; volumes, IPs and other products are not included; a type whose price the catalog does not give (null) counts 0. Per month is 730 × the hourly figure (Scaleway bills 730 hours a month at most).',
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
                    value: '€/hour',
                  },
                  {
                    id: 'unit',
                    value: 'currencyEUR',
                  },
                  {
                    id: 'decimals',
                    value: 3,
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
                    value: '€/month',
                  },
                  {
                    id: 'unit',
                    value: 'currencyEUR',
                  },
                  {
                    id: 'decimals',
                    value: 0,
                  },
                ],
              },
            ],
          },
          gridPos: {
            h: 5,
            w: 12,
            x: 0,
            y: 6,
          },
          id: 5,
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
                displayName: '€/hour',
                desc: true,
              },
            ],
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: |||
                sum by (zone) (
                  max by (zone, server_id, project_id, commercial_type) (
                    scaleway_server_info{job=~"$job", zone=~"$zone"}
                    and on (job, instance, zone, server_id)
                    (scaleway_server_state{job=~"$job", zone=~"$zone", state="running"} == 1)
                  )
                  * on (zone, commercial_type) group_left ()
                  max by (zone, commercial_type) (scaleway_instance_type_hourly_price_euros{job=~"$job", zone=~"$zone"})
                )
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
                730 * sum by (zone) (
                  max by (zone, server_id, project_id, commercial_type) (
                    scaleway_server_info{job=~"$job", zone=~"$zone"}
                    and on (job, instance, zone, server_id)
                    (scaleway_server_state{job=~"$job", zone=~"$zone", state="running"} == 1)
                  )
                  * on (zone, commercial_type) group_left ()
                  max by (zone, commercial_type) (scaleway_instance_type_hourly_price_euros{job=~"$job", zone=~"$zone"})
                )
              |||,
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'B',
            },
          ],
          title: 'Cost by zone',
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
                  zone: 0,
                  'Value #A': 1,
                  'Value #B': 2,
                },
                renameByName: {
                  zone: 'Zone',
                },
              },
            },
          ],
        },
        {
          collapsed: false,
          datasource: ds,
          description: 'The vCPUs and memory the running Instance servers hold, by project, from the type catalog.',
          gridPos: {
            h: 1,
            w: 24,
            x: 0,
            y: 11,
          },
          id: 6,
          panels: [],
          title: 'Capacity (running Instance servers)',
          type: 'row',
        },
        {
          datasource: ds,
          description: 'vCPUs and memory of the running Instance servers, by project: each running server (scaleway_server_state{state="running"} == 1 joined to scaleway_server_info) times its type\'s scaleway_instance_type_cpus and scaleway_instance_type_memory_bytes, joined on (zone, commercial_type), summed by project. Project names come from scaleway_project_info, joined on project_id; a project the key may not read (no Account permission, or another organization) is shown by its project_id instead.',
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
                    value: 'vCPUs',
                  },
                  {
                    id: 'unit',
                    value: 'short',
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
                    value: 'Memory',
                  },
                  {
                    id: 'unit',
                    value: 'bytes',
                  },
                ],
              },
            ],
          },
          gridPos: {
            h: 8,
            w: 24,
            x: 0,
            y: 12,
          },
          id: 7,
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
                displayName: 'vCPUs',
                desc: true,
              },
            ],
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: |||
                sum by (project_id, project_name) (
                  (
                    max by (zone, server_id, project_id, commercial_type) (
                      scaleway_server_info{job=~"$job", zone=~"$zone"}
                      and on (job, instance, zone, server_id)
                      (scaleway_server_state{job=~"$job", zone=~"$zone", state="running"} == 1)
                    )
                    * on (zone, commercial_type) group_left ()
                    max by (zone, commercial_type) (scaleway_instance_type_cpus{job=~"$job", zone=~"$zone"})
                  )
                  * on (project_id) group_left (project_name)
                  topk by (project_id) (1, group by (project_id, project_name) (scaleway_project_info{job=~"$job"}))
                or on (zone, server_id)
                  label_join(
                    max by (zone, server_id, project_id, commercial_type) (
                      scaleway_server_info{job=~"$job", zone=~"$zone"}
                      and on (job, instance, zone, server_id)
                      (scaleway_server_state{job=~"$job", zone=~"$zone", state="running"} == 1)
                    )
                    * on (zone, commercial_type) group_left ()
                    max by (zone, commercial_type) (scaleway_instance_type_cpus{job=~"$job", zone=~"$zone"}),
                    "project_name", "", "project_id"
                  )
                )
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
                sum by (project_id, project_name) (
                  (
                    max by (zone, server_id, project_id, commercial_type) (
                      scaleway_server_info{job=~"$job", zone=~"$zone"}
                      and on (job, instance, zone, server_id)
                      (scaleway_server_state{job=~"$job", zone=~"$zone", state="running"} == 1)
                    )
                    * on (zone, commercial_type) group_left ()
                    max by (zone, commercial_type) (scaleway_instance_type_memory_bytes{job=~"$job", zone=~"$zone"})
                  )
                  * on (project_id) group_left (project_name)
                  topk by (project_id) (1, group by (project_id, project_name) (scaleway_project_info{job=~"$job"}))
                or on (zone, server_id)
                  label_join(
                    max by (zone, server_id, project_id, commercial_type) (
                      scaleway_server_info{job=~"$job", zone=~"$zone"}
                      and on (job, instance, zone, server_id)
                      (scaleway_server_state{job=~"$job", zone=~"$zone", state="running"} == 1)
                    )
                    * on (zone, commercial_type) group_left ()
                    max by (zone, commercial_type) (scaleway_instance_type_memory_bytes{job=~"$job", zone=~"$zone"}),
                    "project_name", "", "project_id"
                  )
                )
              |||,
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'B',
            },
          ],
          title: 'vCPUs and memory by project',
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
                  project_name: 0,
                  'Value #A': 1,
                  'Value #B': 2,
                  project_id: 3,
                },
                renameByName: {
                  project_name: 'Project',
                  project_id: 'Project ID',
                },
              },
            },
          ],
        },
        {
          collapsed: false,
          datasource: ds,
          description: 'Servers that need a look: a maintenance scheduled, booted in rescue, a commercial type at end of service.',
          gridPos: {
            h: 1,
            w: 24,
            x: 0,
            y: 20,
          },
          id: 8,
          panels: [],
          title: 'Lifecycle',
          type: 'row',
        },
        {
          datasource: ds,
          description: 'Every Instance server with a maintenance scheduled by Scaleway (scaleway_server_maintenance_info), its reason, and its start when the API gives one (scaleway_server_maintenance_start_timestamp_seconds; empty otherwise). The ScalewayServerMaintenanceScheduled alert tells of the same servers.',
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
                    value: 'Start',
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
            h: 8,
            w: 24,
            x: 0,
            y: 21,
          },
          id: 9,
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
                displayName: 'Start',
                desc: false,
              },
            ],
          },
          targets: [
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'scaleway_server_maintenance_info{job=~"$job", zone=~"$zone"}',
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'A',
            },
            {
              datasource: ds,
              editorMode: 'code',
              expr: 'scaleway_server_maintenance_start_timestamp_seconds{job=~"$job", zone=~"$zone"}',
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'B',
            },
          ],
          title: 'Servers with a scheduled maintenance',
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
                  'Value #A': true,
                },
                indexByName: {
                  name: 0,
                  zone: 1,
                  reason: 2,
                  'Value #B': 3,
                  server_id: 4,
                },
                renameByName: {
                  name: 'Name',
                  zone: 'Zone',
                  reason: 'Reason',
                  server_id: 'Server ID',
                },
              },
            },
          ],
        },
        {
          datasource: ds,
          description: 'Instance servers whose boot_type is rescue (scaleway_server_info{boot_type="rescue"}), with their current state: a server left in rescue mode does not run its own system.',
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
            y: 29,
          },
          id: 10,
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
                scaleway_server_info{job=~"$job", zone=~"$zone", boot_type="rescue"}
                * on (job, instance, zone, server_id) group_left (state)
                (scaleway_server_state{job=~"$job", zone=~"$zone"} == 1)
              |||,
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'A',
            },
          ],
          title: 'Servers booted in rescue',
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
                  arch: true,
                  boot_type: true,
                  image_name: true,
                  organization_id: true,
                },
                indexByName: {
                  name: 0,
                  zone: 1,
                  state: 2,
                  commercial_type: 3,
                  project_id: 4,
                  server_id: 5,
                },
                renameByName: {
                  name: 'Name',
                  zone: 'Zone',
                  state: 'State',
                  commercial_type: 'Type',
                  project_id: 'Project ID',
                  server_id: 'Server ID',
                },
              },
            },
          ],
        },
        {
          datasource: ds,
          description: 'Commercial types at end of service that servers still use, with how many servers per zone (scaleway_server_end_of_service == 1, joined to scaleway_server_info for the type). Scaleway will stop selling, then running, these types: plan the migration (runbook: Servers at end of service).',
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
            x: 12,
            y: 29,
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
                count by (zone, commercial_type) (
                  max by (zone, server_id, commercial_type) (
                    scaleway_server_info{job=~"$job", zone=~"$zone"}
                    and on (job, instance, zone, server_id)
                    (scaleway_server_end_of_service{job=~"$job", zone=~"$zone"} == 1)
                  )
                )
              |||,
              format: 'table',
              instant: true,
              legendFormat: '__auto',
              range: false,
              refId: 'A',
            },
          ],
          title: 'End-of-service types still in use',
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
                  commercial_type: 0,
                  zone: 1,
                  Value: 2,
                },
                renameByName: {
                  commercial_type: 'Type',
                  zone: 'Zone',
                  Value: 'Servers',
                },
              },
            },
          ],
        },
      ],
    }),
  },
}
