// The agent's status page: polls /status.json (the browser sends the credentials it
// signed in with; the page never sees the token) and draws the last hour with uPlot.
// Every value from the agent is written with textContent, never as HTML.
'use strict';

(() => {
  const POLL_MS = 2000;
  const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#65a30d', '#be185d'];

  const integer = (n) => (n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US'));
  const decimal = (n) => (n === null || n === undefined ? '–' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));
  const milliseconds = (s) => (s === null || s === undefined ? '–' : `${decimal(s * 1000)} ms`);
  const duration = (s) => {
    if (s === null || s === undefined) return '–';
    if (s < 120) return `${decimal(s)} s`;
    if (s < 7200) return `${Math.floor(s / 60)} min`;
    return `${(s / 3600).toFixed(1)} h`;
  };

  /** The charts: which history columns each plots, and how its values read. */
  const CHARTS = [
    { id: 'chart-queue', series: [['queued', 'queued'], ['inProgress', 'in progress']], format: integer },
    { id: 'chart-rates', series: [['receivedPerSecond', 'in / s'], ['publishedPerSecond', 'out / s']], format: decimal },
    { id: 'chart-oldest', series: [['oldestInProgressSeconds', 'oldest (s)']], format: decimal },
    { id: 'chart-dead', series: [['deadLetters', 'dead letters']], format: integer },
    { id: 'chart-latency', series: [['publishP50Seconds', 'p50'], ['publishP99Seconds', 'p99']], format: decimal, scale: 1000 },
    { id: 'chart-errors', errors: true, format: decimal },
  ];

  const plots = new Map();

  /** The series [label, values] of a chart from the history. */
  function seriesOf(chart, history) {
    if (chart.errors) {
      const classes = Object.keys(history.errorsPerSecond);
      if (classes.length === 0) return [['none', history.time.map(() => 0)]];
      return classes.map((name) => [name, history.errorsPerSecond[name]]);
    }
    const scale = chart.scale ?? 1;
    return chart.series.map(([key, label]) => [label, history[key].map((v) => (v === null ? null : v * scale))]);
  }

  function draw(chart, history) {
    const element = document.getElementById(chart.id);
    const series = seriesOf(chart, history);
    const labels = series.map(([label]) => label).join('\n');
    const data = [history.time, ...series.map(([, values]) => values)];
    let plot = plots.get(chart.id);
    if (plot === undefined || plot.labels !== labels) {
      if (plot !== undefined) plot.uplot.destroy();
      const options = {
        width: Math.max(300, element.clientWidth),
        height: 200,
        scales: { x: { time: true } },
        series: [{}, ...series.map(([label], i) => ({ label, stroke: COLORS[i % COLORS.length], width: 1.5, value: (_u, v) => chart.format(v) }))],
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => chart.format(t)), size: 60 }],
        legend: { live: true },
      };
      plot = { labels, uplot: new uPlot(options, data, element) };
      plots.set(chart.id, plot);
    } else {
      plot.uplot.setData(data);
    }
    // What a reader (or a test) can see without reading the canvas.
    element.dataset.points = String(history.time.length);
    element.dataset.nonzero = String(series.some(([, values]) => values.some((v) => v !== null && v !== 0)));
  }

  function setFigure(name, text) {
    const element = document.querySelector(`[data-figure="${name}"]`);
    if (element !== null) element.textContent = text;
  }

  function showFigures(status) {
    const current = status.current;
    const sample = current.sample ?? {};
    setFigure('received', integer(current.received));
    setFigure('published', integer(current.published));
    setFigure('points', integer(current.points));
    setFigure('deadLettered', integer(current.deadLettered));
    setFigure('queued', integer(sample.queued));
    setFigure('inProgress', integer(sample.inProgress));
    setFigure('oldestInProgress', duration(sample.oldestInProgressSeconds));
    setFigure('receivedPerSecond', decimal(sample.receivedPerSecond));
    setFigure('publishedPerSecond', decimal(sample.publishedPerSecond));
    setFigure('publishP50', milliseconds(sample.publishP50Seconds));
    setFigure('publishP99', milliseconds(sample.publishP99Seconds));
  }

  function showState(status) {
    const state = document.getElementById('state');
    const problem = document.getElementById('problem');
    const unready = status.agent.unready;
    state.textContent = unready === null ? 'ready' : 'not ready';
    state.className = `state ${unready === null ? 'ready' : 'unready'}`;
    problem.hidden = unready === null;
    problem.textContent = unready ?? '';
    const agent = status.agent;
    document.getElementById('identity').textContent =
      `${agent.host} pid ${agent.pid} · ${agent.channel.type} ${agent.channel.endpoint} · up ${duration(agent.uptimeSeconds)}`;
    document.getElementById('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  }

  function row(cells) {
    const tr = document.createElement('tr');
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  }

  function showDeadLetters(view) {
    const body = document.querySelector('#dead-letters tbody');
    const rows = view.letters.map((letter) => {
      const message = letter.encoding === 'base64' ? `(base64) ${letter.message}` : letter.message;
      const cut = letter.messageChars === undefined ? '' : ` (${letter.messageChars} characters in all)`;
      return row([letter.time, letter.reason, `${message}${cut}`]);
    });
    body.replaceChildren(...(rows.length > 0 ? rows : [row(['', 'no dead letters', ''])]));
    document.getElementById('dead-letters-read').textContent = view.readAt === null ? '' : `(read ${new Date(view.readAt).toLocaleTimeString()})`;
    const error = document.getElementById('dead-letters-error');
    error.hidden = view.error === null;
    error.textContent = view.error === null ? '' : `listing them failed: ${view.error}`;
  }

  let configurationShown = '';
  function showConfiguration(configuration) {
    const text = JSON.stringify(configuration);
    if (text === configurationShown) return;
    configurationShown = text;
    const rows = [];
    for (const [key, value] of Object.entries(configuration)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [name, inner] of Object.entries(value)) rows.push(row([`${key}.${name}`, JSON.stringify(inner)]));
      } else {
        rows.push(row([key, JSON.stringify(value)]));
      }
    }
    document.querySelector('#configuration tbody').replaceChildren(...rows);
  }

  function showOtherAgents(otherAgents) {
    const text = document.getElementById('other-agents');
    const table = document.getElementById('consumers');
    if (!otherAgents.known) {
      text.textContent = `Not known: ${otherAgents.why}.`;
      table.hidden = true;
      return;
    }
    text.textContent = `${otherAgents.consumers.length} reading the channel (this agent among them):`;
    table.hidden = false;
    table.querySelector('tbody').replaceChildren(
      ...otherAgents.consumers.map((c) => row([c.name, String(c.pending), `${c.idleSeconds.toFixed(1)} s ago`])),
    );
  }

  function show(status) {
    showState(status);
    showFigures(status);
    for (const chart of CHARTS) draw(chart, status.history);
    showDeadLetters(status.deadLetters);
    showOtherAgents(status.otherAgents);
    showConfiguration(status.configuration);
  }

  function unreachable(reason) {
    const state = document.getElementById('state');
    state.textContent = 'agent unreachable';
    state.className = 'state unreachable';
    const problem = document.getElementById('problem');
    problem.hidden = false;
    problem.textContent = `cannot read /status.json: ${reason}; retrying every ${POLL_MS / 1000} s`;
  }

  async function poll() {
    try {
      const response = await fetch('status.json', { cache: 'no-store', credentials: 'same-origin' });
      if (!response.ok) unreachable(`HTTP ${response.status}`);
      else show(await response.json());
    } catch (error) {
      unreachable(error instanceof Error ? error.message : String(error));
    }
    setTimeout(poll, POLL_MS);
  }

  window.addEventListener('resize', () => {
    for (const [id, plot] of plots) plot.uplot.setSize({ width: Math.max(300, document.getElementById(id).clientWidth), height: 200 });
  });
  poll();
})();
