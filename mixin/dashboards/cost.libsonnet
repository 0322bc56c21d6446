// The cost and lifecycle dashboard: what the fleet costs at list price, every product, by
// product, project and zone; what it leaves behind and still pays for; the bill of the month
// beside the estimate; the vCPUs and memory of the running Instances; servers with a
// maintenance, in rescue, at end of service. The formulas are in cost_queries.libsonnet.
local common = import 'common.libsonnet';
local q = import 'cost_queries.libsonnet';
local panels = import 'panels.libsonnet';

local sel = 'job=~"$job", zone=~"$zone"';
local label = panels.label;
local value = panels.value;
local perMonth(expr) = '%d * %s' % [q.hoursPerMonth, expr];
local sum(by, expr) = q.call(if by == '' then 'sum' else 'sum by (%s) ' % by, [expr]);

// How the estimate is made, said once and quoted by every panel that shows it.
local estimate = 'Estimated at list price, in euros, before taxes, commitments and discounts, from the prices the Scaleway APIs publish (in EUR): running Instance servers at their type\'s catalog price (scaleway_instance_type_hourly_price_euros); Elastic Metal servers from delivery on, whatever their power state, at their offer\'s price by the period they are billed by (scaleway_elastic_metal_server_subscription_info: the hourly offer price, or the monthly one / 730); Dedibox servers but those being delivered at their offer\'s monthly price / 730; every Block Storage volume, attached or not, at its size in GB (10^9 bytes) × its type\'s price per GB-hour (an attached volume is counted once, never again as its server\'s volume); Block snapshots at their size × the snapshot price per GB-hour of their volume\'s type (the zone\'s, for a snapshot whose volume is gone). Per month is 730 × per hour (Scaleway counts 730 hours in a month). No API publishes a price for Apple silicon servers, IPs, Instance volumes (b_ssd, l_ssd) or Instance snapshots: they are not in the estimate, and "Left out of the estimate" counts them. max by (...) counts a series once when several exporters export it.';
local projectNames = 'Project names come from scaleway_project_info, read for the organizations the servers belong to; a project the key may not read (no Account permission, another organization) or of an organization with no server (one left with volumes, IPs or snapshots only) is shown by its project_id.';

// Columns of the cost tables: € an hour (query A), € a month (query B).
local costColumns(expr) = [
  value('A', expr, '€/hour', 'currencyEUR', 3),
  value('B', perMonth(q.paren(expr)), '€/month', 'currencyEUR', 0),
];
local projectCost(expr) = q.named(sum('project_id', expr), 'project_id');

local costRow = [
  panels.row(1, 0, 'Estimated cost (list prices, every product)', 'What the fleet costs an hour and a month at the prices the Scaleway APIs publish, in total, by project, product and zone, and what no published price covers.'),
  panels.stat(2, 'Estimated cost per hour', 'Every product, in total. ' + estimate, { h: 5, w: 6, x: 0, y: 1 }, sum('', q.all), 'currencyEUR', 2, '€/hour'),
  panels.stat(3, 'Estimated cost per month', 'Every product, in total, × 730. ' + estimate, { h: 5, w: 6, x: 6, y: 1 }, perMonth(sum('', q.all)), 'currencyEUR', 0, '€/month'),
  panels.table(
    4,
    'Cost by project',
    'Every product, summed by project. ' + estimate + ' ' + projectNames,
    { h: 16, w: 12, x: 12, y: 1 },
    [label('project_name', 'Project')] + costColumns(projectCost(q.all)) + [label('project_id', 'Project ID')],
    sortBy='€/hour',
  ),
  panels.table(
    12,
    'Cost by product',
    'Summed by product. ' + estimate,
    { h: 6, w: 12, x: 0, y: 6 },
    [label('product', 'Product')] + costColumns(sum('product', q.all)),
    sortBy='€/hour',
  ),
  panels.table(
    5,
    'Cost by zone',
    'Every product, summed by zone. ' + estimate,
    { h: 5, w: 12, x: 0, y: 12 },
    [label('zone', 'Zone')] + costColumns(sum('zone', q.all)),
    sortBy='€/hour',
  ),
  panels.table(
    13,
    'Left out of the estimate',
    'What the estimate does not count, because no price covers it: Apple silicon servers, IPs, Instance volumes and snapshots (no Scaleway API publishes their price), and the servers, volumes and snapshots whose price the exporter could not read (a type the catalog gives no price, an offer or volume type whose price list failed, a volume of unknown size). Counted, not priced: the bill (below) holds what they cost.',
    { h: 7, w: 24, x: 0, y: 17 },
    [label('what', 'Not in the estimate'), value('A', q.unpriced, 'How many')],
    sortBy='How many',
  ),
];

