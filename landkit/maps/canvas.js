// Drawing for landkit's interactive maps (landkit.maps.interactive), inlined into each map.
//
// A layer arrives as compact JSON (see landkit.maps.interactive._payload): polygons as rings of
// integer coordinate differences, drawn on a canvas; tooltips and popups are tables built from
// text nodes (textContent), so attribute values are never parsed as HTML.

function landkitTable(fields, values, n) {
  var table = document.createElement("table");
  table.className = "landkit-table";
  for (var i = 0; i < n; i++) {
    if (values[i] === null) continue;
    var row = table.insertRow();
    var th = document.createElement("th");
    th.textContent = fields[i];
    row.appendChild(th);
    row.insertCell().textContent = values[i];
  }
  return table;
}
function landkitContains(polygons, y, x) {
  var inside = false;
  polygons.forEach(function (rings) {
    rings.forEach(function (r) {
      for (var i = 0, j = r.length - 1; i < r.length; j = i++) {
        if ((r[i][0] > y) !== (r[j][0] > y) &&
            x < (r[j][1] - r[i][1]) * (y - r[i][0]) / (r[j][0] - r[i][0]) + r[i][1]) {
          inside = !inside;
        }
      }
    });
  });
  return inside;
}
function landkitPicker(shapes) {
  var boxes = shapes.map(function (polygons) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    polygons.forEach(function (rings) { rings[0].forEach(function (p) {
      b[0] = Math.min(b[0], p[0]); b[1] = Math.min(b[1], p[1]);
      b[2] = Math.max(b[2], p[0]); b[3] = Math.max(b[3], p[1]);
    }); });
    return b;
  });
  var all = boxes.reduce(function (a, b) {
    return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
  }, [Infinity, Infinity, -Infinity, -Infinity]);
  var n = Math.max(1, Math.min(256, Math.ceil(Math.sqrt(shapes.length))));
  var sy = (all[2] - all[0]) / n || 1, sx = (all[3] - all[1]) / n || 1, cells = {};
  function cell(v, lo, s) { return Math.max(0, Math.min(n - 1, Math.floor((v - lo) / s))); }
  boxes.forEach(function (b, k) {
    for (var i = cell(b[0], all[0], sy); i <= cell(b[2], all[0], sy); i++) {
      for (var j = cell(b[1], all[1], sx); j <= cell(b[3], all[1], sx); j++) {
        (cells[i * n + j] = cells[i * n + j] || []).push(k);
      }
    }
  });
  return function (latlng) {
    var y = latlng.lat, x = latlng.lng;
    if (y < all[0] || y > all[2] || x < all[1] || x > all[3]) return -1;
    var found = cells[cell(y, all[0], sy) * n + cell(x, all[1], sx)] || [];
    for (var i = 0; i < found.length; i++) {
      var b = boxes[found[i]];
      if (y >= b[0] && y <= b[2] && x >= b[1] && x <= b[3] &&
          landkitContains(shapes[found[i]], y, x)) return found[i];
    }
    return -1;
  };
}
function landkitInstall(map) {
  var tooltip = L.tooltip({sticky: true, direction: "top", offset: [0, -8]}), last = null;
  function hit(latlng) {
    for (var i = map.landkitLayers.length - 1; i >= 0; i--) {
      var entry = map.landkitLayers[i];
      if (!map.hasLayer(entry.group)) continue;
      var k = entry.pick(latlng);
      if (k >= 0) return {entry: entry, k: k};
    }
    return null;
  }
  map.on("mousemove", function (e) {
    var h = hit(e.latlng);
    map.getContainer().style.cursor = h ? "pointer" : "";
    if (!h) { last = null; map.closeTooltip(tooltip); return; }
    var d = h.entry.d, key = h.entry.id + ":" + h.k;
    if (key !== last) {
      tooltip.setContent(landkitTable(d.fields, d.features[h.k][2], Math.min(d.tooltip, d.fields.length)));
      last = key;
    }
    tooltip.setLatLng(e.latlng);
    if (!map.hasLayer(tooltip)) tooltip.openOn(map);
  });
  map.on("mouseout", function () { last = null; map.closeTooltip(tooltip); });
  map.on("click", function (e) {
    var h = hit(e.latlng);
    if (!h) return;
    var d = h.entry.d;
    L.popup({maxWidth: 460, maxHeight: 360}).setLatLng(e.latlng)
      .setContent(landkitTable(d.fields, d.features[h.k][2], d.fields.length)).openOn(map);
  });
}
function landkitLayer(d, map) {
  var scale = Math.pow(10, d.digits), group = L.featureGroup();
  function ring(flat) {
    var y = d.origin[0], x = d.origin[1], out = new Array(flat.length / 2);
    for (var i = 0; i < flat.length; i += 2) {
      y += flat[i]; x += flat[i + 1]; out[i / 2] = [y / scale, x / scale];
    }
    return out;
  }
  function decode(g) { return g.map(function (p) { return p.map(ring); }); }
  function draw(parts, counts) {
    // Canvas fills one huge path very slowly; a few dozen polygons per path are fast.
    d.styles.forEach(function (style, i) {
      if (!counts[i]) return;
      var options = L.extend({}, style, {interactive: false}), chunk = 64, layers = [];
      for (var k = 0; k < parts[i].length; k += chunk) {
        layers.push(L.polygon(parts[i].slice(k, k + chunk), options));
      }
      var layer = L.featureGroup(layers);
      layer.landkitFeatures = counts[i];
      group.addLayer(layer);
    });
  }
  function empty() { return d.styles.map(function () { return []; }); }
  var parts = empty(), counts = d.styles.map(function () { return 0; });
  d.bulk.forEach(function (b) {
    b[1].forEach(function (g) { decode(g).forEach(function (p) { parts[b[0]].push(p); }); });
    counts[b[0]] += b[1].length;
  });
  draw(parts, counts);
  parts = empty(); counts = counts.map(function () { return 0; });
  var shapes = d.features.map(function (f) {
    var polygons = decode(f[0]);
    polygons.forEach(function (p) { parts[f[1]].push(p); });
    counts[f[1]] += 1;
    return polygons;
  });
  draw(parts, counts);
  if (shapes.length) {
    if (!map.landkitLayers) { map.landkitLayers = []; landkitInstall(map); }
    map.landkitLayers.push({id: map.landkitLayers.length, group: group, d: d,
                            pick: landkitPicker(shapes)});
  }
  return group;
}
function landkitLegend(title, items, map) {
  var control = L.control({position: "bottomright"});
  control.onAdd = function () {
    var div = L.DomUtil.create("div", "landkit-legend");
    var heading = document.createElement("b");
    heading.textContent = title;
    div.appendChild(heading);
    items.forEach(function (item) {
      var row = document.createElement("div");
      if (item[1] === null) {  // a note, without a swatch
        row.className = "landkit-note";
      } else {
        var swatch = document.createElement("i");
        swatch.style.background = item[1];
        swatch.style.border = "2px " + item[3] + " " + item[2];
        if (item.length > 4) swatch.style.opacity = item[4];
        row.appendChild(swatch);
      }
      row.appendChild(document.createTextNode(item[0]));
      div.appendChild(row);
    });
    return div;
  };
  control.addTo(map);
  return control;
}
function landkitTitle(text, map) {
  var control = L.control({position: "topright"});
  control.onAdd = function () {
    var div = L.DomUtil.create("div", "landkit-title");
    div.textContent = text;
    return div;
  };
  control.addTo(map);
  document.title = text;
  return control;
}
