// The PromQL of what the fleet costs, for the cost dashboard: each formula written once, so
// that every panel that shows a cost (the totals, by product, project and zone, the leftovers,
// the bill beside the estimate) sums the same series the same way.
//
// Each of `hourly` is one series per thing billed, with `zone`, `project_id` and the thing's
// id, whose value is what it costs an hour, in euros, at list price. A month is 730 hours,
// Scaleway's convention for monthly prices: per month is 730 × per hour, and a monthly price
// is 1/730 of it an hour. Every selector is on the dashboard's `job` and `zone` variables;
// `max by (...)` counts a series once when several exporters (an HA pair) export it.
//
// An expression here is text ending with a line break; the helpers below nest them indented,
// so that a query reads in Grafana's editor as it is built.
local sel = 'job=~"$job", zone=~"$zone"';
local eur = sel + ', currency="EUR"';
local hoursPerMonth = 730;

// std.strReplace is native; std.split and std.rstripChars are written in jsonnet, and take
// seconds on queries of a few kilobytes nested a few times.
local chomp(s) = if std.endsWith(s, '\n') then std.substr(s, 0, std.length(s) - 1) else s;
local indent(s) = '  ' + std.strReplace(chomp(s), '\n', '\n  ') + '\n';
// `f(args...)`, one argument a line.
local call(f, args) = f + '(\n' + std.join(',\n', [chomp(indent(a)) for a in args]) + '\n)\n';
// `expr` in parentheses.
local paren(expr) = '(\n' + indent(expr) + ')\n';
// `lhs <op> rhs`, `op` with its matching (`* on (zone) group_left ()`).
local join(lhs, op, rhs) = lhs + op + '\n' + rhs;
local many(on, one) = '* on (%s) group_left ()\n%s' % [on, one];

// Elastic Metal servers billed: from delivery on, whatever their power state.
local metalServers = |||
  max by (zone, server_id, project_id, offer_name) (
    scaleway_elastic_metal_server_info{%(sel)s}
    unless on (job, instance, zone, server_id)
    (scaleway_elastic_metal_server_state{%(sel)s, state=~"ordered|delivering|out_of_stock"} == 1)
  )
||| % { sel: sel };

// Those billed by `period` (hourly, monthly), at the price of their offer by that period.
local metalBy(period, price) =
  metalServers
  + many('zone, server_id', 'max by (zone, server_id) (scaleway_elastic_metal_server_subscription_info{%s, subscription_period="%s"})\n' % [sel, period])
  + many('zone, offer_name', 'max by (zone, offer_name) (%s{%s})\n' % [price, eur]);

// Dedibox servers billed: all but those being delivered.
local dediboxServers = |||
  max by (zone, server_id, project_id, offer_name) (
    scaleway_dedibox_server_info{%(sel)s}
    unless on (job, instance, zone, server_id)
    (scaleway_dedibox_server_state{%(sel)s, state="delivering"} == 1)
  )
||| % { sel: sel };

local runningInstances = |||
  max by (zone, server_id, project_id, commercial_type) (
    scaleway_server_info{%(sel)s}
    and on (job, instance, zone, server_id)
    (scaleway_server_state{%(sel)s, state="running"} == 1)
  )
||| % { sel: sel };

// Every volume and snapshot (of those `matchers` select) with its size in GB (10^9 bytes, as
// prices are per GB).
local volumeGigabytes =
  'max by (zone, volume_id, project_id, type) (scaleway_volume_info{%s})\n' % sel
  + many('zone, volume_id', 'max by (zone, volume_id) (scaleway_volume_size_bytes{%s})\n' % sel)
  + '/ 1e9\n';
local snapshotGigabytes(matchers) =
  'max by (zone, snapshot_id, project_id, type) (scaleway_snapshot_info{%s%s})\n' % [sel, matchers]
  + many('zone, snapshot_id', 'max by (zone, snapshot_id) (scaleway_snapshot_size_bytes{%s})\n' % sel)
  + '/ 1e9\n';
local snapshotPrice(by) =
  'max by (%s) (scaleway_block_snapshot_price_per_gigabyte_hour{%s})\n' % [by, eur];

