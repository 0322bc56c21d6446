// Panels in the shapes Grafana saves them: a row, a stat and a table of instant queries. Every
// panel and target reads the dashboard's `datasource` variable.
local ds = (import 'common.libsonnet').datasource;

// Labels every table hides: Prometheus's own, and the exporter's address.
local alwaysHidden = ['Time', '__name__', 'job', 'instance'];

local thresholds = {
  mode: 'absolute',
  steps: [{ color: 'green', value: null }],
};

// An instant query.
local target(ref, expr, format, legend) = {
  datasource: ds,
  editorMode: 'code',
  expr: expr,
  format: format,
  instant: true,
  legendFormat: legend,
  range: false,
  refId: ref,
};

{
  // A row named `title` across the dashboard at height `y`.
  row(id, y, title, description):: {
    collapsed: false,
    datasource: ds,
    description: description,
    gridPos: { h: 1, w: 24, x: 0, y: y },
    id: id,
    panels: [],
    title: title,
    type: 'row',
  },

  // One number: `expr` (one series), shown in `unit` with `decimals`, its legend `legend`.
  stat(id, title, description, pos, expr, unit, decimals, legend):: {
    datasource: ds,
    description: description,
    fieldConfig: {
      defaults: { unit: unit, thresholds: thresholds, decimals: decimals },
      overrides: [],
    },
    gridPos: pos,
    id: id,
    options: {
      colorMode: 'none',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      showPercentChange: false,
      textMode: 'auto',
      wideLayout: true,
    },
    targets: [target('A', expr, 'time_series', legend)],
    title: title,
    type: 'stat',
  },

  // A label shown as the column `name`.
  label(label, name):: { label: label, name: name },
  // The values of query `ref` (A, B...), `expr`, as the column `name`: `unit` and `decimals`
  // as Grafana's; `hidden` for a query that only brings its labels (an info series).
  value(ref, expr, name='', unit=null, decimals=null, hidden=false):: {
    ref: ref,
    expr: expr,
    name: name,
    unit: unit,
    decimals: decimals,
    hidden: hidden,
  },

  // A table of instant queries merged row by row on their labels: `columns` in their order,
  // each a `label(...)` or a `value(...)`; `hide`, labels not shown; `sortBy`, the column
  // name sorted on (descending unless `ascending`).
  table(id, title, description, pos, columns, hide=[], sortBy=null, ascending=false)::
    local values = [c for c in columns if std.objectHas(c, 'ref')];
    assert std.length(values) > 1 || std.length([v for v in values if v.unit != null || v.decimals != null]) == 0
           : title + ': a table of one query names its column, and sets no unit or decimals';
    // Grafana names the value field `Value` when there is one query, `Value #A`... otherwise.
    local field(v) = if std.length(values) == 1 then 'Value' else 'Value #' + v.ref;
    local shown = [c for c in columns if !(std.objectHas(c, 'hidden') && c.hidden)];
    local property(id, v) = if v == null then [] else [{ id: id, value: v }];
    {
      datasource: ds,
      description: description,
      fieldConfig: {
        defaults: {
          thresholds: thresholds,
          custom: { align: 'auto', cellOptions: { type: 'auto' }, filterable: true },
        },
        overrides: [
          {
            matcher: { id: 'byName', options: field(v) },
            properties: property('displayName', v.name) + property('unit', v.unit)
                        + property('decimals', v.decimals),
          }
          for v in values
          if !v.hidden && v.name != '' && std.length(values) > 1
        ],
      },
      gridPos: pos,
      id: id,
      options: {
        cellHeight: 'sm',
        footer: { show: false, reducer: ['sum'], fields: '' },
        showHeader: true,
      } + (if sortBy == null then {} else { sortBy: [{ displayName: sortBy, desc: !ascending }] }),
      targets: [target(v.ref, v.expr, 'table', '__auto') for v in values],
      title: title,
      type: 'table',
      transformations: (if std.length(values) > 1 then [{ id: 'merge', options: {} }] else []) + [
        {
          id: 'organize',
          options: {
            excludeByName: { [l]: true for l in alwaysHidden + hide }
                           + { [field(v)]: true for v in values if v.hidden },
            indexByName: {
              [if std.objectHas(shown[i], 'ref') then field(shown[i]) else shown[i].label]: i
              for i in std.range(0, std.length(shown) - 1)
            },
            renameByName: { [c.label]: c.name for c in columns if std.objectHas(c, 'label') }
                          + { [field(v)]: v.name for v in values if !v.hidden && v.name != '' && std.length(values) == 1 },
          },
        },
      ],
    },
}
