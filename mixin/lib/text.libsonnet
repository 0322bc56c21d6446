// Durations as the alerts' texts say them.
local units = { s: 'second', m: 'minute', h: 'hour', d: 'day' };

{
  // '5m' as '5 minutes', '1h' as '1 hour': one number and one unit of s, m, h or d.
  duration(d)::
    local unit = d[std.length(d) - 1];
    local count = std.substr(d, 0, std.length(d) - 1);
    assert std.objectHas(units, unit) && std.length(count) > 0 && std.length([c for c in std.stringChars(count) if c < '0' || c > '9']) == 0
           : 'a duration of the mixin is one number and one unit of s, m, h or d, not ' + d;
    count + ' ' + units[unit] + (if count == '1' then '' else 's'),

  // 900 as '15 minutes', 90 as '90 seconds'.
  seconds(n)::
    if n % 3600 == 0 then self.duration('%dh' % (n / 3600))
    else if n % 60 == 0 then self.duration('%dm' % (n / 60))
    else self.duration('%ds' % n),
}