local hourly = {
  instances: runningInstances
             + many('zone, commercial_type', 'max by (zone, commercial_type) (scaleway_instance_type_hourly_price_euros{%s})\n' % sel),

  elasticMetal:
    join(
      paren(metalBy('hourly', 'scaleway_elastic_metal_offer_hourly_price')),
      'or',
      paren(metalBy('monthly', 'scaleway_elastic_metal_offer_monthly_price')) + '/ %d\n' % hoursPerMonth,
    ),

  dedibox: dediboxServers
           + many('zone, offer_name', 'max by (zone, offer_name) (scaleway_dedibox_offer_price{%s, payment_frequency="monthly"})\n' % eur)
           + '/ %d\n' % hoursPerMonth,

  // Every Block volume, attached or not: an attached one is also among its server's volumes
  // (scaleway_server_volume_size_bytes), which no cost query reads. Instance volumes have no
  // price: the join leaves them out.
  blockVolumes: volumeGigabytes
                + many('zone, type', 'max by (zone, type) (scaleway_block_volume_type_price_per_gigabyte_hour{%s})\n' % eur),

  // Block snapshots at the snapshot price of their volume's type. One whose volume is gone
  // carries its storage class, `sbs`, as type, which has no price of its own: it is priced at
  // the zone's snapshot price (the highest, should types ever differ). Instance snapshots
  // have no price: the joins leave them out.
  blockSnapshots:
    join(
      paren(snapshotGigabytes('') + many('zone, type', snapshotPrice('zone, type'))),
      'or',
      paren(snapshotGigabytes(', type="sbs"') + many('zone', snapshotPrice('zone'))),
    ),
};

// What the `product` label of the sums says of each part of `hourly`.
local products = [
  ['instances', 'Instances'],
  ['elasticMetal', 'Elastic Metal'],
  ['dedibox', 'Dedibox'],
  ['blockVolumes', 'Block Storage volumes'],
  ['blockSnapshots', 'Block Storage snapshots'],
];

// `expr` with the label `label` set to `value` on every series.
local labelled(expr, label, value) = call('label_replace', [expr, '"%s", "%s", "", ""' % [label, value]]);

// What the estimate leaves out, each a set of things and the cost vector that would price
// them, by the labels they are matched on.
local unpriced = [
  ['Apple silicon servers (no API publishes their price)', 'max by (zone, server_id) (scaleway_apple_silicon_server_info{%s})\n' % sel],
  ['IPs, Instance and Elastic Metal (no API publishes their price)', 'max by (zone, ip_id) (scaleway_ip_info{%s})\n' % sel],
  ['Volumes with no price (Instance b_ssd, l_ssd; a size or type unknown)', join('max by (zone, volume_id) (scaleway_volume_info{%s})\n' % sel, 'unless on (zone, volume_id)', paren(hourly.blockVolumes))],
  ['Snapshots with no price (Instance snapshots; Block ones of a zone with no snapshot price)', join('max by (zone, snapshot_id) (scaleway_snapshot_info{%s})\n' % sel, 'unless on (zone, snapshot_id)', paren(hourly.blockSnapshots))],
  ['Running Instances of a type the catalog gives no price', join(runningInstances, 'unless on (zone, server_id)', paren(hourly.instances))],
  ['Elastic Metal servers whose offer price was not read', join(metalServers, 'unless on (zone, server_id)', paren(hourly.elasticMetal))],
  ['Dedibox servers whose monthly offer price was not read', join(dediboxServers, 'unless on (zone, server_id)', paren(hourly.dedibox))],
];

{
  hoursPerMonth: hoursPerMonth,
  hourly: hourly,
  call: call,
  paren: paren,
  join: join,
  many: many,

  // Everything priced, one series per thing, with its `product`.
  all: std.join('or\n', [labelled(hourly[p[0]], 'product', p[1]) for p in products]),

  // Hours from the 1st of this month, 00:00 UTC, to the query's time, as a scalar.
  hoursThisMonth: 'scalar((day_of_month() - 1) * 24 + hour() + minute() / 60)\n',

  // `expr`, one series per `key`, each with its project's name as `project_name`: the name
  // scaleway_project_info gives, or the project_id for a project the key may not read. In
  // parentheses, as it ends with an `or`.
  named(expr, key)::
    paren(
      join(
        paren(expr) + '* on (project_id) group_left (project_name)\n'
        + 'topk by (project_id) (1, group by (project_id, project_name) (scaleway_project_info{job=~"$job"}))\n',
        'or on (%s)' % key,
        call('label_join', [expr, '"project_name", "", "project_id"']),
      )
    ),

  // What no price covers, counted by what it is (`what`).
  unpriced: std.join('or\n', [labelled(call('count', [u[1]]), 'what', u[0]) for u in unpriced]),
}
