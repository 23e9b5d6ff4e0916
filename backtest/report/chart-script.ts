/**
 * The report's charts: a small canvas line chart written for it, inlined into the HTML so the report needs
 * no network and no library at view time. It is plain ES2017 kept as text (not a serialised function: tsx
 * and bundlers rewrite functions, and a rewritten one may reference helpers that the page does not have).
 *
 * It reads the JSON in `<script id="report-data">` ({ curve: { time, equity, buyAndHold, price, drawdown },
 * trades: { time, price, side } }), draws each `<canvas data-chart="...">`, redraws on resize and shows
 * the values under the pointer. When done it sets `data-charts-drawn` on <html> to the number drawn (the
 * browser test waits for it).
 */
export const chartScript = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var curve = data.curve;
  var trades = data.trades;
  var MARGIN = { left: 76, right: 16, top: 12, bottom: 30 };

  function money(v) {
    var a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(2) + 'M';
    if (a >= 1e4) return (v / 1e3).toFixed(1) + 'k';
    if (a >= 100) return v.toFixed(0);
    return v.toFixed(2);
  }
  function pct(v) { return v.toFixed(Math.abs(v) >= 10 ? 0 : 1) + ' %'; }
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function date(t, withTime) {
    var d = new Date(t * 1000);
    var day = d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate());
    return withTime ? day + ' ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) : day;
  }
  // Round tick steps (1, 2, 5 × 10^n) so axis labels read well.
  function ticks(min, max, count) {
    var span = max - min;
    if (!(span > 0)) return [min];
    var raw = span / count;
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * power; }).filter(function (s) { return s >= raw; })[0];
    var out = [];
    for (var v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(v);
    return out;
  }

  var charts = {
    equity: {
      series: [
        { name: 'Strategy', color: '#1f6feb', values: curve.equity, width: 2 },
        { name: 'Buy and hold', color: '#9a6700', values: curve.buyAndHold, width: 1.5 }
      ],
      format: money
    },
    drawdown: {
      series: [{ name: 'Drawdown', color: '#cf222e', values: curve.drawdown.map(function (d) { return -d * 100; }), fill: true, width: 1.5 }],
      format: pct,
      zeroTop: true
    },
    price: {
      series: [{ name: 'Price', color: '#57606a', values: curve.price, width: 1.5 }],
      markers: trades.time.map(function (t, i) {
        var buy = trades.side[i] === 'buy';
        return { time: t, value: trades.price[i], color: buy ? '#1a7f37' : '#cf222e', up: buy, label: (buy ? 'Buy ' : 'Sell ') + money(trades.price[i]) };
      }),
      format: money
    }
  };

  function draw(canvas, chart, hoverX) {
    var cssWidth = canvas.clientWidth || 800;
    var cssHeight = canvas.clientHeight || 260;
    var ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(cssWidth * ratio)) canvas.width = Math.round(cssWidth * ratio);
    if (canvas.height !== Math.round(cssHeight * ratio)) canvas.height = Math.round(cssHeight * ratio);
    var ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, cssWidth, cssHeight);
    ctx.font = '11px system-ui, sans-serif';
    var times = curve.time;
    if (times.length === 0) {
      ctx.fillStyle = '#57606a';
      ctx.fillText('No market data in this run.', MARGIN.left, cssHeight / 2);
      return true;
    }
    var tMin = times[0];
    var tMax = times[times.length - 1];
    if (tMax === tMin) tMax = tMin + 1;
    var yMin = Infinity;
    var yMax = -Infinity;
    chart.series.forEach(function (s) {
      s.values.forEach(function (v) { if (v < yMin) yMin = v; if (v > yMax) yMax = v; });
    });
    (chart.markers || []).forEach(function (m) { if (m.value < yMin) yMin = m.value; if (m.value > yMax) yMax = m.value; });
    if (chart.zeroTop) yMax = 0;
    if (yMax === yMin) { yMax += Math.abs(yMax) * 0.01 || 1; yMin -= Math.abs(yMin) * 0.01 || 1; }
    var padding = (yMax - yMin) * 0.05;
    if (!chart.zeroTop) yMax += padding;
    yMin -= padding;
    var w = cssWidth - MARGIN.left - MARGIN.right;
    var h = cssHeight - MARGIN.top - MARGIN.bottom;
    function x(t) { return MARGIN.left + ((t - tMin) / (tMax - tMin)) * w; }
    function y(v) { return MARGIN.top + (1 - (v - yMin) / (yMax - yMin)) * h; }

    // Grid and axes.
    ctx.strokeStyle = '#d0d7de';
    ctx.fillStyle = '#57606a';
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ticks(yMin, yMax, 5).forEach(function (v) {
      var py = Math.round(y(v)) + 0.5;
      ctx.beginPath(); ctx.moveTo(MARGIN.left, py); ctx.lineTo(MARGIN.left + w, py); ctx.stroke();
      ctx.fillText(chart.format(v), MARGIN.left - 6, py);
    });
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    var withTime = tMax - tMin < 3 * 86400;
    var xCount = Math.max(2, Math.floor(w / 120));
    for (var i = 0; i <= xCount; i++) {
      var t = tMin + ((tMax - tMin) * i) / xCount;
      ctx.fillText(date(t, withTime), Math.min(Math.max(x(t), MARGIN.left + 30), MARGIN.left + w - 30), MARGIN.top + h + 8);
    }
    ctx.strokeStyle = '#8c959f';
    ctx.strokeRect(MARGIN.left + 0.5, MARGIN.top + 0.5, w, h);

    // Series.
    ctx.save();
    ctx.beginPath(); ctx.rect(MARGIN.left, MARGIN.top, w, h); ctx.clip();
    chart.series.forEach(function (s) {
      ctx.beginPath();
      for (var k = 0; k < s.values.length; k++) {
        var px = x(times[k]);
        var py = y(s.values[k]);
        if (k === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      }
      ctx.strokeStyle = s.color;
      ctx.lineWidth = s.width;
      ctx.stroke();
      if (s.fill) {
        ctx.lineTo(x(times[times.length - 1]), y(0));
        ctx.lineTo(x(times[0]), y(0));
        ctx.closePath();
        ctx.globalAlpha = 0.18;
        ctx.fillStyle = s.color;
        ctx.fill();
        ctx.globalAlpha = 1;
      }
    });
    (chart.markers || []).forEach(function (m) {
      var px = x(m.time);
      var py = y(m.value);
      ctx.beginPath();
      if (m.up) { ctx.moveTo(px, py - 1); ctx.lineTo(px - 5, py + 8); ctx.lineTo(px + 5, py + 8); }
      else { ctx.moveTo(px, py + 1); ctx.lineTo(px - 5, py - 8); ctx.lineTo(px + 5, py - 8); }
      ctx.closePath();
      ctx.fillStyle = m.color;
      ctx.fill();
    });
    ctx.restore();

    // The values under the pointer.
    if (hoverX !== undefined && hoverX >= MARGIN.left && hoverX <= MARGIN.left + w) {
      var tHover = tMin + ((hoverX - MARGIN.left) / w) * (tMax - tMin);
      var lo = 0;
      var hi = times.length - 1;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (times[mid] < tHover) lo = mid + 1; else hi = mid; }
      if (lo > 0 && tHover - times[lo - 1] < times[lo] - tHover) lo -= 1;
      var px2 = Math.round(x(times[lo])) + 0.5;
      ctx.strokeStyle = '#8c959f';
      ctx.setLineDash([3, 3]);
      ctx.beginPath(); ctx.moveTo(px2, MARGIN.top); ctx.lineTo(px2, MARGIN.top + h); ctx.stroke();
      ctx.setLineDash([]);
      var lines = [date(times[lo], true)].concat(chart.series.map(function (s) { return s.name + ': ' + chart.format(s.values[lo]); }));
      (chart.markers || []).forEach(function (m) { if (Math.abs(x(m.time) - hoverX) <= 4) lines.push(m.label + ' at ' + date(m.time, true)); });
      var boxW = 12 + Math.max.apply(null, lines.map(function (l) { return ctx.measureText(l).width; }));
      var boxX = px2 + 8 + boxW > MARGIN.left + w ? px2 - 8 - boxW : px2 + 8;
      ctx.fillStyle = 'rgba(255,255,255,0.92)';
      ctx.strokeStyle = '#d0d7de';
      ctx.fillRect(boxX, MARGIN.top + 6, boxW, lines.length * 15 + 8);
      ctx.strokeRect(boxX + 0.5, MARGIN.top + 6.5, boxW, lines.length * 15 + 8);
      ctx.fillStyle = '#24292f';
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      lines.forEach(function (l, n) { ctx.fillText(l, boxX + 6, MARGIN.top + 11 + n * 15); });
    }
    return true;
  }

  var canvases = Array.prototype.slice.call(document.querySelectorAll('canvas[data-chart]'));
  var drawn = 0;
  canvases.forEach(function (canvas) {
    var chart = charts[canvas.getAttribute('data-chart')];
    if (!chart) return;
    if (draw(canvas, chart)) drawn += 1;
    canvas.addEventListener('mousemove', function (event) {
      var rect = canvas.getBoundingClientRect();
      draw(canvas, chart, event.clientX - rect.left);
    });
    canvas.addEventListener('mouseleave', function () { draw(canvas, chart); });
  });
  var resizeTimer;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      canvases.forEach(function (canvas) { var chart = charts[canvas.getAttribute('data-chart')]; if (chart) draw(canvas, chart); });
    }, 100);
  });
  document.documentElement.setAttribute('data-charts-drawn', String(drawn));
})();
`;
