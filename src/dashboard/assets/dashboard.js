// pushmux dashboard: plain browser JavaScript, no dependencies, nothing fetched from outside the gateway.
// Reads GET /v1/apps/:app/scores (with the API key kept in sessionStorage) and GET /metrics (Prometheus
// text, parsed here), and redraws every few seconds.
(function () {
  'use strict';
  var KEY_ITEM = 'pushmux.dashboard.key';
  var APP_ITEM = 'pushmux.dashboard.app';
  var params = new URLSearchParams(location.search);
  var REFRESH_MS = Math.max(500, Number(params.get('refresh')) || 3000);
  var timer = null;
  var FIXED_STEPS = ['longconn', 'sms'];
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var name in attrs) {
      if (name === 'text') node.textContent = attrs[name];
      else if (name === 'className') node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function setStatus(text, isError) {
    var s = $('status');
    s.textContent = text;
    s.className = isError ? 'error' : '';
  }

  // ---- Prometheus text exposition ------------------------------------------------------------------
  function parseLabels(text) {
    var labels = {};
    var re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    var m;
    while ((m = re.exec(text))) labels[m[1]] = m[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    return labels;
  }
  function parseMetrics(text) {
    var samples = [];
    text.split('\n').forEach(function (line) {
      if (!line || line.charAt(0) === '#') return;
      var m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
      if (!m) return;
      var value = Number(m[4]);
      if (!isFinite(value)) return;
      samples.push({ name: m[1], labels: m[3] ? parseLabels(m[3]) : {}, value: value });
    });
    return samples;
  }
  function sum(samples, name, app, where) {
    return samples.reduce(function (total, s) {
      if (s.name !== name) return total;
      if (app && s.labels.app !== undefined && s.labels.app !== app) return total;
      if (where && !where(s.labels)) return total;
      return total + s.value;
    }, 0);
  }

  // ---- heatmap -------------------------------------------------------------------------------------
  function rowKey(r) { return [r.platform, r.brand || '', r.model || ''].join('/'); }
  function rowLabel(r) { return r.model ? r.brand + ' / ' + r.model : r.brand ? r.brand : r.platform + ' (all)'; }
  function color(p) {
    var hue = Math.round(120 * Math.max(0, Math.min(1, p)));
    return 'hsl(' + hue + ', 65%, ' + (78 - 18 * Math.abs(p - 0.5)) + '%)';
  }
  function renderHeatmap(rows) {
    var box = $('heatmap');
    box.textContent = '';
    if (!rows.length) { box.appendChild(el('p', { className: 'empty', text: 'no scores yet' })); return; }
    var providers = Array.from(new Set(rows.map(function (r) { return r.provider; }))).sort();
    var classes = new Map();
    rows.forEach(function (r) {
      var k = rowKey(r);
      if (!classes.has(k)) classes.set(k, { row: r, cells: {} });
      classes.get(k).cells[r.provider] = r;
    });
    var order = { platform: 0, brand: 1, model: 2 };
    var keys = Array.from(classes.keys()).sort(function (a, b) {
      var ra = classes.get(a).row, rb = classes.get(b).row;
      return (ra.platform + (ra.brand || '')).localeCompare(rb.platform + (rb.brand || '')) || order[ra.level] - order[rb.level] || a.localeCompare(b);
    });
    var head = el('tr', null, [el('th', { text: 'device class' }), el('th', { text: 'level', className: 'level' })]
      .concat(providers.map(function (p) { return el('th', { text: p }); })));
    var body = el('tbody');
    keys.forEach(function (k) {
      var entry = classes.get(k);
      var best = null;
      // Best among the push providers only: the long connection and SMS are the plan's fixed last steps,
      // never ranked against them (a text that always arrives is not the channel to prefer).
      providers.forEach(function (p) {
        var c = entry.cells[p];
        if (c && FIXED_STEPS.indexOf(p) < 0 && (!best || c.estimate > best.estimate)) best = c;
      });
      var tr = el('tr', { 'data-class': k }, [el('th', { text: rowLabel(entry.row) }), el('th', { text: entry.row.level, className: 'level' })]);
      providers.forEach(function (p) {
        var c = entry.cells[p];
        if (!c) { tr.appendChild(el('td', { className: 'none', text: '–' })); return; }
        var td = el('td', {
          className: 'cell' + (c === best ? ' best' : ''),
          'data-class': k, 'data-provider': p,
          'data-estimate': String(c.estimate), 'data-samples': String(c.samples),
          title: p + ' for ' + rowLabel(c) + ': ' + (100 * c.estimate).toFixed(1) + '% (95% ' + (100 * c.lower).toFixed(0) + '–' + (100 * c.upper).toFixed(0) + '%), ' + c.samples.toFixed(1) + ' samples' + (c.latencyMs !== undefined ? ', ' + Math.round(c.latencyMs) + ' ms' : ''),
        }, [el('span', { className: 'est', text: Math.round(100 * c.estimate) + '%' }), el('span', { className: 'n', text: 'n=' + c.samples.toFixed(1) })]);
        td.style.background = color(c.estimate);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    box.appendChild(el('table', null, [el('thead', null, [head]), body]));
  }

  // ---- funnel, providers, connections --------------------------------------------------------------
  function renderFunnel(samples, app) {
    var attempts = function (pred) { return sum(samples, 'pushmux_provider_attempts_total', app, pred); };
    var steps = [
      ['accepted', sum(samples, 'pushmux_notifications_accepted_total', app)],
      ['sent', attempts(function (l) { return l.outcome === 'accepted'; })],
      ['acked', sum(samples, 'pushmux_acks_total', app, function (l) { return l.result === 'on_time' || l.result === 'late'; })],
      ['escalated', sum(samples, 'pushmux_escalations_total', app, function (l) { return l.to !== 'exhausted'; })],
      // Texts the SMS channel took (as the demo counts them), not its refusals or retries.
      ['SMS', attempts(function (l) { return l.provider === 'sms' && l.outcome === 'accepted'; })],
      ['failed', sum(samples, 'pushmux_deliveries_total', app, function (l) { return l.state === 'failed' || l.state === 'expired'; })],
    ];
    var max = Math.max.apply(null, steps.map(function (s) { return s[1]; }).concat([1]));
    var box = $('funnel');
    box.textContent = '';
    steps.forEach(function (s) {
      var bar = el('div', { className: 'bar' });
      bar.style.width = (100 * s[1] / max) + '%';
      box.appendChild(el('div', { className: 'funnel-row', 'data-step': s[0] }, [
        el('span', { text: s[0] }), el('div', null, [bar]), el('span', { className: 'value', text: String(Math.round(s[1])) }),
      ]));
    });
  }
  function renderProviders(samples, app) {
    var byProvider = {};
    var get = function (p) { return byProvider[p] || (byProvider[p] = { attempts: 0, accepted: 0, other: {}, open: 0 }); };
    samples.forEach(function (s) {
      if (s.labels.app !== app || !s.labels.provider) return;
      if (s.name === 'pushmux_provider_attempts_total') {
        var p = get(s.labels.provider);
        p.attempts += s.value;
        if (s.labels.outcome === 'accepted') p.accepted += s.value;
        else if (s.value > 0) p.other[s.labels.outcome] = (p.other[s.labels.outcome] || 0) + s.value;
      } else if (s.name === 'pushmux_provider_circuit_open') {
        get(s.labels.provider).open = s.value;
      }
    });
    var tbody = $('providers').querySelector('tbody');
    tbody.textContent = '';
    Object.keys(byProvider).sort().forEach(function (name) {
      var p = byProvider[name];
      var other = Object.keys(p.other).map(function (k) { return k + ' ' + Math.round(p.other[k]); }).join(', ') || '–';
      var ratio = p.attempts ? ' (' + Math.round(100 * p.accepted / p.attempts) + '%)' : '';
      tbody.appendChild(el('tr', { 'data-provider': name }, [
        el('td', { text: name }), el('td', { text: String(Math.round(p.attempts)) }),
        el('td', { text: Math.round(p.accepted) + ratio }), el('td', { text: other }),
        el('td', { className: p.open ? 'circuit-open' : 'circuit-closed', text: p.open ? 'open' : 'closed' }),
      ]));
    });
    if (!tbody.children.length) tbody.appendChild(el('tr', null, [el('td', { className: 'empty', text: 'no attempts yet', colspan: '5' })]));
  }

  // ---- refresh loop --------------------------------------------------------------------------------
  async function refresh() {
    var key = sessionStorage.getItem(KEY_ITEM);
    var app = sessionStorage.getItem(APP_ITEM) || 'demo';
    if (!key) return;
    try {
      var scores = await fetch('/v1/apps/' + encodeURIComponent(app) + '/scores', { headers: { authorization: 'Bearer ' + key } });
      if (!scores.ok) {
        var problem = await scores.json().catch(function () { return {}; });
        setStatus('scores: ' + scores.status + ' ' + ((problem.error && problem.error.message) || scores.statusText), true);
      } else {
        renderHeatmap((await scores.json()).rows || []);
        setStatus('app ' + app + ', refreshing every ' + REFRESH_MS / 1000 + ' s', false);
      }
      var metrics = await fetch('/metrics');
      if (metrics.ok) {
        var samples = parseMetrics(await metrics.text());
        renderFunnel(samples, app);
        renderProviders(samples, app);
        $('connections').textContent = String(Math.round(sum(samples, 'pushmux_connections_open', app)));
      }
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      document.body.setAttribute('data-loaded', String(Date.now()));
    } catch (error) {
      setStatus('gateway unreachable: ' + error.message, true);
    }
  }
  function start() {
    if (timer) clearInterval(timer);
    refresh();
    timer = setInterval(refresh, REFRESH_MS);
  }

  $('app').value = sessionStorage.getItem(APP_ITEM) || params.get('app') || 'demo';
  $('login').addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(KEY_ITEM, $('key').value);
    sessionStorage.setItem(APP_ITEM, $('app').value.trim());
    $('key').value = '';
    start();
  });
  $('forget').addEventListener('click', function () {
    sessionStorage.removeItem(KEY_ITEM);
    if (timer) clearInterval(timer);
    timer = null;
    setStatus('enter an API key', false);
  });
  if (sessionStorage.getItem(KEY_ITEM)) start();
})();