// The leftovers, each with the columns of its own table.
local unattachedVolumes = 'max by (zone, volume_id, name, type, project_id) (scaleway_volume_info{%s, attached="false"})\n' % sel;
local snapshots = 'max by (zone, snapshot_id, name, type, status, project_id, volume_id) (scaleway_snapshot_info{%s})\n' % sel;
local unattachedIps = 'max by (zone, ip_id, address, family, type, product, project_id) (scaleway_ip_info{%s, attached="false"})\n' % sel;
// The value `expr` (one series per `key`) on each of `items` (named, with their labels).
local each(items, key, expr) = q.named(items, key) + q.many(key, q.paren(expr));
local monthlyOf(key, hourly) = perMonth(q.call('max by (%s) ' % key, [hourly]));

local leftoversRow = [
  panels.row(20, 24, 'Left behind', 'What no server uses and is still billed: volumes attached to no server, IPs pointing at none, snapshots. The ScalewayVolumeUnattached, ScalewayFlexibleIpUnattached and ScalewaySnapshotOld alerts tell of the ones left for long.'),
  panels.stat(
    21,
    'Unattached volumes per month',
    'Block Storage volumes attached to no server (scaleway_volume_info{attached="false"}): size in GB (10^9 bytes) × their type\'s price per GB-hour (scaleway_block_volume_type_price_per_gigabyte_hour) × 730, summed. Instance volumes no server holds (b_ssd, l_ssd) have no published price and are not counted: the table below lists them.',
    { h: 4, w: 8, x: 0, y: 25 },
    perMonth(sum('', q.join(q.paren(q.hourly.blockVolumes), 'and on (zone, volume_id)', unattachedVolumes))),
    'currencyEUR',
    0,
    '€/month',
  ),
  panels.stat(
    22,
    'Snapshots per month',
    "Every snapshot: size in GB × the snapshot price per GB-hour of its volume's type (scaleway_block_snapshot_price_per_gigabyte_hour; the zone's, for a snapshot whose volume is gone) × 730, summed. Instance snapshots have no published price and are not counted: the table below lists them.",
    { h: 4, w: 8, x: 8, y: 25 },
    perMonth(sum('', q.hourly.blockSnapshots)),
    'currencyEUR',
    0,
    '€/month',
  ),
  panels.stat(
    23,
    'IPs pointing at no server',
    'IPs (Instance flexible IPs and Elastic Metal flexible IPs) that point at no server (scaleway_ip_info{attached="false"}). No API publishes an IP\'s price, so they are counted, not priced.',
    { h: 4, w: 8, x: 16, y: 25 },
    q.call('count', [unattachedIps]),
    'short',
    0,
    'IPs',
  ),
  panels.table(
    24,
    'Unattached volumes',
    'Every volume attached to no server (scaleway_volume_info{attached="false"}): Block Storage volumes, and Instance volumes no server holds. Age: since its last detach (scaleway_volume_detached_timestamp_seconds), or since its creation when it was never detached, and for every Instance volume (its API gives no detach date). €/month: size in GB (10^9 bytes) × the price per GB-hour of its type × 730; empty for Instance volumes (b_ssd, l_ssd), which have no published price. ' + projectNames,
    { h: 8, w: 24, x: 0, y: 29 },
    [
      label('name', 'Name'),
      label('zone', 'Zone'),
      label('type', 'Type'),
      label('project_name', 'Project'),
      value('A', each(unattachedVolumes, 'zone, volume_id', 'max by (zone, volume_id) (scaleway_volume_size_bytes{%s})\n' % sel), 'Size', 'decbytes', 1),
      value('B', each(unattachedVolumes, 'zone, volume_id', 'time() - ' + q.paren(q.join('max by (zone, volume_id) (scaleway_volume_detached_timestamp_seconds{%s})\n' % sel, 'or', 'max by (zone, volume_id) (scaleway_volume_created_timestamp_seconds{%s})\n' % sel))), 'Unattached for', 's', 0),
      value('C', each(unattachedVolumes, 'zone, volume_id', monthlyOf('zone, volume_id', q.hourly.blockVolumes)), '€/month', 'currencyEUR', 2),
      label('volume_id', 'Volume ID'),
      label('project_id', 'Project ID'),
    ],
    sortBy='€/month',
  ),
  panels.table(
    25,
    'Snapshots',
    "Every snapshot, of Block Storage and of Instances (scaleway_snapshot_info), with its age since its creation and what it costs a month: size in GB × the snapshot price per GB-hour of its volume's type × 730 (for a Block snapshot whose volume is gone, type sbs, the zone's snapshot price); empty for Instance snapshots, which have no published price. A snapshot in_use is one an Instance image is made of. " + projectNames,
    { h: 8, w: 24, x: 0, y: 37 },
    [
      label('name', 'Name'),
      label('zone', 'Zone'),
      label('type', 'Type'),
      label('status', 'Status'),
      label('project_name', 'Project'),
      value('A', each(snapshots, 'zone, snapshot_id', 'max by (zone, snapshot_id) (scaleway_snapshot_size_bytes{%s})\n' % sel), 'Size', 'decbytes', 1),
      value('B', each(snapshots, 'zone, snapshot_id', 'time() - max by (zone, snapshot_id) (scaleway_snapshot_created_timestamp_seconds{%s})\n' % sel), 'Age', 's', 0),
      value('C', each(snapshots, 'zone, snapshot_id', monthlyOf('zone, snapshot_id', q.hourly.blockSnapshots)), '€/month', 'currencyEUR', 2),
      label('volume_id', 'Volume ID'),
      label('snapshot_id', 'Snapshot ID'),
      label('project_id', 'Project ID'),
    ],
    sortBy='€/month',
  ),
  panels.table(
    26,
    'Unattached IPs',
    'Every IP that points at no server (scaleway_ip_info{attached="false"}): Instance flexible IPs and Elastic Metal flexible IPs (product). No age: the API gives IPs no date (ScalewayFlexibleIpUnattached measures it as Prometheus sees it). No cost: no API publishes an IP\'s price. ' + projectNames,
    { h: 8, w: 24, x: 0, y: 45 },
    [
      label('address', 'Address'),
      label('zone', 'Zone'),
      label('product', 'Product'),
      label('type', 'Type'),
      label('family', 'Family'),
      label('project_name', 'Project'),
      label('ip_id', 'IP ID'),
      label('project_id', 'Project ID'),
      value('A', q.named(unattachedIps, 'zone, ip_id'), hidden=true),
    ],
    sortBy='Project',
    ascending=true,
  ),
];

