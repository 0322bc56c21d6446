// What every dashboard of the mixin shares: the data source, the variables, the link menu and
// the dashboard's own settings. Every panel and query reads the `datasource` variable, and
// every query selects `job=~"$job"` (and `zone=~"$zone"`, `product=~"$product"` where the
// metric has the label): tests/repository/dashboards_lint.rs holds the dashboards to that.
local query(name, label, description, query) = {
  allValue: null,
  current: { selected: true, text: ['All'], value: ['$__all'] },
  datasource: { type: 'prometheus', uid: '${datasource}' },
  definition: query,
  description: description,
  hide: 0,
  includeAll: true,
  label: label,
  multi: true,
  name: name,
  options: [],
  query: { qryType: 1, query: query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
  refresh: 2,
  regex: '',
  skipUrlSync: false,
  sort: 1,
  type: 'query',
};

{
  // The data source of every panel and query: the dashboard's `datasource` variable.
  datasource: { type: 'prometheus', uid: '${datasource}' },

  variables: {
    datasource: {
      current: {},
      description: 'The Prometheus data source that scrapes scaleway_exporter.',
      hide: 0,
      includeAll: false,
      label: 'Data source',
      multi: false,
      name: 'datasource',
      options: [],
      query: 'prometheus',
      refresh: 1,
      regex: '',
      skipUrlSync: false,
      type: 'datasource',
    },
    job: query(
      'job',
      'Job',
      'The Prometheus job(s) scraping scaleway_exporter: every job that exports scaleway_exporter_build_info.',
      'label_values(scaleway_exporter_build_info, job)',
    ),
    product: query(
      'product',
      'Product',
      'Scaleway products (instance, elastic-metal, apple-silicon, dedibox) the selected job(s) were set to poll, polled or left out.',
      'label_values(scaleway_exporter_product_enabled{job=~"$job"}, product)',
    ),
    zone: query(
      'zone',
      'Zone',
      'Scaleway zones polled by the selected job(s).',
      'label_values(scaleway_exporter_poll_success{job=~"$job"}, zone)',
    ),
  },

  // A dashboard of the mixin: its uid and title are the config's prefixes followed by `name`
  // and `title`; its tags the config's, and `tag`.
  dashboard(config, d):: {
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    description: d.description,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    // The other dashboards of the mixin: those with all of its tags.
    links: [
      {
        asDropdown: false,
        icon: 'external link',
        includeVars: true,
        keepTime: true,
        tags: config.dashboardTags,
        targetBlank: false,
        title: 'Scaleway dashboards',
        tooltip: '',
        type: 'dashboards',
        url: '',
      },
    ],
    panels: d.panels,
    refresh: '1m',
    schemaVersion: 39,
    tags: config.dashboardTags + [d.tag],
    templating: { list: d.variables },
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    timezone: '',
    title: config.dashboardTitlePrefix + d.title,
    uid: config.dashboardUidPrefix + d.name,
    version: 1,
    weekStart: '',
  },
}
