"""The HTML map's own style and script: names on the map, popups, search, phone layout.

Plain JavaScript over Leaflet, inlined in the page (no plugin, no network). It reads the
``TD`` object written by :mod:`webmap_data` and is started by ``TD.init(map, layers)``
once folium has created the map and its layers.

* Territory names sit at each territory's label point with a white halo; when zoomed out
  a name that does not fit its territory or would overlap another gives way to the id,
  and then to nothing (largest territories first), so labels never pile up.
* City names of the basemap come in by zoom, largest first, where they do not collide.
* Popups on click (a tap on a phone): territory, unit and account figures. Hover
  tooltips only where there is a mouse.
* The search box finds a territory, unit or account by id or name, or a place of the
  basemap (exact, then prefix, then word matches first); Enter or a click zooms there and
  opens its popup. ``map.html#find=T03`` opens
  the page on that search.
* On a narrow screen the legend starts folded into a button; the first view is fitted
  again when the window changes size until the user moves the map.
"""

from __future__ import annotations

SCRIPT = r"""
(function () {
  var hover = window.matchMedia && window.matchMedia('(hover: hover)').matches;
  // Popups pan clear of the title and search box at the top, and of the screen's edges.
  var POPUP = {maxWidth: 300, autoPanPaddingTopLeft: [12, 125],
               autoPanPaddingBottomRight: [12, 12]};
  TD.accountMarkers = [];

  function fmt(v) {
    if (v === null || v === undefined || v === '') return '';
    var big = Math.abs(v) >= 100 || Math.round(v) === v;
    return v.toLocaleString('en-US', {maximumFractionDigits: big ? 0 : 2});
  }
  function swatch(color) { return '<i class="td-sw" style="background:' + color + '"></i>'; }
  function territoryText(k) {
    if (k < 0) return 'none';
    var t = TD.territories[k];
    return swatch(t.color) + t.id + ' ' + t.name;
  }
  function table(rows) {
    var out = '<table class="td-pop">';
    rows.forEach(function (r) {
      if (r[1] === '' || r[1] === null || r[1] === undefined) return;
      out += '<tr><th>' + r[0] + '</th><td' + (r[2] ? ' class="td-text"' : '') + '>' + r[1] +
        '</td></tr>';
    });
    return out + '</table>';
  }

  TD.territoryPopup = function (k) {
    var t = TD.territories[k];
    var rows = [['Owner', t.owner, 1]];
    t.parents.forEach(function (p) { rows.push([p[0], p[1], 1]); });
    t.figures.forEach(function (f) { rows.push([f[0], f[1]]); });
    var html = '<div class="td-pop-title">' + swatch(t.color) + t.id + ' ' + t.name + '</div>' +
      table(rows);
    if (t.definition) html += '<div class="td-def">' + t.definition + '</div>';
    return html;
  };
  TD.unitPopup = function (i) {
    var r = TD.units.rows[i], t = r[2] >= 0 ? TD.territories[r[2]] : null;
    var rows = [['Name', r[1], 1], ['Territory', territoryText(r[2]), 1],
                ['Owner', t ? t.owner : '', 1]];
    TD.units.fields.forEach(function (f, j) { rows.push([f, fmt(r[7 + j])]); });
    return '<div class="td-pop-title">Unit ' + r[0] + '</div>' + table(rows);
  };
  TD.accountPopup = function (row) {
    var h = TD.accountFields, t = row[3] >= 0 ? TD.territories[row[3]] : null;
    var rows = [['Account', row[4], 1], ['Territory', territoryText(row[3]), 1],
                ['Owner', t ? t.owner : '', 1], ['Unit', row[5], 1]];
    h.text.forEach(function (f, j) { rows.push([f, row[6 + j], 1]); });
    var n = 6 + h.text.length;
    h.figures.forEach(function (f, j) { rows.push([f, fmt(row[n + j])]); });
    return '<div class="td-pop-title">' + row[2] + '</div>' + table(rows);
  };

  TD.accountMarker = function (row) {
    var t = row[3] >= 0 ? TD.territories[row[3]] : null;
    var m = L.circleMarker([row[0], row[1]], {
      radius: hover ? 5 : 8, weight: 1, color: '#222222', fillOpacity: 0.9,
      fillColor: t ? t.color : '#888888', tdTerritory: row[3]});
    m.bindPopup(function () { return TD.accountPopup(row); }, POPUP);
    if (hover) m.bindTooltip(row[2], {direction: 'top'});
    m.tdRow = row;
    TD.accountMarkers.push(m);
    return m;
  };
  // Cluster bubbles: white with the count, ringed in the territory's colour when every
  // account inside belongs to one territory, else in grey (never red/amber/green).
  TD.clusterIcon = function (cluster) {
    var markers = cluster.getAllChildMarkers(), k = markers[0].options.tdTerritory;
    for (var i = 1; i < markers.length && k >= 0; i++) {
      if (markers[i].options.tdTerritory !== k) k = -1;
    }
    var n = cluster.getChildCount(), size = clusterSize(n);
    var ring = k >= 0 ? TD.territories[k].color : '#6b7280';
    return L.divIcon({
      html: '<div style="border-color:' + ring + '">' + n + '</div>',
      className: 'td-cluster', iconSize: L.point(size, size)});
  };

  // ---- labels ---------------------------------------------------------------------
  function overlaps(r, boxes) {
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i];
      if (r[0] < b[2] && r[2] > b[0] && r[1] < b[3] && r[3] > b[1]) return true;
    }
    return false;
  }
  function labelMarker(map, latlng, cls, html, pane) {
    var m = L.marker(latlng, {
      pane: pane, interactive: false, keyboard: false,
      icon: L.divIcon({className: cls, html: html, iconSize: null})});
    m.addTo(map);
    return m;
  }
  // Where a name may go round its label point: [half widths across, lines down].
  var LABEL_SHIFTS = [[0, 0], [0, -1], [0, 1], [-1, 0], [1, 0], [0, -2], [0, 2],
                      [-1, -1], [1, -1], [-1, 1], [1, 1]];
  function clusterSize(n) { return n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 48; }
  function measure(el, html) { el.innerHTML = html; return [el.offsetWidth, el.offsetHeight]; }

  function Labels(map) {
    map.createPane('tdCities').style.zIndex = 640;
    map.createPane('tdLabels').style.zIndex = 650;
    var items = [];
    TD.territories.forEach(function (t, k) {
      if (!t.label) return;
      items.push({k: k, t: t});
    });
    items.sort(function (a, b) { return b.t.area - a.t.area; });
    this.items = items;
    this.map = map;
    this.cities = (TD.cities || []).map(function (c) { return {c: c}; });
    this.citiesOn = true;
  }
  // Where account bubbles are drawn: names keep clear of them.
  Labels.prototype.obstacles = function () {
    var map = this.map, out = [], cluster = TD.layers && TD.layers.accounts;
    if (!cluster || !map.hasLayer(cluster) || !cluster._featureGroup) return out;
    cluster._featureGroup.eachLayer(function (l) {
      if (!l.getChildCount) return;  // a single account's dot: small, names may cross it
      var r = clusterSize(l.getChildCount()) / 2, p = map.latLngToContainerPoint(l.getLatLng());
      out.push([p.x - r, p.y - r, p.x + r, p.y + r]);
    });
    return out;
  };
  Labels.prototype.place = function () {
    var map = this.map, size = map.getSize(), bubbles = this.obstacles(), shown = [];
    var boxes = bubbles.slice(), names = [];
    this.items.forEach(function (it) {
      if (!it.m) {
        it.m = labelMarker(map, it.t.label, 'td-tlabel', '<span></span>', 'tdLabels');
        it.el = it.m.getElement().firstChild;
        it.wName = measure(it.el, it.t.name);
        it.wId = measure(it.el, it.t.id);
      }
      var p = map.latLngToContainerPoint(it.t.label);
      var a = map.latLngToContainerPoint(it.t.bounds[0]);
      var b = map.latLngToContainerPoint(it.t.bounds[1]);
      var width = Math.abs(b.x - a.x), height = Math.abs(b.y - a.y);
      var choice = null, dx = 0, dy = 0;
      function fits(text, size, avoid) {
        var w = size[0] / 2 + 2, h = size[1] / 2;
        return LABEL_SHIFTS.some(function (k) {
          var x = k[0] * w, y = k[1] * (h * 2 + 2);
          if (Math.abs(x) > width / 2 || Math.abs(y) > height / 2) return false;  // off its area
          var r = [p.x + x - w, p.y + y - h, p.x + x + w, p.y + y + h];
          if (overlaps(r, avoid)) return false;
          boxes.push(r);
          names.push(r);
          choice = text;
          dx = x;
          dy = y;
          return true;
        });
      }
      // The name, else the id, clear of other names and of account bubbles; else, in a
      // territory with room for it, the id over a bubble (a territory's name matters more
      // than a count; small ones on a crowded screen stay bare), never over a name.
      var nameFits = it.wName[0] <= width * 1.15;
      var roomy = width > 3 * it.wId[0] && height > 3 * it.wId[1];
      (nameFits && fits(it.t.name, it.wName, boxes)) || fits(it.t.id, it.wId, boxes) ||
        (roomy && fits(it.t.id, it.wId, names));
      if (choice !== null) {
        if (it.el.innerHTML !== choice) it.el.innerHTML = choice;
        it.el.style.marginLeft = dx + 'px';
        it.el.style.marginTop = dy + 'px';
        it.el.style.display = '';
        shown.push(choice);
      } else {
        it.el.style.display = 'none';
      }
    });
    TD.shownLabels = shown;
    this.placeCities(boxes, size);
  };
  Labels.prototype.placeCities = function (boxes, size) {
    // As many names as fit a desktop window's 40, in proportion to the screen's area.
    var most = Math.max(8, Math.round(TD.maxCities * size.x * size.y / (1280 * 800)));
    var map = this.map, count = 0, shown = [], on = this.citiesOn;
    this.cities.forEach(function (it) {
      var p = map.latLngToContainerPoint([it.c[0], it.c[1]]);
      var visible = false;
      if (on && count < most && p.x > 0 && p.y > 0 && p.x < size.x && p.y < size.y) {
        if (!it.m) {
          it.m = labelMarker(map, [it.c[0], it.c[1]], 'td-city', '<i></i><span></span>',
                             'tdCities');
          it.el = it.m.getElement();
          it.w = measure(it.el.lastChild, it.c[2]);
        }
        var r = [p.x - 4, p.y - it.w[1] / 2, p.x + 8 + it.w[0], p.y + it.w[1] / 2];
        if (!overlaps(r, boxes)) {
          boxes.push(r);
          visible = true;
          count += 1;
          shown.push(it.c[2]);
        }
      }
      if (it.el) it.el.style.display = visible ? '' : 'none';
    });
    TD.shownCities = shown;
  };

  // ---- search ---------------------------------------------------------------------
  var decoder = document.createElement('textarea');
  function plain(s) {
    if (s.indexOf('&') < 0) return s.toLowerCase();
    decoder.innerHTML = s;
    return decoder.value.toLowerCase();
  }
  function searchIndex() {
    var out = [];
    TD.territories.forEach(function (t, k) {
      out.push({kind: 'Territory', keys: [plain(t.id), plain(t.name), plain(t.owner)],
                label: swatch(t.color) + t.id + ' ' + t.name, go: ['t', k]});
    });
    if (TD.units) TD.units.rows.forEach(function (r, i) {
      out.push({kind: 'Unit', keys: [plain(r[0]), plain(r[1])],
                label: r[0] + (r[1] ? ' ' + r[1] : ''), go: ['u', i]});
    });
    TD.accountMarkers.forEach(function (m, j) {
      var r = m.tdRow;
      out.push({kind: 'Account', keys: [plain(r[4]), plain(r[2])],
                label: r[2] + ' <small>' + r[4] + '</small>', go: ['a', j]});
    });
    (TD.cities || []).forEach(function (c, i) {  // the basemap's places, largest first
      out.push({kind: 'Place', keys: [plain(c[2])], label: c[2], go: ['c', i]});
    });
    return out;
  }
  function score(keys, q) {
    var best = 9;
    keys.forEach(function (s) {
      if (!s) return;
      var at = s.indexOf(q);
      if (at < 0) return;
      var v = s === q ? 0 : at === 0 ? 1 : /[\s\-_,.(]/.test(s.charAt(at - 1)) ? 2 : 3;
      if (v < best) best = v;
    });
    return best;
  }
  var RANK = {Territory: 0, Unit: 1, Place: 2, Account: 3};
  TD.search = function (query, limit) {
    var q = query.trim().toLowerCase();
    if (!q) return [];
    if (!TD._index) TD._index = searchIndex();
    var hits = [];
    TD._index.forEach(function (e, n) {
      var s = score(e.keys, q);
      if (s < 9) hits.push([s, n, e]);
    });
    // Best match first; among equals a territory, a unit, a place, then accounts (many
    // accounts share a town's name and would push the town itself off the list).
    hits.sort(function (a, b) {
      return a[0] - b[0] || RANK[a[2].kind] - RANK[b[2].kind] || a[1] - b[1];
    });
    return hits.slice(0, limit || 8).map(function (h) { return h[2]; });
  };

  TD.go = function (entry) {
    var map = TD.map, kind = entry.go[0], i = entry.go[1];
    TD.userMoved = true;
    if (kind === 't') {
      var t = TD.territories[i];
      if (t.bounds) map.fitBounds(t.bounds, {padding: [20, 20], animate: false});
      // A territory without units has no place: its figures open where the view is.
      L.popup(POPUP).setLatLng(t.label || map.getCenter())
        .setContent(TD.territoryPopup(i)).openOn(map);
    } else if (kind === 'u') {
      var r = TD.units.rows[i];
      map.fitBounds([[r[3] - r[5], r[4] - r[6]], [r[3] + r[5], r[4] + r[6]]],
                    {padding: [30, 30], maxZoom: 15, animate: false});
      L.popup(POPUP).setLatLng([r[3], r[4]]).setContent(TD.unitPopup(i)).openOn(map);
    } else if (kind === 'c') {
      var c = TD.cities[i];
      map.setView([c[0], c[1]], Math.max(map.getZoom(), 11), {animate: false});
      L.popup(POPUP).setLatLng([c[0], c[1]])
        .setContent('<div class="td-pop-title">' + c[2] + '</div>').openOn(map);
    } else {
      var m = TD.accountMarkers[i], cluster = TD.layers.accounts;
      if (!map.hasLayer(cluster)) map.addLayer(cluster);
      openAccount(m, cluster, 0);
    }
  };
  // Zoom (and spiderfy accounts at one address) until the marker itself is on the map.
  // markercluster's own callback waits for an icon, which circle markers do not have.
  function openAccount(m, cluster, tries) {
    var map = TD.map;
    if (map.hasLayer(m)) { m.openPopup(); return; }
    if (tries > 12) {
      L.popup(POPUP).setLatLng(m.getLatLng()).setContent(TD.accountPopup(m.tdRow)).openOn(map);
      return;
    }
    if (m.__parent) cluster.zoomToShowLayer(m);
    else map.setView(m.getLatLng(), 14, {animate: false});  // still being clustered
    setTimeout(function () { openAccount(m, cluster, tries + 1); }, 350);
  }

  function SearchBox(map) {
    var box = L.DomUtil.create('div', 'td-search leaflet-control');
    var input = L.DomUtil.create('input', '', box);
    input.type = 'search';
    input.placeholder = 'Find territory, unit, account…';
    input.setAttribute('aria-label', 'Find a territory, unit, account or place');
    input.autocomplete = 'off';
    var list = L.DomUtil.create('ul', '', box);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    var hits = [], on = 0;
    function show() {
      list.innerHTML = '';
      if (!input.value.trim()) return;
      if (!hits.length) {
        L.DomUtil.create('li', 'td-none', list).textContent = 'Nothing found';
        return;
      }
      hits.forEach(function (e, n) {
        var li = L.DomUtil.create('li', n === on ? 'td-on' : '', list);
        li.innerHTML = '<b>' + e.kind + '</b>' + e.label;
        li.addEventListener('click', function () { pick(n); });
      });
    }
    function pick(n) {
      var e = hits[n];
      if (!e) return;
      list.innerHTML = '';
      input.blur();
      TD.go(e);
    }
    input.addEventListener('input', function () { hits = TD.search(input.value); on = 0; show(); });
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowDown') on = Math.min(on + 1, hits.length - 1);
      else if (ev.key === 'ArrowUp') on = Math.max(on - 1, 0);
      else if (ev.key === 'Enter') { pick(on); ev.preventDefault(); return; }
      else if (ev.key === 'Escape') { input.value = ''; hits = []; }
      else return;
      show();
      ev.preventDefault();
    });
    var Control = L.Control.extend({onAdd: function () { return box; }});
    new Control({position: 'topleft'}).addTo(map);
    this.find = function (query) {
      input.value = query;
      hits = TD.search(query);
      on = 0;
      if (hits.length) pick(0); else show();
    };
  }

  // ---- basemap: land and lakes under the territories, borders over their fills ----
  function basemapLayer(map, B) {
    map.createPane('tdBase').style.zIndex = 350;
    var lines = map.createPane('tdBorders');
    lines.style.zIndex = 420;
    lines.style.pointerEvents = 'none';
    var group = L.layerGroup();
    function add(geom, pane, style) {
      if (geom) L.geoJSON(geom, {pane: pane, interactive: false, style: style}).addTo(group);
    }
    add(B.sea, 'tdBase', {stroke: false, fillColor: '#d6e4ee', fillOpacity: 1});
    add(B.land, 'tdBase', {color: '#8ca5b9', weight: 1, fillColor: '#f4f2ec', fillOpacity: 1});
    add(B.lakes, 'tdBase', {color: '#8ca5b9', weight: 0.8, fillColor: '#d6e4ee', fillOpacity: 1});
    add(B.states, 'tdBorders',
        {color: '#5a5a5a', opacity: 0.6, weight: 1, dashArray: '4 3', fill: false});
    add(B.countries, 'tdBorders', {color: '#5a5a5a', opacity: 0.85, weight: 1.6, fill: false});
    group.addTo(map);
    return group;
  }

  // ---- start ----------------------------------------------------------------------
  TD.init = function (map, layers) {
    TD.map = map;
    TD.layers = layers;
    var tip = hover ? {sticky: true} : null;
    if (layers.territories) {
      layers.territories.eachLayer(function (l) {
        var k = l.feature.properties.k;
        l.bindPopup(function () { return TD.territoryPopup(k); }, POPUP);
        if (tip) l.bindTooltip(TD.territories[k].id + ' ' + TD.territories[k].name, tip);
      });
    }
    if (layers.units) {
      layers.units.eachLayer(function (l) {
        var i = l.feature.properties.i;
        l.bindPopup(function () { return TD.unitPopup(i); }, POPUP);
        if (tip) l.bindTooltip(function () {
          var r = TD.units.rows[i];
          return r[0] + (r[1] ? ' ' + r[1] : '');
        }, tip);
      });
    }
    if (TD.basemap) layers.basemap = basemapLayer(map, TD.basemap);
    if (layers.basemap && layers.control) layers.control.addOverlay(layers.basemap, 'Basemap');
    var labels = new Labels(map);
    TD.labels = labels;
    map.on('zoomend moveend resize', function () { labels.place(); });
    if (layers.accounts) {  // bubbles settle after a zoom, and after loading in chunks
      layers.accounts.on('animationend', function () { labels.place(); });
      setTimeout(function () { labels.place(); }, 400);
    }
    map.on('overlayadd overlayremove', function (e) {
      if (e.layer === layers.basemap) labels.citiesOn = e.type === 'overlayadd';
      labels.place();
    });
    labels.place();
    var search = new SearchBox(map);
    TD.find = search.find;
    var legend = document.querySelector('.td-legend');
    if (legend && window.innerWidth < 600) legend.removeAttribute('open');
    // Refit the first view when the page is resized (a phone turned, a window snapped)
    // until the user has moved the map.
    ['pointerdown', 'wheel', 'keydown'].forEach(function (name) {
      map.getContainer().addEventListener(name, function () { TD.userMoved = true; });
    });
    window.addEventListener('resize', function () {
      if (!TD.userMoved && TD.fit) map.fitBounds(TD.fit, {animate: false});
    });
    // No lowest zoom: changing it while markercluster loads in chunks breaks its grids
    // (accounts stop loading); zoomed far out the basemap is a sheet on grey.
    if (TD.fit) map.fitBounds(TD.fit, {animate: false});
    var hash = decodeURIComponent(location.hash || '');
    if (hash.indexOf('#find=') === 0) {
      setTimeout(function () { TD.find(hash.slice(6)); }, 0);
    }
  };
})();
"""