// The bill of this month (no zone), and the estimate of the month so far.
local billed = sum('project_id', 'max by (project_id, category) (scaleway_billing_consumption_euros{job=~"$job"})\n');
local estimatedSoFar = sum('project_id', q.all) + '* ' + q.hoursThisMonth;
local billText = "The bill: scaleway_billing_consumption_euros, what each project consumed this month so far (read hourly, for the organizations the servers belong to; only with the BillingReadOnly permission, no series without it), summed over its categories. The estimate of the month so far: the hourly estimate × the hours since the 1st of the month at 00:00 UTC ((day_of_month() - 1) × 24 + hour() + minute() / 60), as if the fleet of now had run since the 1st. They differ by what changed this month, by what the estimate cannot price (IPs, Apple silicon, Instance volumes and snapshots) and discounts, by the bill's lag (up to an hour, more on Scaleway's side), and by Dedibox servers, which no recorded bill shows. The bill has no zone: with zones selected, the estimate covers those zones only.";

local billRow = [
  panels.row(30, 53, 'Billed this month against the estimate', "This month's bill as Scaleway's billing API says it, beside the estimate for the same hours."),
  panels.stat(31, 'Billed this month', 'Every project, in total. ' + billText, { h: 5, w: 6, x: 0, y: 54 }, sum('', billed), 'currencyEUR', 0, '€'),
  panels.stat(32, 'Estimated this month so far', 'Every project, in total. ' + billText + ' ' + estimate, { h: 5, w: 6, x: 6, y: 54 }, sum('', estimatedSoFar), 'currencyEUR', 0, '€'),
  panels.table(
    33,
    'Billed and estimated by project',
    billText + ' ' + estimate + ' ' + projectNames,
    { h: 10, w: 12, x: 12, y: 54 },
    [
      label('project_name', 'Project'),
      value('A', q.named(billed, 'project_id'), 'Billed', 'currencyEUR', 2),
      value('B', q.named(estimatedSoFar, 'project_id'), 'Estimated so far', 'currencyEUR', 2),
      label('project_id', 'Project ID'),
    ],
    sortBy='Billed',
  ),
  panels.table(
    34,
    'Billed this month by category',
    'scaleway_billing_consumption_euros by project and category (Compute, BareMetal, Storage, Network... as the bill names them): what each project consumed this month so far, read hourly; only with the BillingReadOnly permission. ' + projectNames,
    { h: 5, w: 12, x: 0, y: 59 },
    [
      label('project_name', 'Project'),
      label('category', 'Category'),
      value('A', q.named('max by (project_id, category) (scaleway_billing_consumption_euros{job=~"$job"})\n', 'project_id, category'), '€'),
      label('project_id', 'Project ID'),
    ],
    sortBy='€',
  ),
];

