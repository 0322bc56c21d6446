// YAML written the way the rule files were written by hand: keys in the order a reader
// expects (`alert`, `expr`, `for`, `labels`, `annotations`; `apiVersion`, `kind`, `metadata`,
// `spec`), strings plain when YAML reads them back unchanged, PromQL as literal blocks (`|`),
// and long prose folded (`>-`) at 100 columns. std.manifestYamlDoc would sort every key and
// quote every string, which makes a rule file hard to read and to diff.
local width = 100;

// Whether `sub` is in `s`. std.findSubstr and std.member are written in jsonnet and take
// seconds on the rule file; std.strReplace is native.
local contains(s, sub) = std.strReplace(s, sub, '') != s;

// Keys in this order first; any other key after them, in alphabetical order.
local order = [
  'apiVersion',
  'kind',
  'metadata',
  'spec',
  'name',
  'namespace',
  'interval',
  'rules',
  'groups',
  'alert',
  'record',
  'expr',
  'for',
  'keep_firing_for',
  'labels',
  'annotations',
  'summary',
  'description',
  'runbook_url',
];

local ordered = { [k]: true for k in order };
local keysOf(o) =
  [k for k in order if std.objectHas(o, k)]
  + [k for k in std.objectFields(o) if !std.objectHas(ordered, k)];

// What a number, a date or a time can be made of, in YAML 1.1.
local digitLike = '0123456789.+-_eExXoObB:';
local reserved = {
  [word]: true
  for word in ['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~', '.inf', '.nan']
};

// Whether YAML reads `s` back as this string when written plain on one line.
local plainSafe(s) =
  local n = std.length(s);
  n > 0
  && !contains(' -?:,[]{}#&*!|>\'"%@`', s[0])
  && s[n - 1] != ' '
  && s[n - 1] != ':'
  && !contains(s, ': ')
  && !contains(s, ' #')
  && !contains(s, '\t')
  && !(n <= 5 && std.objectHas(reserved, std.asciiLower(s)))
  && !(contains('0123456789+-.', s[0])
       && std.length([c for c in std.stringChars(s) if !contains(digitLike, c)]) == 0);

// Whether `s` folds into lines and back unchanged: single spaces only, none at the ends.
local foldable(s) =
  std.length(s) > 0
  && s[0] != ' '
  && s[std.length(s) - 1] != ' '
  && !contains(s, '  ')
  && !contains(s, '\t')
  && !contains(s, '\n');

// The words of `s`, a Go template action (`{{ ... }}`) kept in one piece so that no line
// breaks inside one.
local atoms(s) =
  local open(atom) = std.length(std.strReplace(atom, '{{', '')) < std.length(std.strReplace(atom, '}}', ''));
  std.foldl(
    function(out, word)
      if std.length(out) > 0 && open(out[std.length(out) - 1])
      then out[:std.length(out) - 1] + [out[std.length(out) - 1] + ' ' + word]
      else out + [word],
    std.split(s, ' '),
    [],
  );

// The words of `s` in lines of at most `room` characters (a longer word alone on its line).
local wrap(s, room) =
  std.foldl(
    function(lines, word)
      local last = lines[std.length(lines) - 1];
      if last == '' then lines[:std.length(lines) - 1] + [word]
      else if std.length(last) + 1 + std.length(word) <= room
      then lines[:std.length(lines) - 1] + [last + ' ' + word]
      else lines + [word],
    atoms(s),
    [''],
  );

// A literal block for text with line breaks: `|` when it ends with one, `|-` when it ends
// with none; quoted when YAML could not hold it so (a first line that starts with a space,
// several trailing line breaks).
local literal(s, indent) =
  local ends = std.endsWith(s, '\n');
  local body = if ends then std.substr(s, 0, std.length(s) - 1) else s;
  local lines = std.split(body, '\n');
  if std.startsWith(lines[0], ' ') || std.endsWith(body, '\n') then std.escapeStringJson(s)
  else (if ends then '|' else '|-') + '\n'
       + std.join('\n', [if l == '' then '' else indent + l for l in lines]);

// A string after `key: ` at column `column`: plain, or single-quoted when it fits the line,
// folded when it does not; block scalars are indented by `indent`.
local string(s, indent, column) =
  if s == '' then "''"
  else if contains(s, '\n') then literal(s, indent)
  // A string without spaces (a URL) cannot fold: it stays on its line, however long.
  else if plainSafe(s) && (column + std.length(s) <= width || !contains(s, ' ')) then s
  else if column + std.length(s) + 2 <= width || !contains(s, ' ')
  then "'" + std.strReplace(s, "'", "''") + "'"
  else if foldable(s)
  then '>-\n' + std.join('\n', [indent + l for l in wrap(s, width - std.length(indent))])
  else std.escapeStringJson(s);

local scalar(v, indent, column) =
  if std.isString(v) then string(v, indent, column)
  else if std.isBoolean(v) then (if v then 'true' else 'false')
  else if v == null then 'null'
  else if std.isNumber(v) then '%g' % v
  else if std.isObject(v) then '{}'
  else if std.isArray(v) then '[]'
  else error 'no YAML for ' + std.type(v);

local key(k) = if plainSafe(k) then k else std.escapeStringJson(k);

// The collections, as methods so that they can call each other.
local emit = {
  // `key: value` at `indent`, the first line without its indentation.
  entry(k, v, indent)::
    if std.isObject(v) && std.length(v) > 0 then key(k) + ':\n' + self.object(v, indent + '  ')
    else if std.isArray(v) && std.length(v) > 0 then key(k) + ':\n' + self.array(v, indent + '  ')
    else key(k) + ': ' + scalar(v, indent + '  ', std.length(indent) + std.length(key(k)) + 2),

  // Every entry of `o`, each line indented.
  object(o, indent)::
    std.join('\n', [indent + self.entry(k, o[k], indent) for k in keysOf(o)]),

  // Every item of `a` as `- item`, each line indented.
  array(a, indent)::
    std.join('\n', [indent + '- ' + self.item(x, indent + '  ') for x in a]),

  // An item after `- `: an object's first entry on the same line, the others below it.
  item(x, indent)::
    if std.isObject(x) && std.length(x) > 0 then
      local keys = keysOf(x);
      std.join('\n', [self.entry(keys[0], x[keys[0]], indent)]
                     + [indent + self.entry(k, x[k], indent) for k in keys[1:]])
    else if std.isArray(x) && std.length(x) > 0 then error 'a list in a list has no YAML here'
    else scalar(x, indent, std.length(indent)),
};

{
  // One YAML document, ending with a line break.
  manifest(value):: (
    if std.isObject(value) then emit.object(value, '')
    else if std.isArray(value) then emit.array(value, '')
    else scalar(value, '', 0)
  ) + '\n',

  // `text` (a `|||` block of prose) on one line, its line breaks turned into spaces: what a
  // folded YAML scalar reads as.
  fold(text):: std.join(' ', std.split(std.rstripChars(text, '\n'), '\n')),
}