// Per running Instance server, `metric` of its type.
local runningCapacity(metric) = |||
  max by (zone, server_id, project_id, commercial_type) (
    scaleway_server_info{%(sel)s}
    and on (job, instance, zone, server_id)
    (scaleway_server_state{%(sel)s, state="running"} == 1)
  )
  * on (zone, commercial_type) group_left ()
  max by (zone, commercial_type) (%(metric)s{%(sel)s})
||| % { sel: sel, metric: metric };

local capacityRow = [
  panels.row(6, 64, 'Capacity (running Instance servers)', 'The vCPUs and memory the running Instance servers hold, by project, from the type catalog.'),
  panels.table(
    7,
    'vCPUs and memory by project',
    'vCPUs and memory of the running Instance servers, by project: each running server (scaleway_server_state{state="running"} == 1 joined to scaleway_server_info) times its type\'s scaleway_instance_type_cpus and scaleway_instance_type_memory_bytes, joined on (zone, commercial_type), summed by project. ' + projectNames,
    { h: 8, w: 24, x: 0, y: 65 },
    [
      label('project_name', 'Project'),
      value('A', projectCost(runningCapacity('scaleway_instance_type_cpus')), 'vCPUs', 'short'),
      value('B', projectCost(runningCapacity('scaleway_instance_type_memory_bytes')), 'Memory', 'bytes'),
      label('project_id', 'Project ID'),
    ],
    sortBy='vCPUs',
  ),
];

local lifecycleRow = [
  panels.row(8, 73, 'Lifecycle', 'Servers that need a look: a maintenance scheduled, booted in rescue, a commercial type at end of service.'),
  panels.table(
    9,
    'Servers with a scheduled maintenance',
    'Every Instance server with a maintenance scheduled by Scaleway (scaleway_server_maintenance_info), its reason, and its start when the API gives one (scaleway_server_maintenance_start_timestamp_seconds; empty otherwise). The ScalewayServerMaintenanceScheduled alert tells of the same servers.',
    { h: 8, w: 24, x: 0, y: 74 },
    [
      label('name', 'Name'),
      label('zone', 'Zone'),
      label('reason', 'Reason'),
      value('A', 'scaleway_server_maintenance_info{%s}' % sel, hidden=true),
      value('B', 'scaleway_server_maintenance_start_timestamp_seconds{%s}' % sel, 'Start', 'dateTimeAsIso'),
      label('server_id', 'Server ID'),
    ],
    sortBy='Start',
    ascending=true,
  ),
  panels.table(
    10,
    'Servers booted in rescue',
    'Instance servers whose boot_type is rescue (scaleway_server_info{boot_type="rescue"}), with their current state: a server left in rescue mode does not run its own system.',
    { h: 8, w: 12, x: 0, y: 82 },
    [
      label('name', 'Name'),
      label('zone', 'Zone'),
      label('state', 'State'),
      label('commercial_type', 'Type'),
      label('project_id', 'Project ID'),
      label('server_id', 'Server ID'),
      value('A', |||
        scaleway_server_info{%(sel)s, boot_type="rescue"}
        * on (job, instance, zone, server_id) group_left (state)
        (scaleway_server_state{%(sel)s} == 1)
      ||| % { sel: sel }, hidden=true),
    ],
    hide=['arch', 'boot_type', 'image_name', 'organization_id'],
  ),
  panels.table(
    11,
    'End-of-service types still in use',
    'Commercial types at end of service that servers still use, with how many servers per zone (scaleway_server_end_of_service == 1, joined to scaleway_server_info for the type). Scaleway will stop selling, then running, these types: plan the migration (runbook: Servers at end of service).',
    { h: 8, w: 12, x: 12, y: 82 },
    [
      label('commercial_type', 'Type'),
      label('zone', 'Zone'),
      value('A', |||
        count by (zone, commercial_type) (
          max by (zone, server_id, commercial_type) (
            scaleway_server_info{%(sel)s}
            and on (job, instance, zone, server_id)
            (scaleway_server_end_of_service{%(sel)s} == 1)
          )
        )
      ||| % { sel: sel }, 'Servers'),
    ],
    sortBy='Servers',
  ),
];

{
  grafanaDashboards+:: {
    'scaleway-cost.json': common.dashboard($._config, {
      name: 'cost',
      title: 'Cost and lifecycle',
      tag: 'cost',
      description: "What the fleet costs at list price, every product, by product, project and zone; what it leaves behind and still pays for (unattached volumes and IPs, snapshots); this month's bill beside the estimate; the vCPUs and memory of the running Instances; and the servers that need a look: a maintenance scheduled, booted in rescue, a commercial type at end of service.",
      variables: [common.variables.datasource, common.variables.job, common.variables.zone],
      panels: costRow + leftoversRow + billRow + capacityRow + lifecycleRow,
    }),
  },
}
